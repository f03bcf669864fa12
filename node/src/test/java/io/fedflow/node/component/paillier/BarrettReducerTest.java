package io.fedflow.node.component.paillier;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class BarrettReducerTest {
    @Test
    void multipliesAsBigIntegerModDoesForAnyResidues() {
        SecureRandom random = new SecureRandom();
        BigInteger n2 = PaillierKeyPair.generate(512, random).publicKey().nSquared();
        BarrettReducer r = new BarrettReducer(n2);
        BigInteger top = n2.subtract(BigInteger.ONE);
        assertThat(r.multiply(top, top)).isEqualTo(top.multiply(top).mod(n2));
        assertThat(r.multiply(BigInteger.ZERO, top)).isZero();
        for (int i = 0; i < 2000; i++) {
            BigInteger a = new BigInteger(n2.bitLength(), random).mod(n2);
            BigInteger b = new BigInteger(n2.bitLength() - random.nextInt(64), random).mod(n2);
            assertThat(r.multiply(a, b)).isEqualTo(a.multiply(b).mod(n2));
        }
    }
}
