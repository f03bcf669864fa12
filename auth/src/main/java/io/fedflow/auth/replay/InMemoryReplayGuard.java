package io.fedflow.auth.replay;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ReplayGuard} in this process's memory, each nonce kept for a retention period after it was
 * recorded (or after its timestamp, when that is later). It forgets everything on restart, so it is
 * for tests and tools, not for a node.
 */
public final class InMemoryReplayGuard implements ReplayGuard {
    /** Twice the five-minute site window: covers a timestamp up to five minutes ahead of the clock. */
    public static final Duration DEFAULT_RETENTION = Duration.ofMinutes(10);

    private final Clock clock;
    private final long retentionMs;
    private final Map<Key, Long> expiryByNonce = new ConcurrentHashMap<>();
    private final AtomicLong nextSweepMs = new AtomicLong();

    public InMemoryReplayGuard(Clock clock, Duration retention) {
        this.clock = clock;
        this.retentionMs = retention.toMillis();
    }

    public InMemoryReplayGuard(Clock clock) {
        this(clock, DEFAULT_RETENTION);
    }

    @Override
    public boolean firstSeen(String source, String nonce, long timestampMs) {
        long now = clock.millis();
        sweepExpired(now);
        long expiry = Math.max(now, timestampMs) + retentionMs;
        boolean[] inserted = {false};
        expiryByNonce.compute(new Key(source, nonce), (key, previous) -> {
            if (previous == null || previous <= now) {
                inserted[0] = true;
                return expiry;
            }
            return previous;
        });
        return inserted[0];
    }

    /** How many nonces are remembered now (expired ones may linger until the next sweep). */
    public int size() {
        return expiryByNonce.size();
    }

    private void sweepExpired(long now) {
        long due = nextSweepMs.get();
        if (now >= due && nextSweepMs.compareAndSet(due, now + Math.max(1, retentionMs / 10))) {
            expiryByNonce.values().removeIf(expiry -> expiry <= now);
        }
    }

    private record Key(String source, String nonce) {
    }
}
