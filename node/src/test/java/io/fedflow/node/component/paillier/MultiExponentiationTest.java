package io.fedflow.node.component.paillier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MultiExponentiationTest {
    /** n² of a 512-bit key: the ciphertext modulus, small enough for the naive product to stay cheap. */
    static final BigInteger N2 = PaillierKeyPair.generate(512, new SecureRandom()).publicKey().nSquared();
    static final MontgomeryMultiplier MOD = new MontgomeryMultiplier(N2);

    /** Random units mod n² (any ciphertext is one) and a rows × columns matrix of exponents. */
    record Case(List<BigInteger> bases, long[][] a, int columns) {
        BigInteger[] naive() {
            BigInteger[] out = new BigInteger[columns];
            for (int j = 0; j < columns; j++) {
                BigInteger product = BigInteger.ONE;
                for (int i = 0; i < bases.size(); i++) {
                    product = product.multiply(bases.get(i).modPow(BigInteger.valueOf(a[i][j]), N2)).mod(N2);
                }
                out[j] = product;
            }
            return out;
        }
    }

    /** Exponents as HeteroLR makes them (features at scale 2^16, either sign) and the edges of a long. */
    static Arbitrary<Long> exponents() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(0L, 1L, -1L, 2L, -2L, 65_536L, -65_536L)),
                Tuple.of(6, Arbitraries.longs().between(-(1L << 21), 1L << 21)),
                Tuple.of(1, Arbitraries.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE)),
                Tuple.of(1, Arbitraries.longs()));
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.integers().between(0, 12), Arbitraries.integers().between(0, 5),
                        Arbitraries.longs())
                .flatAs((rows, columns, seed) -> exponents().array(long[].class).ofSize(columns)
                        .array(long[][].class).ofSize(rows)
                        .map(a -> new Case(units(rows, new Random(seed)), a, columns)));
    }

    static List<BigInteger> units(int count, Random random) {
        List<BigInteger> out = new ArrayList<>();
        while (out.size() < count) {
            BigInteger c = new BigInteger(N2.bitLength(), random).mod(N2);
            if (c.gcd(N2).equals(BigInteger.ONE)) {
                out.add(c);
            }
        }
        return out;
    }

    @Property(tries = 80)
    void theChosenMethodEqualsTheNaiveProduct(@ForAll("cases") Case c) {
        assertThat(MultiExponentiation.columns(MOD, c.bases(), c.a(), c.columns())).containsExactly(c.naive());
    }

    @Property(tries = 60)
    void strausEqualsTheNaiveProductAtEveryNafWidth(@ForAll("cases") Case c, @ForAll @IntRange(min = 2, max = 6) int w) {
        assertThat(MultiExponentiation.straus(MOD, c.bases(), c.a(), c.columns(), w)).containsExactly(c.naive());
    }

    @Property(tries = 60)
    void bucketsEqualTheNaiveProductAtEveryWindow(@ForAll("cases") Case c, @ForAll @IntRange(min = 1, max = 12) int bits) {
        assertThat(MultiExponentiation.buckets(MOD, c.bases(), c.a(), c.columns(), bits)).containsExactly(c.naive());
    }

    @Property(tries = 500)
    void nafDigitsAreOddSmallSparseAndSumToTheExponent(@ForAll("longs") long v, @ForAll @IntRange(min = 2, max = 6) int w) {
        byte[] d = MultiExponentiation.naf(v, w);
        BigInteger sum = BigInteger.ZERO;
        int lastNonZero = -w;
        for (int k = 0; k < d.length; k++) {
            sum = sum.add(BigInteger.valueOf(d[k]).shiftLeft(k));
            if (d[k] != 0) {
                assertThat(d[k] % 2).isNotZero();
                assertThat(Math.abs(d[k])).isLessThan(1 << (w - 1));
                assertThat(k - lastNonZero).isGreaterThanOrEqualTo(w);
                lastNonZero = k;
            }
        }
        assertThat(sum).isEqualTo(BigInteger.valueOf(v));
        assertThat(d.length).isLessThanOrEqualTo(65);
    }

    @Property(tries = 500)
    void balancedDigitsStayWithinHalfAWindowAndSumToTheExponent(@ForAll("longs") long v,
                                                                @ForAll @IntRange(min = 1, max = 12) int bits) {
        int windows = MultiExponentiation.magnitudeBits(v) / bits + 1;
        int[] d = MultiExponentiation.balanced(v, bits, windows);
        BigInteger sum = BigInteger.ZERO;
        for (int w = 0; w < d.length; w++) {
            assertThat(Math.abs(d[w])).isLessThanOrEqualTo(1 << (bits - 1));
            sum = sum.add(BigInteger.valueOf(d[w]).shiftLeft(bits * w));
        }
        assertThat(sum).isEqualTo(BigInteger.valueOf(v));
    }

    @Provide
    Arbitrary<Long> longs() {
        return exponents();
    }

    @Test
    void takesBucketsForTheLossColumnAndSharedTablesForTheFeatureColumns() {
        long[][] features = new long[320][20];
        Random random = new Random(14);
        for (long[] row : features) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Math.round(random.nextGaussian() * 65_536);
            }
        }
        MultiExponentiation.Plan loss = MultiExponentiation.Plan.cheapest(320, 1, features);
        MultiExponentiation.Plan gradient = MultiExponentiation.Plan.cheapest(320, 20, features);
        assertThat(loss.straus()).isFalse();
        assertThat(gradient.straus()).isTrue();
        assertThat(gradient.bits()).isGreaterThan(4);
        // the 4-bit unsigned windows of before: a table of 15 powers per row and one multiplication per window
        assertThat(gradient.multiplications()).isLessThan(320 * 15 + 320 * 20 * 5 * 15 / 16.0);
    }

    @Test
    void refusesAWindowOutsideWhatItTabulates() {
        List<BigInteger> bases = units(2, new Random(1));
        long[][] a = {{3}, {-5}};
        assertThatThrownBy(() -> MultiExponentiation.straus(MOD, bases, a, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NAF width");
        assertThatThrownBy(() -> MultiExponentiation.straus(MOD, bases, a, 1, 7))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NAF width");
        assertThatThrownBy(() -> MultiExponentiation.buckets(MOD, bases, a, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket bits");
        assertThatThrownBy(() -> MultiExponentiation.buckets(MOD, bases, a, 1, 13))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket bits");
    }

    @Test
    void refusesANegativeDigitOfABaseThatIsNoUnit() {
        List<BigInteger> bases = List.of(BigInteger.ZERO, units(1, new Random(2)).get(0));
        assertThat(MultiExponentiation.straus(MOD, bases, new long[][] {{1}, {2}}, 1, 2)[0]).isZero();
        assertThat(MultiExponentiation.buckets(MOD, bases, new long[][] {{3}, {2}}, 1, 4)[0]).isZero();
        assertThatThrownBy(() -> MultiExponentiation.columns(MOD, bases, new long[][] {{-3}, {2}}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a unit");
    }
}
