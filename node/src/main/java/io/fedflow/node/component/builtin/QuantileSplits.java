package io.fedflow.node.component.builtin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Quantile split points of one column, as FATE's quantile binning makes them: the values at the
 * percentiles 1/b, 2/b, ..., 1 (b = bin_num), duplicates dropped, so the last split point is the maximum.
 * Exact quantiles over the sorted column, where FATE uses a GK sketch bounded by {@code error}: the same
 * points up to that error, and no sketch to tune on data that fits in memory. A value belongs to the first
 * bin whose split point is not below it.
 */
record QuantileSplits(double[] points) {
    static QuantileSplits of(double[] column, int binNum) {
        double[] sorted = column.clone();
        Arrays.sort(sorted);
        List<Double> out = new ArrayList<>();
        for (int i = 1; i <= binNum; i++) {
            double v = FeatureScale.quantile(sorted, (double) i / binNum);
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
