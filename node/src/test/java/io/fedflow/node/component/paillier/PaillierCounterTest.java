package io.fedflow.node.component.paillier;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A key counts what is done with it: encryptions by either kind of encryptor over it, decryptions by its
 * private key, homomorphic adds and multiplies, also on a public key rebuilt from n as a peer does. The
 * counter is not part of the key's identity.
 */
class PaillierCounterTest {
    private final Map<PaillierCounter.Operation, Long> counts = new EnumMap<>(PaillierCounter.Operation.class);
    private final PaillierCounter counter = (op, times) -> counts.merge(op, times, Long::sum);

    @Test
    void eachOperationIsCountedOnce() {
        PaillierKeyPair keys = PaillierKeyPair.generate(512, new SecureRandom(), counter);
        PaillierEncryptor holder = new PaillierEncryptor(keys.privateKey(), new SecureRandom());
        PaillierPublicKey peerKey = new PaillierPublicKey(keys.publicKey().n(), counter);
        PaillierEncryptor peer = new PaillierEncryptor(peerKey, new SecureRandom());

        BigInteger a = holder.encrypt(2);
        BigInteger b = peer.encrypt(3);
        BigInteger sum = peerKey.add(a, b);
        BigInteger product = peerKey.multiply(sum, BigInteger.valueOf(5));
        assertThat(keys.privateKey().decrypt(product)).isEqualTo(BigInteger.valueOf(25));

        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(PaillierCounter.Operation.ENCRYPT, 2L,
                PaillierCounter.Operation.ADD, 1L, PaillierCounter.Operation.MULTIPLY, 1L,
                PaillierCounter.Operation.DECRYPT, 1L));
    }

    @Test
    void aKeyWithoutCounterCountsNothingAndEqualsTheCountedOne() {
        PaillierKeyPair keys = PaillierKeyPair.generate(512, new SecureRandom());
        keys.privateKey().decrypt(new PaillierEncryptor(keys.publicKey(), new SecureRandom()).encrypt(1));
        assertThat(counts).isEmpty();
        assertThat(new PaillierPublicKey(keys.publicKey().n(), counter)).isEqualTo(keys.publicKey())
                .hasSameHashCodeAs(keys.publicKey());
    }
}
