package io.fedflow.node.component.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.IntStream;

/** A Paillier key pair: the public key goes to the other parties, the private key never leaves its party. */
public record PaillierKeyPair(PaillierPublicKey publicKey, PaillierPrivateKey privateKey) {
    /** FATE's default key_length. */
    public static final int DEFAULT_BITS = 1024;

    /** n = p·q of {@code bits} bits, p and q distinct primes of bits/2 bits each; g = n + 1. */
    public static PaillierKeyPair generate(int bits, SecureRandom random) {
        return generate(bits, random, PaillierCounter.NONE);
    }

    /** As above, the key pair's operations counted by {@code counter}. */
    public static PaillierKeyPair generate(int bits, SecureRandom random, PaillierCounter counter) {
        if (bits < 512 || bits % 2 != 0) {
            throw new IllegalArgumentException("key length must be even and at least 512 bits, got " + bits);
        }
        while (true) {
            // the two primes are independent draws: on two cores at once (most of a key's time is the search)
            List<BigInteger> pq = ParallelWork.call(() -> IntStream.range(0, 2).parallel()
                    .mapToObj(i -> BigInteger.probablePrime(bits / 2, random)).toList());
            BigInteger p = pq.get(0);
            BigInteger q = pq.get(1);
            BigInteger n = p.multiply(q);
            // equal primes, or a product one bit short, would weaken or mis-size the key: draw again
            if (p.equals(q) || n.bitLength() != bits) {
                continue;
            }
            PaillierPublicKey pub = new PaillierPublicKey(n, counter);
            return new PaillierKeyPair(pub, new PaillierPrivateKey(pub, p, q));
        }
    }
}
