package io.fedflow.node.job;

import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.core.AbortSignal;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * A task's channel whose sends do not wait for the peer: a message is copied into a queue and the send
 * returns, while its delivery runs behind the task: one at a time per destination, in the order sent,
 * and the destinations in parallel. A signed round trip then overlaps the task's own work (a HeteroLR
 * guest encrypts its loss while its residual travels) instead of stopping it.
 *
 * <p>A receive does not wait for the acknowledgements: it waits for its message or for a delivery's
 * failure, whichever comes first, and throws the failure. Nothing is lost on the way: the task's end
 * ({@link #awaitDelivered}) waits until every message sent is acknowledged and throws the first delivery's
 * failure, failing the task that sent; the messages queued behind a failed one, to any destination, are
 * dropped. The queue holds at most {@code capBytes} (a message larger than that goes alone); past it a
 * send waits. Streamed payloads, owned by the caller, are sent before the send returns, after the queue is
 * empty.
 */
final class PipelinedChannel implements FederationChannel {
    private record Outgoing(String tag, String dstRole, String dstPartyId, byte[] payload) {}

    private record Destination(String role, String partyId) {}

    /** One destination's messages not yet delivered, and the thread delivering them if any. */
    private static final class Lane {
        final Deque<Outgoing> queue = new ArrayDeque<>();
        boolean delivering;
        Thread deliverer;
    }

    private final FederationChannel delegate;
    /** Aborted with the first delivery's failure: it ends the receive under way at once. */
    private final AbortSignal sendFailed = new AbortSignal();
    private final long capBytes;
    private final Executor deliveries;
    private final Map<Destination, Lane> lanes = new HashMap<>();
    /** Messages queued or being delivered, and their bytes: what has not been acknowledged yet. */
    private int outstanding;
    private long outstandingBytes;
    private int delivering;
    private RuntimeException failure;
    private boolean closed;
    private long deliveryNanos;

    /**
     * Over the channel {@code delegate} opens, whose receives end when the signal given to it is aborted (as
     * {@link TaskChannels#forTask} does). {@code capBytes} 0 sends each message before returning, as the
     * delegate does.
     */
    PipelinedChannel(Function<AbortSignal, FederationChannel> delegate, long capBytes, Executor deliveries) {
        this.delegate = delegate.apply(sendFailed);
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
            Lane lane = lanes.computeIfAbsent(new Destination(dstRole, dstPartyId), d -> new Lane());
            lane.queue.addLast(message);
            outstanding++;
            outstandingBytes += payload.length;
            if (!lane.delivering) {
                lane.delivering = true;
                delivering++;
                try {
                    deliveries.execute(() -> deliver(lane));
                } catch (RejectedExecutionException e) {
                    // the node is closing
                    lane.delivering = false;
                    delivering--;
                    drop(lane);
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        receive(tag, srcRole, srcPartyId, timeout, out);
        return out.toByteArray();
    }

    /**
     * Waits for the message or a delivery's failure: the failure aborts the signal the delegate's receive
     * watches, which ends the wait at once and throws it.
     */
    @Override
    public long receive(String tag, String srcRole, String srcPartyId, Duration timeout, OutputStream out) {
        synchronized (this) {
            throwIfEnded();
        }
        return delegate.receive(tag, srcRole, srcPartyId, timeout, out);
    }

    /** Waits until every message sent so far is acknowledged; throws the first delivery's failure. */
    synchronized void awaitDelivered() {
        while (failure == null && !closed && outstanding > 0) {
            waitForDelivery("the acknowledgement of " + outstanding + " sent messages");
        }
        throwIfEnded();
    }

    /** Time spent delivering behind the task (the signed round trips the task did not wait for), all destinations. */
    synchronized long deliveryNanos() {
        return deliveryNanos;
    }

    /**
     * Ends the channel with its task: what is queued is dropped and the deliveries under way are
     * interrupted (their streams cancelled, so the peers keep nothing of them); returns once no delivery
     * runs any more.
     */
    void close() {
        synchronized (this) {
            closed = true;
            for (Lane lane : lanes.values()) {
                outstanding -= lane.queue.size();
                lane.queue.clear();
                if (lane.deliverer != null) {
                    lane.deliverer.interrupt();
                }
            }
            boolean interrupted = false;
            while (delivering > 0) {
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

    /** Forgets what waits in a lane (called holding the lock). */
    private void drop(Lane lane) {
        for (Outgoing o : lane.queue) {
            outstanding--;
            outstandingBytes -= o.payload().length;
        }
        lane.queue.clear();
    }

    /** Delivers a lane's messages one at a time until it is empty, a delivery failed, or the task ended. */
    private void deliver(Lane lane) {
        try {
            while (true) {
                Outgoing next;
                synchronized (this) {
                    next = failure == null && !closed ? lane.queue.pollFirst() : null;
                    if (next == null) {
                        return;
                    }
                    lane.deliverer = Thread.currentThread();
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
                boolean first = false;
                synchronized (this) {
                    lane.deliverer = null;
                    deliveryNanos += System.nanoTime() - t0;
                    outstanding--;
                    outstandingBytes -= next.payload().length;
                    if (failed != null && failure == null && !closed) {
                        failure = failed;
                        first = true;
                        // nothing queued after it is sent, to any destination: the task fails
                        lanes.values().forEach(this::drop);
                    }
                    // wakes the task's end waiting for this, and a send waiting for room
                    notifyAll();
                }
                if (first) {
                    // a receive under way ends with it
                    sendFailed.abort(failed);
                }
            }
        } finally {
            synchronized (this) {
                lane.deliverer = null;
                lane.delivering = false;
                delivering--;
                // An interrupt from close() is meant for this delivery only, not the pool thread's next work.
                Thread.interrupted();
                notifyAll();
            }
        }
    }
}
