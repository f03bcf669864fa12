package io.fedflow.node.component;

/** Thrown by {@link ComponentContext#checkCancelled()} once the task was stopped or timed out. */
public final class TaskCancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TaskCancelledException(String message) {
        super(message);
    }
}
