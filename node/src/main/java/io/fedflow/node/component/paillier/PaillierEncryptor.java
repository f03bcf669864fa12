package io.fedflow.node.component.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Encrypts with a fixed-base obfuscator, as Damgård, Jurik and Nielsen propose (“A generalization of
 * Paillier's public-key system”, 2010, section 4.2): h = r₀^n mod n² is drawn once for a secret random r₀,
 * and each encryption multiplies by h^x for a fresh random x of ⌈|n|/2⌉ bits. h^x is still an n-th power
 * (so the ciphertext is a valid Paillier encryption), and because the base is fixed its powers
 * h^(j·16^i) are tabulated once: an obfuscator then costs one multiplication per 4-bit window of x (about
 * 128 for a 1024-bit key) instead of a full exponentiation with a |n|-bit exponent. Thread-safe.
 */
public final class PaillierEncryptor {
    private static final int WINDOW_BITS = 4;
    private static final int WINDOW_SIZE = 1 << WINDOW_BITS;

    private final PaillierPublicKey key;
    private final BigInteger nSquared;
    private final BarrettReducer reducer;
    private final SecureRandom random;
    private final int exponentBits;
    /** table[i][j] = h^(j · 16^i) mod n², j in 1..15 (index 0 unused). */
    private final BigInteger[][] table;

    public PaillierEncryptor(PaillierPublicKey key, SecureRandom random) {
        this.key = key;
        this.nSquared = key.nSquared();
        this.reducer = new BarrettReducer(nSquared);
        this.random = random;
        this.exponentBits = (key.bits() + 1) / 2;
        BigInteger h = randomUnit(key.n(), random).modPow(key.n(), nSquared);
        int windows = (exponentBits + WINDOW_BITS - 1) / WINDOW_BITS;
        table = new BigInteger[windows][WINDOW_SIZE];
        BigInteger base = h;
        for (int i = 0; i < windows; i++) {
            table[i][1] = base;
            for (int j = 2; j < WINDOW_SIZE; j++) {
                table[i][j] = table[i][j - 1].multiply(base).mod(nSquared);
            }
            base = table[i][WINDOW_SIZE - 1].multiply(base).mod(nSquared); // base^16
        }
    }

    public PaillierPublicKey publicKey() {
        return key;
    }

    /** Encrypts {@code m}, taken mod n (so a negative number is its complement, as {@link FixedPoint} wants). */
    public BigInteger encrypt(BigInteger m) {
        return key.encryptWith(m.mod(key.n()), obfuscator());
    }

    public BigInteger encrypt(long m) {
        return encrypt(BigInteger.valueOf(m));
    }

    /** A fresh h^x mod n². */
    BigInteger obfuscator() {
        BigInteger x = new BigInteger(exponentBits, random);
        BigInteger acc = BigInteger.ONE;
        for (int i = 0; i < table.length; i++) {
            int digit = 0;
            for (int b = 0; b < WINDOW_BITS; b++) {
                if (x.testBit(i * WINDOW_BITS + b)) {
                    digit |= 1 << b;
                }
            }
            if (digit != 0) {
                acc = reducer.multiply(acc, table[i][digit]);
            }
        }
        return acc;
    }

    private static BigInteger randomUnit(BigInteger n, SecureRandom random) {
        while (true) {
            BigInteger r = new BigInteger(n.bitLength(), random);
            if (r.signum() > 0 && r.compareTo(n) < 0 && r.gcd(n).equals(BigInteger.ONE)) {
                return r;
            }
        }
    }
}
