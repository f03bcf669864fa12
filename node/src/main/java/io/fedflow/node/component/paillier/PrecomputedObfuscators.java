package io.fedflow.node.component.paillier;

import java.math.BigInteger;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Obfuscators (h^x mod n²) computed by one background thread ahead of need and held, at most {@code
 * capacity} at a time, until an encryption takes one. The expensive part of an encryption so moves into the
 * time a party spends waiting for its peers; when the queue is empty the caller computes its own, so
 * nothing ever waits for this thread. Each value is handed out once.
 */
final class PrecomputedObfuscators implements AutoCloseable {
    private final Supplier<BigInteger> source;
    private final BlockingQueue<BigInteger> queue;
    private final Thread producer;
    /** Obfuscators that may still be made, by the thread or by a caller that found the queue empty. */
    private final AtomicLong unmade;
    private volatile boolean closed;

    PrecomputedObfuscators(Supplier<BigInteger> source, int capacity, long budget) {
        if (budget < 0) {
            throw new IllegalArgumentException("the obfuscator budget cannot be negative, got " + budget);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.source = source;
        this.unmade = new AtomicLong(budget);
        this.producer = new Thread(this::produce, "paillier-obfuscators");
        producer.setDaemon(true);
        producer.start();
    }

    private void produce() {
        try {
            while (!closed && !Thread.currentThread().isInterrupted() && unmade.getAndDecrement() > 0) {
                queue.put(source.get());
            }
        } catch (InterruptedException e) {
            // closed (put refuses once interrupted): the thread ends
        }
    }

    /** A precomputed obfuscator, or a fresh one computed by the caller when none is ready. */
    BigInteger next() {
        BigInteger o = queue.poll();
        if (o != null) {
            return o;
        }
        unmade.decrementAndGet();
        return source.get();
    }

    int available() {
        return queue.size();
    }

    /** Whether the background thread still runs (it ends once closed or once its budget is made). */
    boolean running() {
        return producer.isAlive();
    }

    /**
     * Stops the thread and drops what it held. The thread is waited for before the queue is emptied: a put
     * woken by the emptying itself may still complete after an interrupt, and would leave a value behind.
     */
    @Override
    public void close() {
        closed = true;
        producer.interrupt();
        try {
            producer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.clear();
    }
}
