package io.fedflow.node.component.builtin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Quantile split points of one column, as FATE's quantile binning makes them: its summary queried at the
 * rates 1/b, 2/b, ..., 1 (b = bin_num; FATE multiplies i by 1.0/b, so 3 · 0.2 is 0.6000000000000001 and its
 * rank rounds up past 6 of 10: the same doubles here), duplicates dropped, so the last split point is the
 * maximum. A value belongs to the first bin whose split point is not below it.
 */
record QuantileSplits(double[] points) {
    static QuantileSplits of(QuantileSummary summary, int binNum) {
        double step = 1.0 / binNum;
        double[] rates = new double[binNum];
        for (int i = 1; i < binNum; i++) {
            rates[i - 1] = i * step;
        }
        rates[binNum - 1] = 1.0;
        // the answers rise with the rates: numpy's unique (sorted, distinct) is dropping repeats
        double[] answers = summary.query(rates);
        List<Double> out = new ArrayList<>();
        for (double v : answers) {
            if (out.isEmpty() || v > out.get(out.size() - 1)) {
                out.add(v);
            }
        }
        return new QuantileSplits(out.stream().mapToDouble(Double::doubleValue).toArray());
    }

    int bins() {
        return points.length;
    }

    /** The bin of {@code v}; values above the last point (new data) fall in the last bin. */
    int binOf(double v) {
        int i = Arrays.binarySearch(points, v);
        if (i >= 0) {
            return i;
        }
        int insertion = -i - 1;
        return Math.min(insertion, points.length - 1);
    }
}
