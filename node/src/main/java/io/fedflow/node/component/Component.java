package io.fedflow.node.component;

/** One module of a job's DSL (Reader, DataTransform, LR...), run as one task at one party. */
public interface Component {
    /**
     * Runs the task: reads inputs and parameters from {@code ctx}, writes outputs, metrics and models
     * through it. Throwing fails the task (a {@link io.fedflow.node.core.FlowException} keeps its message).
     * Long loops call {@link ComponentContext#checkCancelled()} so that stop takes effect promptly.
     */
    void run(ComponentContext ctx) throws Exception;
}
