package io.fedflow.node.data;

import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.proto.RetCode;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many uploads may load at once. Each load holds one database connection for as long as its COPY runs
 * (as long as the client takes to send a streamed file), so uploads are capped well below the pool: the
 * other calls always find a connection. One more upload is refused at once, not queued, so that a client
 * learns straight away that it should retry rather than hang behind slow senders.
 */
public final class UploadSlots {
    private final int cap;
    private final Semaphore free;

    public UploadSlots(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("the upload cap must be at least 1, got " + cap);
        }
        this.cap = cap;
        this.free = new Semaphore(cap);
    }

    /** Takes a slot, or refuses the upload when all are taken. */
    public Slot acquire() {
        if (!free.tryAcquire()) {
            throw new FlowException(RetCode.OPERATING_ERROR, "too many uploads at once: " + cap
                    + " are loading, the cap (" + Limits.MAX_CONCURRENT_UPLOADS_FLAG + "); retry when one has ended");
        }
        return new Slot();
    }

    /** A taken slot; closing it (more than once is harmless) frees it. */
    public final class Slot implements AutoCloseable {
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot() {}

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                free.release();
            }
        }
    }
}
