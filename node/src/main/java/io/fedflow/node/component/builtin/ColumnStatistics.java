package io.fedflow.node.component.builtin;

import java.util.Arrays;
import java.util.DoubleSummaryStatistics;

/**
 * Per column, the min, max, mean and (exact) median of a table's valid values, over passes of the table
 * with state bounded by the number of columns, never by rows: DataTransform's missing and outlier fills on a
 * table it streams.
 *
 * <p>Min, max and mean come from the first pass ({@link DoubleSummaryStatistics}: the same compensated sum as
 * {@code Arrays.stream(values).average()}, so the same numbers as sorting and averaging in memory). The median
 * is the exact value of {@code Arrays.sort} order, found by radix selection on the doubles' order-preserving
 * 64-bit keys: each pass counts the next {@code digitBits} of the keys that still share the prefix found so
 * far, for the two middle ranks; {@code 64 / digitBits} passes in all (4 for tables up to 64 columns, 8 for
 * wider ones, whose histograms would otherwise take megabytes per column). The same selection finds any two
 * ranks' values instead ({@link #quantiles}: FeatureScale's percentile bounds in mode "cap").
 */
final class ColumnStatistics {
    private final int width;
    private final boolean median;
    private final int digitBits;
    private final DoubleSummaryStatistics[] stats;
    /** [column][0 = lower middle rank, 1 = upper] */
    private final long[][] prefix;
    private final long[][] rank;
    private final int[][][] histogram;
    /** The two percentiles selected instead of the middle ranks, or null for the median. */
    private final double[] quantiles;
    private int pass;

    ColumnStatistics(int width, boolean median) {
        this(width, median, null);
    }

    /**
     * Selects, per column, the values at percentiles {@code lower} and {@code upper} of the sorted column (the
     * value at index ceil(q * n) - 1, clamped to the column: see {@link #selected}).
     */
    static ColumnStatistics quantiles(int width, double lower, double upper) {
        return new ColumnStatistics(width, true, new double[] {lower, upper});
    }

    private ColumnStatistics(int width, boolean median, double[] quantiles) {
        this.quantiles = quantiles;
        this.width = width;
        this.median = median;
        this.digitBits = width <= 64 ? 16 : 8;
        this.stats = new DoubleSummaryStatistics[width];
        for (int j = 0; j < width; j++) {
            stats[j] = new DoubleSummaryStatistics();
        }
        this.prefix = new long[median ? width : 0][2];
        this.rank = new long[median ? width : 0][2];
        this.histogram = new int[median ? width : 0][2][];
        for (int j = 0; j < prefix.length; j++) {
            histogram[j][0] = new int[1 << digitBits];
            histogram[j][1] = new int[1 << digitBits];
        }
    }

    int width() {
        return width;
    }

    /** Counts one row's valid values ({@code valid[j]} false: left out) in the current pass. */
    void add(double[] row, boolean[] valid) {
        int resolved = pass * digitBits;
        int shift = 64 - resolved - digitBits;
        int mask = (1 << digitBits) - 1;
        for (int j = 0; j < width; j++) {
            if (valid != null && !valid[j]) {
                continue;
            }
            if (pass == 0) {
                stats[j].accept(row[j]);
            }
            if (median) {
                long key = key(row[j]);
                for (int t = 0; t < 2; t++) {
                    if (resolved == 0 || key >>> (64 - resolved) == prefix[j][t]) {
                        histogram[j][t][(int) (key >>> shift) & mask]++;
                    }
                }
            }
        }
    }

    /** Ends a pass; true when the median needs another one. */
    boolean endPass() {
        if (median) {
            for (int j = 0; j < width; j++) {
                if (pass == 0) {
                    long n = stats[j].getCount();
                    rank[j][0] = quantiles == null ? (n - 1) / 2 : quantileIndex(quantiles[0], n);
                    rank[j][1] = quantiles == null ? n / 2 : quantileIndex(quantiles[1], n);
                }
                for (int t = 0; t < 2; t++) {
                    int[] h = histogram[j][t];
                    for (int d = 0; d < h.length; d++) {
                        if (rank[j][t] < h[d]) {
                            prefix[j][t] = prefix[j][t] << digitBits | d;
                            break;
                        }
                        rank[j][t] -= h[d];
                    }
                    Arrays.fill(h, 0);
                }
            }
        }
        pass++;
        return median && pass * digitBits < 64;
    }

    long count(int j) {
        return stats[j].getCount();
    }

    double min(int j) {
        return stats[j].getMin();
    }

    double max(int j) {
        return stats[j].getMax();
    }

    double mean(int j) {
        return stats[j].getAverage();
    }

    /** The median of column {@code j}'s valid values, as sorting them would give; only after every pass. */
    double median(int j) {
        if (!median || pass * digitBits < 64) {
            throw new IllegalStateException("the median needs " + (64 / digitBits) + " passes, " + pass + " done");
        }
        long lower = prefix[j][0];
        long upper = prefix[j][1];
        return lower == upper ? value(lower) : (value(lower) + value(upper)) / 2.0;
    }

    /** The index of percentile {@code q} among {@code n} sorted values: the lower value, FeatureScale's rule. */
    static long quantileIndex(double q, long n) {
        long i = (long) Math.ceil(q * n) - 1;
        return Math.max(0, Math.min(n - 1, i));
    }

    /**
     * The value at the lower ({@code which} 0) or upper (1) selected rank of column {@code j}, as sorting the
     * column would give; only after every pass.
     */
    double selected(int j, int which) {
        if (!median || pass * digitBits < 64) {
            throw new IllegalStateException("a selection needs " + (64 / digitBits) + " passes, " + pass + " done");
        }
        return value(prefix[j][which]);
    }

    /** A double's bits as a long whose unsigned order is the doubles' order (-0.0 before 0.0, as Arrays.sort). */
    static long key(double d) {
        long bits = Double.doubleToRawLongBits(d);
        return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
    }

    static double value(long key) {
        return Double.longBitsToDouble(key < 0 ? key ^ Long.MIN_VALUE : ~key);
    }
}
