package io.fedflow.node.component.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Encrypts with a fixed-base obfuscator, as Damgård, Jurik and Nielsen propose (“A generalization of
 * Paillier's public-key system”, 2010, section 4.2): h = r₀^n mod n² is drawn once for a secret random r₀,
 * and each encryption multiplies by h^x for a fresh random x of ⌈|n|/2⌉ bits. h^x is still an n-th power,
 * so the ciphertext is an ordinary Paillier encryption, but the exponent is half as long as n. Made from
 * the private key (the party that owns the key encrypts its own data), h^x is computed by CRT mod p² and
 * q², which divides the cost by about four again. With the public key alone, h^x is a product of
 * precomputed powers of h (a fixed-base window table, see obfuscator()).
 *
 * <p>{@link #precomputing} gives an encryptor whose obfuscators a background thread draws ahead of need,
 * up to a bound, while the party waits for its peers: an encryption then costs one multiplication. Close
 * it to stop that thread. Thread-safe.
 */
public final class PaillierEncryptor implements AutoCloseable {
    private final PaillierPublicKey key;
    private final PaillierPrivateKey privateKey;
    private final BigInteger nSquared;
    private final MontgomeryMultiplier multiplier;
    private final SecureRandom random;
    private final int exponentBits;
    private final BigInteger h;
    /**
     * Without the private key: table[i][j] = h^(j · 256^i) mod n² in Montgomery form, j in 1..255 (index 0
     * unused), so an obfuscator is a chain of Montgomery products converted back once.
     */
    private final int[][][] table;
    /** Obfuscators drawn ahead by a background thread; null when none are. */
    private final PrecomputedObfuscators precomputed;
    // One byte of x per window: |n|/16 multiplications per obfuscator (64 for a 1024-bit key) instead of the
    // 128 of 4-bit windows, for a table of |n|/16 × 255 values (about 5 MB at 1024 bits, 20 MB at 2048).
    private static final int WINDOW_BITS = 8;
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
        this.multiplier = key.multiplier();
        this.random = random;
        this.exponentBits = (key.bits() + 1) / 2;
        this.h = randomUnit(key.n(), random).modPow(key.n(), nSquared);
        // A party with the public key only: h's powers tabulated once, then one Montgomery product per
        // 8-bit window of x (measured about 3x faster than modPow for HeteroLR's residual encryption).
        this.table = privateKey != null ? null : windowTable(h, exponentBits, multiplier);
        this.precomputed = null;
    }

    private PaillierEncryptor(PaillierEncryptor source, int capacity) {
        this.key = source.key;
        this.privateKey = source.privateKey;
        this.nSquared = source.nSquared;
        this.multiplier = source.multiplier;
        this.random = source.random;
        this.exponentBits = source.exponentBits;
        this.h = source.h;
        this.table = source.table;
        this.precomputed = new PrecomputedObfuscators(source::obfuscator, capacity);
    }

    /**
     * An encryptor over the same key and obfuscator base whose obfuscators a background thread computes
     * ahead of need, holding at most {@code capacity} of them (about 2·|n| bits each); 0 keeps this one's
     * inline computation. The caller closes it.
     */
    public PaillierEncryptor precomputing(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity cannot be negative, got " + capacity);
        }
        return capacity == 0 ? this : new PaillierEncryptor(this, capacity);
    }

    /** Obfuscators computed ahead and not used yet (0 without precomputation). */
    public int precomputedCount() {
        return precomputed == null ? 0 : precomputed.available();
    }

    /** Stops the background thread of {@link #precomputing}; a no-op otherwise. */
    @Override
    public void close() {
        if (precomputed != null) {
            precomputed.close();
        }
    }

    private static int[][][] windowTable(BigInteger h, int exponentBits, MontgomeryMultiplier mod) {
        int windows = (exponentBits + WINDOW_BITS - 1) / WINDOW_BITS;
        int[][][] table = new int[windows][WINDOW_SIZE][];
        int[] base = mod.toMontgomery(h);
        for (int i = 0; i < windows; i++) {
            table[i][1] = base;
            for (int j = 2; j < WINDOW_SIZE; j++) {
                table[i][j] = mod.multiply(table[i][j - 1], base);
            }
            base = mod.multiply(table[i][WINDOW_SIZE - 1], base); // base^256
        }
        return table;
    }

    public PaillierPublicKey publicKey() {
        return key;
    }

    /** Encrypts {@code m}, taken mod n (so a negative number is its complement, as {@link FixedPoint} wants). */
    public BigInteger encrypt(BigInteger m) {
        key.counter().count(PaillierCounter.Operation.ENCRYPT, 1);
        return key.encryptWith(m.mod(key.n()), precomputed != null ? precomputed.next() : obfuscator());
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
        // x's bytes, least significant last, are its base-256 digits: window i is byte length-1-i
        byte[] digits = x.toByteArray();
        // two buffers for the whole chain, not an array a product
        MontgomeryMultiplier.Product acc = new MontgomeryMultiplier.Product(multiplier);
        for (int i = 0; i < table.length && i < digits.length; i++) {
            int digit = digits[digits.length - 1 - i] & 0xff;
            if (digit != 0) {
                acc.times(table[i][digit]);
            }
        }
        return acc.value() == null ? BigInteger.ONE : multiplier.toBigInteger(acc.value());
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
