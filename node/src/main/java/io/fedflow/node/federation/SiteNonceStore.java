package io.fedflow.node.federation;

import static io.fedflow.node.store.generated.Tables.T_SEEN_NONCE;
import static io.fedflow.node.store.generated.Tables.T_SITE_NONCE_LEASE;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep3;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The SQL of {@link SiteNonceGuard}, all on one database session held for the guard's life: the session
 * holds the guard's advisory lock (exclusive for the one process checking nonces in memory, shared for the
 * others), so that every write made here is made while this process still holds its lock. Not thread-safe:
 * the guard serialises its use.
 */
final class SiteNonceStore implements AutoCloseable {
    /** The advisory lock's two keys ("fedf", "nonc"); the one-key form used elsewhere is another key space. */
    private static final int LOCK_CLASS = 0x66656466;
    private static final int LOCK_ID = 0x6e6f6e63;

    /** A nonce accepted, to be written. */
    record SeenNonce(String source, String nonce, long expires) {
    }

    private final Connection connection;
    private final DSLContext dsl;

    private SiteNonceStore(Connection connection) {
        this.connection = connection;
        this.dsl = DSL.using(connection, SQLDialect.POSTGRES);
    }

    /**
     * A session of its own from {@code dataSource}. Its single-row inserts commit without waiting for the WAL
     * flush, as the node's nonce writes always have; the lease is always written with synchronous commit.
     */
    static SiteNonceStore open(DataSource dataSource) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            SiteNonceStore store = new SiteNonceStore(c);
            store.dsl.execute("SET synchronous_commit TO OFF");
            return store;
        } catch (RuntimeException | SQLException e) {
            c.close();
            throw e;
        }
    }

    /** Takes the exclusive lock if nobody holds the lock in either mode. */
    boolean tryLockExclusive() {
        return Boolean.TRUE.equals(dsl.select(DSL.field("pg_try_advisory_lock({0}, {1})", SQLDataType.BOOLEAN,
                DSL.val(LOCK_CLASS), DSL.val(LOCK_ID))).fetchOne(0, Boolean.class));
    }

    /** Waits up to {@code timeout} for the shared lock (while an exclusive holder keeps it); false if it did not come. */
    boolean lockShared(Duration timeout) {
        try {
            dsl.execute("SET lock_timeout TO " + Math.max(1, timeout.toMillis()));
            dsl.execute("SELECT pg_advisory_lock_shared(" + LOCK_CLASS + ", " + LOCK_ID + ")");
            return true;
        } catch (DataAccessException e) {
            if ("55P03".equals(e.sqlState())) { // lock_not_available: the lock timeout passed
                return false;
            }
            throw e;
        } finally {
            dsl.execute("SET lock_timeout TO 0");
        }
    }

    /** Whether another session waits for the lock: a process starting beside the exclusive holder. */
    boolean othersWaiting() {
        return Boolean.TRUE.equals(dsl.select(DSL.field("EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
                        + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                        + " AND classid::text = {0} AND objid::text = {1} AND objsubid = 2 AND NOT granted)",
                SQLDataType.BOOLEAN, DSL.val(Integer.toString(LOCK_CLASS)), DSL.val(Integer.toString(LOCK_ID))))
                .fetchOne(0, Boolean.class));
    }

    /** From exclusive to shared, without a moment where another session could take the exclusive lock. */
    void downgradeToShared() {
        dsl.execute("SELECT pg_advisory_lock_shared(" + LOCK_CLASS + ", " + LOCK_ID + ")");
        dsl.execute("SELECT pg_advisory_unlock(" + LOCK_CLASS + ", " + LOCK_ID + ")");
    }

    void unlockAll() {
        dsl.execute("SELECT pg_advisory_unlock_all()");
    }

    /**
     * The exclusive holder's claim: a bound left by a holder that stopped without writing its nonces joins
     * the bounds of lost nonces, and {@code leaseBound} becomes this holder's. Returns the timestamps below
     * which a nonce may have been lost (calls signed before it are refused from now on).
     */
    long claimLease(long leaseBound) {
        return transaction(tx -> tx.update(T_SITE_NONCE_LEASE)
                .set(T_SITE_NONCE_LEASE.F_LOST_BELOW,
                        DSL.greatest(T_SITE_NONCE_LEASE.F_LOST_BELOW, T_SITE_NONCE_LEASE.F_LEASE_BOUND))
                .set(T_SITE_NONCE_LEASE.F_LEASE_BOUND, leaseBound)
                .where(T_SITE_NONCE_LEASE.F_ID.eq((short) 1))
                .returning(T_SITE_NONCE_LEASE.F_LOST_BELOW).fetchOne(T_SITE_NONCE_LEASE.F_LOST_BELOW));
    }

    /** For a process joining in shared mode: below what timestamps nonces may have been lost. */
    long lostBelow() {
        return dsl.select(DSL.greatest(T_SITE_NONCE_LEASE.F_LOST_BELOW, T_SITE_NONCE_LEASE.F_LEASE_BOUND))
                .from(T_SITE_NONCE_LEASE).where(T_SITE_NONCE_LEASE.F_ID.eq((short) 1)).fetchOne(0, Long.class);
    }

    /**
     * One commit, synchronous: {@code batch} written and the lease bound set to {@code leaseBound} (0 when
     * the holder hands over or stops). Returns how many of the batch were new rows.
     */
    int flush(List<SeenNonce> batch, long leaseBound) {
        return transaction(tx -> {
            int written = insert(tx, batch);
            tx.update(T_SITE_NONCE_LEASE).set(T_SITE_NONCE_LEASE.F_LEASE_BOUND, leaseBound)
                    .where(T_SITE_NONCE_LEASE.F_ID.eq((short) 1)).execute();
            return written;
        });
    }

    /** {@code batch} written, leaving the lease alone (a process in shared mode never writes it). */
    int insertAll(List<SeenNonce> batch) {
        return insert(dsl, batch);
    }

    /** One nonce written now; false when the row was there already (another process had it: a replay). */
    boolean insert(SeenNonce n) {
        return dsl.insertInto(T_SEEN_NONCE, T_SEEN_NONCE.F_SOURCE, T_SEEN_NONCE.F_NONCE, T_SEEN_NONCE.F_EXPIRES)
                .values(n.source(), n.nonce(), n.expires()).onConflictDoNothing().execute() == 1;
    }

    /** Every nonce still remembered at {@code now}, for a process about to check nonces in memory only. */
    void forEachUnexpired(long now, Consumer<SeenNonce> sink) {
        try (var cursor = dsl.selectFrom(T_SEEN_NONCE).where(T_SEEN_NONCE.F_EXPIRES.ge(now)).fetchLazy()) {
            cursor.forEach(r -> sink.accept(new SeenNonce(r.getFSource(), r.getFNonce(), r.getFExpires())));
        }
    }

    int sweep(long now) {
        return dsl.deleteFrom(T_SEEN_NONCE).where(T_SEEN_NONCE.F_EXPIRES.lt(now)).execute();
    }

    /** Ends the session as a killed process would: no unlock, nothing written. */
    void abort() {
        try {
            connection.unwrap(Connection.class).close();
        } catch (SQLException ignored) {
            // it is going away either way
        }
        close();
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // a broken session: the server ends it and releases its locks
        }
    }

    private static int insert(DSLContext dsl, List<SeenNonce> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        InsertValuesStep3<?, String, String, Long> insert = dsl.insertInto(T_SEEN_NONCE,
                T_SEEN_NONCE.F_SOURCE, T_SEEN_NONCE.F_NONCE, T_SEEN_NONCE.F_EXPIRES);
        for (SeenNonce n : batch) {
            insert = insert.values(n.source(), n.nonce(), n.expires());
        }
        return insert.onConflictDoNothing().execute();
    }

    private <T> T transaction(Function<DSLContext, T> work) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            tx.execute("SET LOCAL synchronous_commit TO ON");
            return work.apply(tx);
        });
    }
}
