package io.fedflow.node.federation;

import static io.fedflow.node.store.generated.Tables.T_SEEN_NONCE;

import io.fedflow.auth.replay.ReplayGuard;
import java.time.Clock;
import java.time.Duration;
import org.jooq.DSLContext;

/**
 * The node's replay guard: a nonce is a row keyed by (source, nonce), so of concurrent uses across every
 * process of the site exactly one insert wins, and the memory survives a restart. Rows are kept ten
 * minutes past the later of their timestamp and now, which covers both the site (±5 min) and the client
 * (60 s) windows; expired rows are deleted as new ones arrive.
 */
public final class PostgresReplayGuard implements ReplayGuard {
    static final Duration KEEP = Duration.ofMinutes(10);
    private static final int SWEEP_EVERY = 256;

    private final DSLContext dsl;
    private final Clock clock;
    private int sinceSweep;

    public PostgresReplayGuard(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    @Override
    public boolean firstSeen(String source, String nonce, long timestampMs) {
        long now = clock.millis();
        maybeSweep(now);
        // One autocommitted insert: on the node's async-commit connections when given (Node does), so
        // that a site call does not wait for an fsync.
        return dsl.insertInto(T_SEEN_NONCE)
                .set(T_SEEN_NONCE.F_SOURCE, source)
                .set(T_SEEN_NONCE.F_NONCE, nonce)
                .set(T_SEEN_NONCE.F_EXPIRES, Math.max(now, timestampMs) + KEEP.toMillis())
                .onConflictDoNothing()
                .execute() == 1;
    }

    /** Deletes expired nonces; also called now and then by {@link #firstSeen}. */
    public int sweep() {
        return dsl.deleteFrom(T_SEEN_NONCE).where(T_SEEN_NONCE.F_EXPIRES.lt(clock.millis())).execute();
    }

    private void maybeSweep(long now) {
        boolean due;
        synchronized (this) {
            due = ++sinceSweep >= SWEEP_EVERY;
            if (due) {
                sinceSweep = 0;
            }
        }
        if (due) {
            dsl.deleteFrom(T_SEEN_NONCE).where(T_SEEN_NONCE.F_EXPIRES.lt(now)).execute();
        }
    }
}
