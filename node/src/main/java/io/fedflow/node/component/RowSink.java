package io.fedflow.node.component;

/** Receives rows: the id and the feature values joined by the table's delimiter. */
@FunctionalInterface
public interface RowSink {
    void row(String key, String value) throws Exception;
}
