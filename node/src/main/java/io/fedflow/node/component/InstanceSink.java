package io.fedflow.node.component;

/** Receives the rows of an instances table one at a time, parsed. */
@FunctionalInterface
public interface InstanceSink {
    /**
     * @param id the row's id
     * @param label the row's label, {@code Double.NaN} when the table has none
     * @param features the row's features in column order; the array is the receiver's to keep
     */
    void row(String id, double label, double[] features) throws Exception;
}
