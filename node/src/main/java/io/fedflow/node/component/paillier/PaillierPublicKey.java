package io.fedflow.node.component.paillier;

import java.math.BigInteger;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Paillier public key with g = n + 1, which makes g^m mod n² = 1 + m·n (one multiplication instead of a
 * modular exponentiation). Holds what a party that only adds ciphertexts needs; it cannot decrypt.
 *
 * @param n the modulus p·q
 * @param counter counts what is done with the key (and the encryptors and private key made over it); it is
 *                not part of the key's identity
 */
public record PaillierPublicKey(BigInteger n, PaillierCounter counter) {
    /**
     * Montgomery multipliers mod n², by n: a record holds no derived state, and add/encrypt by BigInteger.mod
     * (a long division) cost several Montgomery products. A few keys live at a time (one per running hetero
     * task), so the cache is simply emptied when it reaches 64 keys.
     */
    private static final Map<BigInteger, MontgomeryMultiplier> MULTIPLIERS = new ConcurrentHashMap<>();
    private static final int MAX_CACHED_MULTIPLIERS = 64;

    public PaillierPublicKey {
        if (n == null || n.signum() <= 0 || !n.testBit(0)) {
            throw new IllegalArgumentException("n must be a positive odd modulus");
        }
        if (counter == null) {
            throw new IllegalArgumentException("counter must be set (PaillierCounter.NONE counts nothing)");
        }
    }

    public PaillierPublicKey(BigInteger n) {
        this(n, PaillierCounter.NONE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PaillierPublicKey k && n.equals(k.n);
    }

    @Override
    public int hashCode() {
        return n.hashCode();
    }

    public BigInteger nSquared() {
        return n.multiply(n);
    }

    /** Bits of n (1024, 2048...). */
    public int bits() {
        return n.bitLength();
    }

    /** Bytes of one ciphertext written at fixed width: the size of n². */
    public int ciphertextBytes() {
        return (nSquared().bitLength() + 7) / 8;
    }

    /** (1 + m·n) · obfuscator mod n²: the encryption of {@code m} (in [0, n)) with the given r^n. */
    BigInteger encryptWith(BigInteger m, BigInteger obfuscator) {
        // 1 + m·n ≤ 1 + (n − 1)·n < n²: already reduced
        return multiplier().multiply(BigInteger.ONE.add(m.multiply(n)), obfuscator);
    }

    /** E(a) · E(b) = E(a + b mod n). */
    public BigInteger add(BigInteger a, BigInteger b) {
        counter.count(PaillierCounter.Operation.ADD, 1);
        MontgomeryMultiplier r = multiplier();
        if (a.signum() < 0 || b.signum() < 0 || a.compareTo(r.modulus()) >= 0 || b.compareTo(r.modulus()) >= 0) {
            return a.multiply(b).mod(r.modulus()); // the multiplier takes operands in [0, n²) only
        }
        return r.multiply(a, b);
    }

    /** Montgomery products mod n², shared by every user of this key (see {@link MontgomeryMultiplier}). */
    public MontgomeryMultiplier multiplier() {
        MontgomeryMultiplier r = MULTIPLIERS.get(n);
        if (r == null) {
            if (MULTIPLIERS.size() >= MAX_CACHED_MULTIPLIERS) {
                MULTIPLIERS.clear();
            }
            r = MULTIPLIERS.computeIfAbsent(n, k -> new MontgomeryMultiplier(k.multiply(k)));
        }
        return r;
    }

    /** E(a)^k = E(k·a mod n); a negative k multiplies by k mod n. */
    public BigInteger multiply(BigInteger c, BigInteger k) {
        counter.count(PaillierCounter.Operation.MULTIPLY, 1);
        return c.modPow(k.mod(n), nSquared());
    }

    /** An encryption of 0 without randomness: the neutral start of a homomorphic sum. */
    public BigInteger zero() {
        return BigInteger.ONE;
    }
}
