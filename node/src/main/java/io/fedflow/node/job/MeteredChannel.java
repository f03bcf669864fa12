package io.fedflow.node.job;

import io.fedflow.node.component.FederationChannel;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A task's channel that keeps count: messages and bytes each way, the time the task spent held by its
 * sends (queueing them, and waiting for their acknowledgements at its end: the transfer's cost to the
 * task), the time their delivery took behind the task, and the time spent in
 * receive (mostly waiting for the other party to compute). The task log gets the totals, which is how a
 * job's time splits into compute, transfer and waiting. The node's meters get the same counts by peer.
 */
final class MeteredChannel implements FederationChannel {
    private final PipelinedChannel delegate;
    private final JobMeters meters;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong sentBytes = new AtomicLong();
    private final AtomicLong sendNanos = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong receivedBytes = new AtomicLong();
    private final AtomicLong receiveNanos = new AtomicLong();

    MeteredChannel(PipelinedChannel delegate, JobMeters meters) {
        this.delegate = delegate;
        this.meters = meters;
    }

    @Override
    public Map<String, List<String>> roles() {
        return delegate.roles();
    }

    @Override
    public void send(String tag, String dstRole, String dstPartyId, byte[] payload) {
        long t0 = System.nanoTime();
        delegate.send(tag, dstRole, dstPartyId, payload);
        count(sent, sentBytes, sendNanos, payload.length, t0);
        meters.transferred(JobMeters.SENT, dstPartyId, payload.length);
    }

    @Override
    public void send(String tag, String dstRole, String dstPartyId, InputStream payload) {
        long t0 = System.nanoTime();
        CountingInputStream in = new CountingInputStream(payload);
        delegate.send(tag, dstRole, dstPartyId, in);
        count(sent, sentBytes, sendNanos, in.count, t0);
        meters.transferred(JobMeters.SENT, dstPartyId, in.count);
    }

    /** Waits for the acknowledgements of every message sent so far (time held by sending: the task's end). */
    void awaitDelivered() {
        long t0 = System.nanoTime();
        try {
            delegate.awaitDelivered();
        } finally {
            sendNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    @Override
    public byte[] receive(String tag, String srcRole, String srcPartyId, Duration timeout) {
        long t0 = System.nanoTime();
        byte[] bytes = delegate.receive(tag, srcRole, srcPartyId, timeout);
        count(received, receivedBytes, receiveNanos, bytes.length, t0);
        meters.transferred(JobMeters.RECEIVED, srcPartyId, bytes.length);
        return bytes;
    }

    @Override
    public long receive(String tag, String srcRole, String srcPartyId, Duration timeout, OutputStream out) {
        long t0 = System.nanoTime();
        long n = delegate.receive(tag, srcRole, srcPartyId, timeout, out);
        count(received, receivedBytes, receiveNanos, n, t0);
        meters.transferred(JobMeters.RECEIVED, srcPartyId, n);
        return n;
    }

    private static void count(AtomicLong messages, AtomicLong bytes, AtomicLong nanos, long size, long t0) {
        messages.incrementAndGet();
        bytes.addAndGet(size);
        nanos.addAndGet(System.nanoTime() - t0);
    }

    /** The line for the task log, or null when the task exchanged nothing. */
    String summary() {
        if (sent.get() == 0 && received.get() == 0) {
            return null;
        }
        return String.format("transfer: sent %d messages (%.1f KB) in %d ms (the task held by its sends; their "
                        + "delivery took %d ms, behind the task); received %d messages (%.1f KB), "
                        + "%d ms in receive (waiting for the other parties included)",
                sent.get(), sentBytes.get() / 1024.0, sendNanos.get() / 1_000_000,
                delegate.deliveryNanos() / 1_000_000, received.get(), receivedBytes.get() / 1024.0,
                receiveNanos.get() / 1_000_000);
    }

    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
