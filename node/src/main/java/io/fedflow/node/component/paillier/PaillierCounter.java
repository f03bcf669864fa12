package io.fedflow.node.component.paillier;

/**
 * Counts Paillier operations as a key performs them. The component layer stands alone, so this is all it
 * knows of metrics: the node binds it to its meters when it runs a task; {@link #NONE} elsewhere.
 */
@FunctionalInterface
public interface PaillierCounter {
    /** Nothing counted (tools, tests, keys made outside a task). */
    PaillierCounter NONE = (operation, times) -> { };

    /** What a key does: encrypt and decrypt, and the homomorphic multiply (by a plaintext) and add. */
    enum Operation { ENCRYPT, DECRYPT, MULTIPLY, ADD }

    void count(Operation operation, long times);
}
