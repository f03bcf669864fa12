package io.fedflow.node.component.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Encrypts with a fixed-base obfuscator, as Damgård, Jurik and Nielsen propose (“A generalization of
 * Paillier's public-key system”, 2010, section 4.2): h = r₀^n mod n² is drawn once for a secret random r₀,
 * and each encryption multiplies by h^x for a fresh random x of ⌈|n|/2⌉ bits. h^x is still an n-th power,
 * so the ciphertext is an ordinary Paillier encryption, but the exponent is half as long as n. Made from
 * the private key (the party that owns the key encrypts its own data), h^x is computed by CRT mod p² and
 * q², which divides the cost by about four again. A window table of h's powers was tried and measured no
 * faster with plain multiply-and-mod, but with Barrett reduction it is (see obfuscator()). Thread-safe.
 */
public final class PaillierEncryptor {
    private final PaillierPublicKey key;
    private final PaillierPrivateKey privateKey;
    private final BigInteger nSquared;
    private final BarrettReducer reducer;
    private final SecureRandom random;
    private final int exponentBits;
    private final BigInteger h;
    /** Without the private key: table[i][j] = h^(j · 16^i) mod n², j in 1..15 (index 0 unused). */
    private final BigInteger[][] table;
    private static final int WINDOW_BITS = 4;
    private static final int WINDOW_SIZE = 1 << WINDOW_BITS;

    /** An encryptor for a party that holds only the public key. */
    public PaillierEncryptor(PaillierPublicKey key, SecureRandom random) {
        this(key, null, random);
    }

    /** An encryptor for the key's owner: obfuscators by CRT. */
    public PaillierEncryptor(PaillierPrivateKey privateKey, SecureRandom random) {
        this(privateKey.publicKey(), privateKey, random);
    }

    private PaillierEncryptor(PaillierPublicKey key, PaillierPrivateKey privateKey, SecureRandom random) {
        this.key = key;
        this.privateKey = privateKey;
        this.nSquared = key.nSquared();
        this.reducer = new BarrettReducer(nSquared);
        this.random = random;
        this.exponentBits = (key.bits() + 1) / 2;
        this.h = randomUnit(key.n(), random).modPow(key.n(), nSquared);
        // A party with the public key only: h's powers tabulated once, then one Barrett multiplication per
        // 4-bit window of x (measured about 3x faster than modPow for HeteroLR's residual encryption).
        this.table = privateKey != null ? null : windowTable(h, exponentBits, reducer);
    }

    private static BigInteger[][] windowTable(BigInteger h, int exponentBits, BarrettReducer reducer) {
        int windows = (exponentBits + WINDOW_BITS - 1) / WINDOW_BITS;
        BigInteger[][] table = new BigInteger[windows][WINDOW_SIZE];
        BigInteger base = h;
        for (int i = 0; i < windows; i++) {
            table[i][1] = base;
            for (int j = 2; j < WINDOW_SIZE; j++) {
                table[i][j] = reducer.multiply(table[i][j - 1], base);
            }
            base = reducer.multiply(table[i][WINDOW_SIZE - 1], base); // base^16
        }
        return table;
    }

    public PaillierPublicKey publicKey() {
        return key;
    }

    /** Encrypts {@code m}, taken mod n (so a negative number is its complement, as {@link FixedPoint} wants). */
    public BigInteger encrypt(BigInteger m) {
        key.counter().count(PaillierCounter.Operation.ENCRYPT, 1);
        return key.encryptWith(m.mod(key.n()), obfuscator());
    }

    public BigInteger encrypt(long m) {
        return encrypt(BigInteger.valueOf(m));
    }

    /** A fresh h^x mod n². */
    BigInteger obfuscator() {
        BigInteger x = new BigInteger(exponentBits, random);
        if (privateKey != null) {
            return privateKey.powModNSquared(h, x);
        }
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
