package io.fedflow.node.component;

/** Pushes the rows of an instances table being written, one at a time. */
@FunctionalInterface
public interface InstanceSource {
    void writeTo(InstanceSink out) throws Exception;
}
