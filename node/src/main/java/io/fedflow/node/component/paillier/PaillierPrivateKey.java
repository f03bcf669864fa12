package io.fedflow.node.component.paillier;

import java.math.BigInteger;
import java.util.function.UnaryOperator;

/**
 * The factors of n and what CRT decryption precomputes from them: decryption works mod p² and q² (exponents
 * p-1 and q-1 of half the size, on numbers of half the size: about 4× less work than mod n² with λ) and
 * joins the two halves with Garner's formula.
 */
public final class PaillierPrivateKey {
    private final PaillierPublicKey publicKey;
    private final BigInteger p;
    private final BigInteger q;
    private final BigInteger pSquared;
    private final BigInteger qSquared;
    private final BigInteger pMinus1;
    private final BigInteger qMinus1;
    private final BigInteger hp;
    private final BigInteger hq;
    private final BigInteger qInverseModP;
    private final BigInteger qSquaredInverseModPSquared;

    PaillierPrivateKey(PaillierPublicKey publicKey, BigInteger p, BigInteger q) {
        if (!p.multiply(q).equals(publicKey.n()) || p.equals(q)) {
            throw new IllegalArgumentException("p and q must be distinct factors of n");
        }
        this.publicKey = publicKey;
        this.p = p;
        this.q = q;
        this.pSquared = p.multiply(p);
        this.qSquared = q.multiply(q);
        this.pMinus1 = p.subtract(BigInteger.ONE);
        this.qMinus1 = q.subtract(BigInteger.ONE);
        BigInteger g = publicKey.n().add(BigInteger.ONE);
        this.hp = h(g, p, pSquared, pMinus1);
        this.hq = h(g, q, qSquared, qMinus1);
        this.qInverseModP = q.modInverse(p);
        this.qSquaredInverseModPSquared = qSquared.modInverse(pSquared);
    }

    /** hp = L_p(g^(p-1) mod p²)^-1 mod p, from Paillier's paper (section 7, decryption with CRT). */
    private static BigInteger h(BigInteger g, BigInteger prime, BigInteger primeSquared, BigInteger primeMinus1) {
        return l(g.mod(primeSquared).modPow(primeMinus1, primeSquared), prime).modInverse(prime);
    }

    private static BigInteger l(BigInteger x, BigInteger prime) {
        return x.subtract(BigInteger.ONE).divide(prime);
    }

    public PaillierPublicKey publicKey() {
        return publicKey;
    }

    /** The plaintext of {@code c}, in [0, n). */
    public BigInteger decrypt(BigInteger c) {
        publicKey.counter().count(PaillierCounter.Operation.DECRYPT, 1);
        BigInteger mp = l(c.mod(pSquared).modPow(pMinus1, pSquared), p).multiply(hp).mod(p);
        BigInteger mq = l(c.mod(qSquared).modPow(qMinus1, qSquared), q).multiply(hq).mod(q);
        // Garner: m = mq + q·((mp - mq)·q^-1 mod p)
        return mp.subtract(mq).multiply(qInverseModP).mod(p).multiply(q).add(mq);
    }

    /**
     * x ↦ base^x mod n² for x of at most {@code exponentBits} bits, by CRT: fixed-base tables mod p² and q²
     * (numbers half as long as n²: twice the products, each measured at about half the cost), joined by
     * Garner's formula. For the key's own encryptor; x needs no reduction by φ(p²) at half n's length.
     */
    UnaryOperator<BigInteger> crtPowers(BigInteger base, int exponentBits) {
        FixedBasePowers modP = new FixedBasePowers(base.mod(pSquared), exponentBits, new MontgomeryMultiplier(pSquared));
        FixedBasePowers modQ = new FixedBasePowers(base.mod(qSquared), exponentBits, new MontgomeryMultiplier(qSquared));
        return x -> {
            BigInteger rp = modP.pow(x);
            BigInteger rq = modQ.pow(x);
            return rp.subtract(rq).multiply(qSquaredInverseModPSquared).mod(pSquared).multiply(qSquared).add(rq);
        };
    }
}
