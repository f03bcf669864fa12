package io.fedflow.node.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Ends waits early with a failure: once {@link #abort} is called, every wait watching the signal wakes at once
 * and throws that failure, instead of looking at a flag on a timer. A task's send that failed behind it ends
 * the task's receive this way. Thread-safe; the first failure stays.
 */
public final class AbortSignal {
    /** Never aborts: for a wait nothing can end but its own outcome. */
    public static final AbortSignal NEVER = new AbortSignal();

    private final List<Runnable> watchers = new ArrayList<>();
    private RuntimeException failure;

    /** Aborts with {@code failure} (ignored when aborted already) and wakes the waits watching. */
    public void abort(RuntimeException failure) {
        if (this == NEVER) {
            throw new IllegalStateException("AbortSignal.NEVER cannot be aborted");
        }
        List<Runnable> woken;
        synchronized (this) {
            if (this.failure != null) {
                return;
            }
            this.failure = failure;
            woken = List.copyOf(watchers);
            watchers.clear();
        }
        // outside the lock: a watcher takes its wait's own lock
        woken.forEach(Runnable::run);
    }

    /** The failure it was aborted with, or null. */
    public synchronized RuntimeException failure() {
        return failure;
    }

    /** Throws the failure if aborted. */
    public void throwIfAborted() {
        RuntimeException f = failure();
        if (f != null) {
            throw f;
        }
    }

    /**
     * Runs {@code wake} when aborted (at once if aborted already) until the returned watch is closed. A wait
     * registers before it looks at what it waits for, so that an abort in between is not missed.
     */
    public Watch watch(Runnable wake) {
        if (this == NEVER) {
            return () -> { };
        }
        boolean now;
        synchronized (this) {
            now = failure != null;
            if (!now) {
                watchers.add(wake);
            }
        }
        if (now) {
            wake.run();
        }
        return () -> {
            synchronized (this) {
                watchers.remove(wake);
            }
        };
    }

    /** A registration of {@link #watch}; closing it stops the watching. */
    @FunctionalInterface
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
