package io.fedflow.node.component.paillier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

class MontgomeryMultiplierTest {
    /** n² of a 1024-bit key (2048 bits, as HeteroLR's) and of a 512-bit key. */
    static final BigInteger N2 = PaillierKeyPair.generate(1024, new SecureRandom()).publicKey().nSquared();
    static final BigInteger SMALL_N2 = PaillierKeyPair.generate(512, new SecureRandom()).publicKey().nSquared();
    /** Odd moduli whose int count is odd (the intrinsic wants an even one): the BigInteger reduction serves. */
    static final BigInteger ODD_INTS = BigInteger.ONE.shiftLeft(2015).add(BigInteger.valueOf(12_345));

    /** Each modulus with the intrinsic (when java.math is open, as the build's surefire opens it) and without. */
    @Provide
    Arbitrary<MontgomeryMultiplier> multipliers() {
        return Arbitraries.of(List.of(N2, SMALL_N2, ODD_INTS)).flatMap(m -> Arbitraries.of(
                new MontgomeryMultiplier(m), new MontgomeryMultiplier(m, false)));
    }

    /** Residues in [0, m): random ones and the edges 0, 1, m − 1. */
    static Arbitrary<BigInteger> residues(BigInteger m) {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(BigInteger.ZERO, BigInteger.ONE, m.subtract(BigInteger.ONE))),
                Tuple.of(6, Arbitraries.longs()
                        .map(seed -> new BigInteger(m.bitLength() + 8, new Random(seed)).mod(m))));
    }

    @Provide
    Arbitrary<Tuple.Tuple3<MontgomeryMultiplier, BigInteger, BigInteger>> operands() {
        return multipliers().flatMap(mm -> residues(mm.modulus()).tuple2().map(t -> Tuple.of(mm, t.get1(), t.get2())));
    }

    @Property(tries = 300)
    void aProductIsBigIntegersProduct(@ForAll("operands") Tuple.Tuple3<MontgomeryMultiplier, BigInteger,
            BigInteger> t) {
        MontgomeryMultiplier mm = t.get1();
        BigInteger m = mm.modulus();
        BigInteger expected = t.get2().multiply(t.get3()).mod(m);
        assertThat(mm.toBigInteger(mm.multiply(mm.toMontgomery(t.get2()), mm.toMontgomery(t.get3()))))
                .isEqualTo(expected);
        assertThat(mm.multiply(t.get2(), t.get3())).isEqualTo(expected);
        assertThat(mm.toBigInteger(mm.square(mm.toMontgomery(t.get2())))).isEqualTo(t.get2().pow(2).mod(m));
        assertThat(mm.toBigInteger(mm.toMontgomery(t.get2()))).isEqualTo(t.get2());
    }

    @Property(tries = 60)
    void aPowerIsModPow(@ForAll("operands") Tuple.Tuple3<MontgomeryMultiplier, BigInteger, BigInteger> t) {
        MontgomeryMultiplier mm = t.get1();
        BigInteger exponent = t.get3().shiftRight(t.get3().bitLength() / 2); // up to about half the modulus' bits
        assertThat(mm.toBigInteger(mm.pow(mm.toMontgomery(t.get2()), exponent)))
                .isEqualTo(t.get2().modPow(exponent, mm.modulus()));
    }

    /**
     * Long chains of products whose intermediates stay in Montgomery form (and may lie in [m, R), as inside
     * modPow) end at the residue BigInteger computes step by step.
     */
    @Property(tries = 30)
    void aChainOfProductsAndSquaresStaysExact(@ForAll("operands") Tuple.Tuple3<MontgomeryMultiplier, BigInteger,
            BigInteger> t) {
        MontgomeryMultiplier mm = t.get1();
        BigInteger m = mm.modulus();
        int[] acc = mm.toMontgomery(t.get2());
        int[] x = mm.toMontgomery(t.get3());
        BigInteger expected = t.get2();
        for (int i = 0; i < 200; i++) {
            if (i % 3 == 0) {
                acc = mm.square(acc);
                expected = expected.multiply(expected).mod(m);
            } else {
                acc = mm.multiply(acc, x);
                expected = expected.multiply(t.get3()).mod(m);
            }
        }
        assertThat(mm.toBigInteger(acc)).isEqualTo(expected);
    }

    /**
     * A running product in two buffers (what the obfuscators and multi-exponentiations chain) ends at the
     * residue BigInteger computes, and never writes a factor: the tables it multiplies by are shared.
     */
    @Property(tries = 30)
    void aRunningProductStaysExactAndLeavesItsFactorsAlone(@ForAll("operands") Tuple.Tuple3<MontgomeryMultiplier,
            BigInteger, BigInteger> t) {
        MontgomeryMultiplier mm = t.get1();
        BigInteger m = mm.modulus();
        int[] x = mm.toMontgomery(t.get2());
        int[] y = mm.toMontgomery(t.get3());
        int[] xBefore = x.clone();
        int[] yBefore = y.clone();
        MontgomeryMultiplier.Product p = new MontgomeryMultiplier.Product(mm);
        p.square(); // of the empty product: still 1
        assertThat(p.value()).isNull();
        BigInteger expected = BigInteger.ONE;
        for (int i = 0; i < 60; i++) {
            switch (i % 4) {
                case 0 -> {
                    p.times(x);
                    expected = expected.multiply(t.get2()).mod(m);
                }
                case 1 -> {
                    p.square();
                    expected = expected.multiply(expected).mod(m);
                }
                case 2 -> {
                    p.times(p.value()); // its own value as the factor: a square
                    expected = expected.multiply(expected).mod(m);
                }
                default -> {
                    p.times(y);
                    expected = expected.multiply(t.get3()).mod(m);
                }
            }
        }
        assertThat(mm.toBigInteger(p.value())).isEqualTo(expected);
        assertThat(x).isEqualTo(xBefore);
        assertThat(y).isEqualTo(yBefore);
    }

    /**
     * Residues are compared, not ints: a value in Montgomery form has two representations when it lies below
     * R − N, and which one a product returns depends on the JIT. The JDK's Java code reduces fully; its
     * compiled intrinsic may stop in [N, R). So the same product taken twice may differ in its ints while it
     * is the same residue (a comparison of ints here failed once in CI, in a JVM that had compiled the code).
     */
    @Property(tries = 60)
    void aProductIntoAnArrayIsTheProduct(@ForAll("operands") Tuple.Tuple3<MontgomeryMultiplier, BigInteger,
            BigInteger> t) {
        MontgomeryMultiplier mm = t.get1();
        BigInteger m = mm.modulus();
        int[] a = mm.toMontgomery(t.get2());
        int[] b = mm.toMontgomery(t.get3());
        int[] out = new int[mm.length()];
        Arrays.fill(out, -1); // whatever the buffer held before is overwritten
        mm.multiply(a, b, out);
        assertThat(mm.toBigInteger(out)).isEqualTo(t.get2().multiply(t.get3()).mod(m));
        assertThat(mm.toBigInteger(out)).isEqualTo(mm.toBigInteger(mm.multiply(a, b)));
        mm.square(a, out);
        assertThat(mm.toBigInteger(out)).isEqualTo(t.get2().pow(2).mod(m));
        assertThat(mm.toBigInteger(out)).isEqualTo(mm.toBigInteger(mm.square(a)));
    }

    @Test
    void refusesToWriteAProductOverAnOperand() {
        for (MontgomeryMultiplier mm : List.of(new MontgomeryMultiplier(N2), new MontgomeryMultiplier(N2, false))) {
            int[] a = mm.toMontgomery(BigInteger.TWO);
            int[] b = mm.toMontgomery(BigInteger.TEN);
            assertThatThrownBy(() -> mm.multiply(a, b, a)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("neither operand");
            assertThatThrownBy(() -> mm.multiply(a, b, b)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("neither operand");
            assertThatThrownBy(() -> mm.square(a, a)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("neither operand");
            assertThatThrownBy(() -> mm.multiply(a, b, new int[mm.length() - 1]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(mm.length() + " ints");
        }
    }

    @Test
    void theBuildsTestsRunTheJdkIntrinsicForCiphertextModuli() {
        // surefire's argLine opens java.math; without it the multiplier would silently be about 3x slower
        assertThat(new MontgomeryMultiplier(N2).usesIntrinsic()).isTrue();
        assertThat(new MontgomeryMultiplier(N2, false).usesIntrinsic()).isFalse();
        assertThat(new MontgomeryMultiplier(ODD_INTS).usesIntrinsic()).isFalse();
    }

    @Test
    void refusesAnOperandOutsideTheResidues() {
        for (MontgomeryMultiplier mm : List.of(new MontgomeryMultiplier(N2), new MontgomeryMultiplier(N2, false))) {
            assertThatThrownBy(() -> mm.toMontgomery(N2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[0, modulus)");
            assertThatThrownBy(() -> mm.toMontgomery(BigInteger.ONE.negate()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, modulus)");
            assertThatThrownBy(() -> mm.multiply(BigInteger.ONE, N2.add(BigInteger.ONE)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, modulus)");
            assertThatThrownBy(() -> mm.pow(mm.toMontgomery(BigInteger.TWO), BigInteger.ONE.negate()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        }
    }

    @Test
    void refusesAnEvenOrTrivialModulus() {
        for (BigInteger m : List.of(BigInteger.ONE, BigInteger.valueOf(1024), BigInteger.ZERO,
                BigInteger.TEN.negate())) {
            assertThatThrownBy(() -> new MontgomeryMultiplier(m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("odd and above 1");
        }
    }

    @Test
    void ciphertextsOfTheEncryptorsAndAddsDecryptToTheirPlaintexts() {
        // the table of the public-key encryptor and the key's add both run on the multiplier
        PaillierKeyPair keys = PaillierKeyPair.generate(1024, new SecureRandom());
        PaillierEncryptor publicOnly = new PaillierEncryptor(keys.publicKey(), new SecureRandom());
        BigInteger a = publicOnly.encrypt(41);
        BigInteger b = publicOnly.encrypt(keys.publicKey().n().subtract(BigInteger.ONE)); // −1
        assertThat(keys.privateKey().decrypt(a)).isEqualTo(BigInteger.valueOf(41));
        assertThat(keys.privateKey().decrypt(keys.publicKey().add(a, b))).isEqualTo(BigInteger.valueOf(40));
    }
}
