package io.fedflow.node.job;

import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A task's channel whose sends do not wait for the peer: a message is copied into a queue and the send
 * returns, while one delivery at a time runs behind the task, in the order sent. A signed round trip
 * then overlaps the task's own work (a HeteroLR guest encrypts its loss while its residual travels)
 * instead of stopping it.
 *
 * <p>Nothing is lost or reordered on the way: the task's next receive, and its end ({@link
 * #awaitDelivered}), first wait until every message sent so far is acknowledged, and a delivery's failure
 * is thrown there, failing the task that sent; the messages queued behind a failed one are dropped. The
 * queue holds at most {@code capBytes} (a message larger than that goes alone); past it a send waits.
 * Streamed payloads, owned by the caller, are sent before the send returns, after the queue is empty.
 */
final class PipelinedChannel implements FederationChannel {
    private record Outgoing(String tag, String dstRole, String dstPartyId, byte[] payload) {}

    private final FederationChannel delegate;
    private final long capBytes;
    private final Executor deliveries;
    private final Deque<Outgoing> queue = new ArrayDeque<>();
    /** Messages queued or being delivered, and their bytes: what has not been acknowledged yet. */
    private int outstanding;
    private long outstandingBytes;
    private boolean delivering;
    private Thread deliverer;
    private RuntimeException failure;
    private boolean closed;
    private long deliveryNanos;

    /** {@code capBytes} 0 sends each message before returning, as the delegate does. */
    PipelinedChannel(FederationChannel delegate, long capBytes, Executor deliveries) {
        this.delegate = delegate;
        this.capBytes = capBytes;
        this.deliveries = deliveries;
    }

    @Override
    public Map<String, List<String>> roles() {
        return delegate.roles();
    }

    @Override
    public void send(String tag, String dstRole, String dstPartyId, byte[] payload) {
        if (capBytes == 0) {
            delegate.send(tag, dstRole, dstPartyId, payload);
            return;
        }
        // The caller may reuse its array once send returns.
        Outgoing message = new Outgoing(tag, dstRole, dstPartyId, payload.clone());
        synchronized (this) {
            while (failure == null && !closed && outstanding > 0 && outstandingBytes + payload.length > capBytes) {
                waitForDelivery("room in the send queue for message " + tag);
            }
            throwIfEnded();
            queue.addLast(message);
            outstanding++;
            outstandingBytes += payload.length;
            if (!delivering) {
                delivering = true;
                try {
                    deliveries.execute(this::deliver);
                } catch (RejectedExecutionException e) {
                    // the node is closing
                    delivering = false;
                    queue.clear();
                    outstanding = 0;
                    outstandingBytes = 0;
                    throw new FlowException(RetCode.FEDERATED_ERROR, "could not send message " + tag + ": the node "
                            + "is closing");
                }
            }
        }
    }

    @Override
    public void send(String tag, String dstRole, String dstPartyId, InputStream payload) {
        awaitDelivered();
        delegate.send(tag, dstRole, dstPartyId, payload);
    }

    @Override
    public byte[] receive(String tag, String srcRole, String srcPartyId, Duration timeout) {
        awaitDelivered();
        return delegate.receive(tag, srcRole, srcPartyId, timeout);
    }

    @Override
    public long receive(String tag, String srcRole, String srcPartyId, Duration timeout, OutputStream out) {
        awaitDelivered();
        return delegate.receive(tag, srcRole, srcPartyId, timeout, out);
    }

    /** Waits until every message sent so far is acknowledged; throws the first delivery's failure. */
    synchronized void awaitDelivered() {
        while (failure == null && !closed && outstanding > 0) {
            waitForDelivery("the acknowledgement of " + outstanding + " sent messages");
        }
        throwIfEnded();
    }

    /** Time spent delivering behind the task (the signed round trips the task did not wait for). */
    synchronized long deliveryNanos() {
        return deliveryNanos;
    }

    /**
     * Ends the channel with its task: what is queued is dropped and a delivery under way is interrupted
     * (its stream cancelled, so the peer keeps nothing of it); returns once no delivery runs any more.
     */
    void close() {
        synchronized (this) {
            closed = true;
            outstanding -= queue.size();
            queue.clear();
            if (deliverer != null) {
                deliverer.interrupt();
            }
            boolean interrupted = false;
            while (delivering) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void waitForDelivery(String what) {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlowException(RetCode.FEDERATED_ERROR, "interrupted while waiting for " + what);
        }
    }

    private void throwIfEnded() {
        if (failure != null) {
            throw failure;
        }
        if (closed) {
            throw new IllegalStateException("the task's channel is closed");
        }
    }

    /** Delivers the queue's messages one at a time until it is empty, a delivery failed, or the task ended. */
    private void deliver() {
        try {
            while (true) {
                Outgoing next;
                synchronized (this) {
                    next = failure == null && !closed ? queue.pollFirst() : null;
                    if (next == null) {
                        return;
                    }
                    deliverer = Thread.currentThread();
                }
                long t0 = System.nanoTime();
                RuntimeException failed = null;
                try {
                    delegate.send(next.tag(), next.dstRole(), next.dstPartyId(), next.payload());
                } catch (RuntimeException e) {
                    failed = e;
                } catch (Error e) {
                    failed = new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.INTERNAL, "could not send message "
                            + next.tag() + " to " + next.dstRole() + " " + next.dstPartyId() + ": " + e, e);
                }
                synchronized (this) {
                    deliverer = null;
                    deliveryNanos += System.nanoTime() - t0;
                    outstanding--;
                    outstandingBytes -= next.payload().length;
                    if (failed != null && failure == null && !closed) {
                        failure = failed;
                        // what was queued behind it is not sent: the task fails at its next receive or end
                        outstanding -= queue.size();
                        outstandingBytes = 0;
                        queue.clear();
                    }
                    notifyAll();
                }
            }
        } finally {
            synchronized (this) {
                deliverer = null;
                delivering = false;
                // An interrupt from close() is meant for this delivery only, not the pool thread's next work.
                Thread.interrupted();
                notifyAll();
            }
        }
    }
}
