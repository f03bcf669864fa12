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
        // Every site call writes one nonce: waiting for its WAL flush (an fsync) would be most of the call.
        // Committed asynchronously it is visible at once to every process of the site, and survives a
        // node crash; only a crash of PostgreSQL's host within its WAL writer delay (well under a second)
        // could forget it.
        return dsl.transactionResult(tx -> {
            tx.dsl().execute("SET LOCAL synchronous_commit TO OFF");
            return tx.dsl().insertInto(T_SEEN_NONCE)
                    .set(T_SEEN_NONCE.F_SOURCE, source)
                    .set(T_SEEN_NONCE.F_NONCE, nonce)
                    .set(T_SEEN_NONCE.F_EXPIRES, Math.max(now, timestampMs) + KEEP.toMillis())
                    .onConflictDoNothing()
                    .execute() == 1;
        });
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
