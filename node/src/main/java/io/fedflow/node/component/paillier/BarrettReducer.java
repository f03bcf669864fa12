package io.fedflow.node.component.paillier;

import java.math.BigInteger;

/**
 * Multiplication modulo a fixed modulus by Barrett's reduction: two multiplications and shifts instead of
 * BigInteger.mod's long division, about twice as fast for a 2048-bit n². Thread-safe.
 */
public final class BarrettReducer {
    private final BigInteger modulus;
    private final int k;
    private final BigInteger mu;

    public BarrettReducer(BigInteger modulus) {
        if (modulus.signum() <= 0) {
            throw new IllegalArgumentException("the modulus must be positive");
        }
        this.modulus = modulus;
        this.k = modulus.bitLength();
        this.mu = BigInteger.ONE.shiftLeft(2 * k).divide(modulus);
    }

    public BigInteger modulus() {
        return modulus;
    }

    /** a·b mod the modulus, for a and b in [0, modulus). */
    public BigInteger multiply(BigInteger a, BigInteger b) {
        BigInteger x = a.multiply(b);
        BigInteger q = x.shiftRight(k - 1).multiply(mu).shiftRight(k + 1);
        BigInteger r = x.subtract(q.multiply(modulus));
        while (r.compareTo(modulus) >= 0) {
            r = r.subtract(modulus);
        }
        return r;
    }
}
