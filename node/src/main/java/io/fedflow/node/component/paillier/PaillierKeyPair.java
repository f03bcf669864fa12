package io.fedflow.node.component.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;

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
            BigInteger p = BigInteger.probablePrime(bits / 2, random);
            BigInteger q = BigInteger.probablePrime(bits / 2, random);
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
