package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * FATE's GK quantile summary: exact ranks while it has not compressed anything, and past that each answer's
 * true rank within the bound FATE documents, floor((p - 2·error)·N) to ceil((p + 2·error)·N), with far fewer
 * samples than values.
 */
class QuantileSummaryTest {
    /** The ranks (1-based) that {@code x} occupies in {@code sorted}: from one past the values below it to its last copy. */
    static long[] ranks(double[] sorted, double x) {
        int below = 0;
        while (below < sorted.length && sorted[below] < x) {
            below++;
        }
        int upTo = below;
        while (upTo < sorted.length && sorted[upTo] == x) {
            upTo++;
        }
        return new long[] {below + 1, upTo};
    }

    static double[] rates(int binNum) {
        double[] r = new double[binNum];
        for (int i = 1; i < binNum; i++) {
            r[i - 1] = i * (1.0 / binNum);
        }
        r[binNum - 1] = 1.0;
        return r;
    }

    @Property(tries = 40)
    void belowOneOverErrorValuesTheAnswersAreExactRanks(@ForAll("seed") long seed, @ForAll @IntRange(min = 1, max = 3000) int n,
                                                        @ForAll @IntRange(min = 2, max = 40) int binNum) {
        Random random = new Random(seed);
        double[] column = new double[n];
        QuantileSummary summary = new QuantileSummary(10_000, 10_000, 1e-4);
        for (int i = 0; i < n; i++) {
            // few distinct values as well as many: duplicates are where ranks are easy to get wrong
            column[i] = random.nextBoolean() ? random.nextInt(7) : random.nextGaussian();
            summary.insert(column[i]);
        }
        summary.compress();
        double[] sorted = column.clone();
        Arrays.sort(sorted);
        double[] rates = rates(binNum);
        double[] answers = summary.query(rates);
        for (int i = 0; i < rates.length; i++) {
            long rank = (long) Math.ceil(rates[i] * n);
            // FATE's walk starts at the second sample, so a rank of 1 answers with the second value
            double exact = rank >= n || rates[i] >= 1 ? sorted[n - 1] : sorted[(int) Math.max(1, rank - 1)];
            assertThat(answers[i]).as("rate %s of %s values", rates[i], n).isEqualTo(n == 1 ? sorted[0] : exact);
        }
    }

    @Provide
    Arbitrary<Long> seed() {
        return Arbitraries.longs();
    }

    @Property(tries = 12)
    void aCompressedSummaryAnswersWithinTwiceTheErrorInRank(@ForAll("seed") long seed,
                                                            @ForAll @IntRange(min = 20_000, max = 120_000) int n) {
        Random random = new Random(seed);
        double error = 0.001;
        // small head and threshold: many merges and compressions over the column
        QuantileSummary summary = new QuantileSummary(500, 700, error);
        double[] column = new double[n];
        int shape = random.nextInt(3);
        for (int i = 0; i < n; i++) {
            column[i] = switch (shape) {
                case 0 -> random.nextGaussian();
                case 1 -> Math.floor(random.nextDouble() * 50);
                default -> i % 3 == 0 ? -i : i;
            };
            summary.insert(column[i]);
        }
        summary.compress();
        assertThat(summary.count()).isEqualTo(n);
        // GK keeps O(log(error·n) / error) samples: a few thousand here, whatever n
        assertThat(summary.samples()).isLessThan(5_000);
        double[] sorted = column.clone();
        Arrays.sort(sorted);
        double[] rates = rates(20);
        double[] answers = summary.query(rates);
        for (int i = 0; i < rates.length; i++) {
            long[] r = ranks(sorted, answers[i]);
            long lo = (long) Math.floor((rates[i] - 2 * error) * n);
            long hi = (long) Math.ceil((rates[i] + 2 * error) * n);
            assertThat(r[1]).as("rate %s: ranks %s..%s of %s", rates[i], r[0], r[1], n).isGreaterThanOrEqualTo(lo);
            assertThat(r[0]).as("rate %s: ranks %s..%s of %s", rates[i], r[0], r[1], n).isLessThanOrEqualTo(hi);
        }
    }

    @Test
    void anEmptySummaryAnswersZeroAndNaNIsNotCounted() {
        QuantileSummary summary = new QuantileSummary(10_000, 10_000, 1e-4);
        summary.insert(Double.NaN);
        assertThat(summary.count()).isZero();
        assertThat(summary.query(new double[] {0.5, 1.0})).containsExactly(0, 0);
    }
}
