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
 * faster: BigInteger's modPow uses Montgomery reduction, plain multiply-and-mod does not. Thread-safe.
 */
public final class PaillierEncryptor {
    private final PaillierPublicKey key;
    private final PaillierPrivateKey privateKey;
    private final BigInteger nSquared;
    private final SecureRandom random;
    private final int exponentBits;
    private final BigInteger h;

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
        this.random = random;
        this.exponentBits = (key.bits() + 1) / 2;
        this.h = randomUnit(key.n(), random).modPow(key.n(), nSquared);
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
        return privateKey == null ? h.modPow(x, nSquared) : privateKey.powModNSquared(h, x);
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
