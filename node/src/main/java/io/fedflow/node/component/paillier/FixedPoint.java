package io.fedflow.node.component.paillier;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Fixed-point encoding of doubles as Paillier plaintexts: x becomes round(x · 2^53) mod n, so a negative
 * number is n minus its magnitude and decodes back from the upper half of [0, n). FATE instead encodes with
 * a per-number exponent; a fixed scale keeps ciphertexts addable without aligning exponents. Sums stay at
 * scale 2^53; a product with an encoded scalar is at 2^106 ({@link #decodeProduct}). Values must stay
 * below n / 2^(scale+1) in magnitude (about 2^458 for a 1024-bit key at product scale): far beyond any
 * feature or label sum.
 */
public final class FixedPoint {
    public static final int SCALE_BITS = 53;

    private final BigInteger n;
    private final BigInteger half;

    public FixedPoint(PaillierPublicKey key) {
        this.n = key.n();
        this.half = n.shiftRight(1);
    }

    public BigInteger encode(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("cannot encode " + x);
        }
        return new BigDecimal(x).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(SCALE_BITS)))
                .setScale(0, RoundingMode.HALF_EVEN).toBigInteger().mod(n);
    }

    public double decode(BigInteger m) {
        return decode(m, SCALE_BITS);
    }

    /** Decodes the plaintext of E(a)^encode(b): a·b at scale 2^(2·53). */
    public double decodeProduct(BigInteger m) {
        return decode(m, 2 * SCALE_BITS);
    }

    /** An integer plaintext (a count, a sum of 0/1 labels), negative when in the upper half. */
    public BigInteger signed(BigInteger m) {
        return m.compareTo(half) > 0 ? m.subtract(n) : m;
    }

    private double decode(BigInteger m, int scaleBits) {
        return new BigDecimal(signed(m)).divide(new BigDecimal(BigInteger.ONE.shiftLeft(scaleBits))).doubleValue();
    }
}
