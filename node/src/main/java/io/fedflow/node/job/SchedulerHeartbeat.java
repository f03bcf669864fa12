package io.fedflow.node.job;

import java.time.Duration;
import java.util.Optional;

/**
 * The scheduler loop's sign of life: it beats once a round, and says when it ended. A loop that died or
 * is stuck (on a database that does not answer, a lock) stops beating, which /health reports.
 */
public final class SchedulerHeartbeat {
    private volatile long lastBeatNanos = System.nanoTime();
    private volatile boolean started;
    private volatile String stoppedBecause;

    void beat() {
        started = true;
        lastBeatNanos = System.nanoTime();
    }

    void stopped(String why) {
        stoppedBecause = why;
    }

    /** Empty while the loop beats; otherwise what is wrong, e.g. "stalled 12 s" or "stopped: ...". */
    public Optional<String> problem(Duration stallTimeout) {
        String stopped = stoppedBecause;
        if (stopped != null) {
            return Optional.of("stopped: " + stopped);
        }
        long silentNanos = System.nanoTime() - lastBeatNanos;
        if (silentNanos > stallTimeout.toNanos()) {
            return Optional.of((started ? "stalled " : "not started after ") + silentNanos / 1_000_000_000 + " s");
        }
        return Optional.empty();
    }
}
