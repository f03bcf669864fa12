package io.fedflow.node.component.builtin;

/**
 * What HeteroFeatureBinning's output data does to a row: each transform column replaced by its bin under
 * that column's split points, or by that bin's WOE when {@code woe} is given (at the guest only).
 *
 * @param columns the transform columns' indexes in the row
 * @param splits each transform column's split points
 * @param woe each transform column's WOE per bin, or null for bin indexes
 */
record BinTransform(int[] columns, QuantileSplits[] splits, double[][] woe) {
    /** Transforms {@code row} in place and returns it. */
    double[] apply(double[] row) {
        for (int k = 0; k < columns.length; k++) {
            int bin = splits[k].binOf(row[columns[k]]);
            row[columns[k]] = woe != null ? woe[k][bin] : bin;
        }
        return row;
    }
}
