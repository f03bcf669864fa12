package io.fedflow.node.component.paillier;

import java.math.BigInteger;

/**
 * Powers of one fixed base modulo a fixed modulus, from a table of 8-bit windows: entry [i][j] is
 * base^(j·256^i) in Montgomery form, so base^x is one Montgomery product per non-zero byte of x and one
 * conversion back. An obfuscator of a 1024-bit key (x of 512 bits) so costs 64 products instead of
 * modPow's 512 squarings and about 100 products; the table costs 255 products per window once (|x|/8 × 255
 * values: about 5 MB mod a 2048-bit n², half that mod each of p² and q²). Immutable, thread-safe.
 */
final class FixedBasePowers {
    private static final int WINDOW_BITS = 8;
    private static final int WINDOW_SIZE = 1 << WINDOW_BITS;

    private final MontgomeryMultiplier mod;
    private final int exponentBits;
    /** [window][digit], digit in 1..255 (index 0 unused: a zero byte multiplies by nothing). */
    private final int[][][] table;

    /** A table for exponents of at most {@code exponentBits} bits; {@code base} in [0, modulus). */
    FixedBasePowers(BigInteger base, int exponentBits, MontgomeryMultiplier mod) {
        this.mod = mod;
        this.exponentBits = exponentBits;
        int windows = (exponentBits + WINDOW_BITS - 1) / WINDOW_BITS;
        this.table = new int[windows][WINDOW_SIZE][];
        int[] power = mod.toMontgomery(base);
        for (int i = 0; i < windows; i++) {
            table[i][1] = power;
            for (int j = 2; j < WINDOW_SIZE; j++) {
                table[i][j] = mod.multiply(table[i][j - 1], power);
            }
            power = mod.multiply(table[i][WINDOW_SIZE - 1], power); // base^(256^(i+1))
        }
    }

    /** base^x mod the modulus, for 0 ≤ x < 2^exponentBits. */
    BigInteger pow(BigInteger x) {
        if (x.signum() < 0 || x.bitLength() > exponentBits) {
            throw new IllegalArgumentException("the exponent must be in [0, 2^" + exponentBits + "), got "
                    + x.bitLength() + " bits" + (x.signum() < 0 ? ", negative" : ""));
        }
        // x's bytes, least significant last, are its base-256 digits: window i is byte length-1-i
        byte[] digits = x.toByteArray();
        // two buffers for the whole chain, not an array a product
        MontgomeryMultiplier.Product acc = new MontgomeryMultiplier.Product(mod);
        for (int i = 0; i < table.length && i < digits.length; i++) {
            int digit = digits[digits.length - 1 - i] & 0xff;
            if (digit != 0) {
                acc.times(table[i][digit]);
            }
        }
        return acc.value() == null ? BigInteger.ONE : mod.toBigInteger(acc.value());
    }
}
