package io.fedflow.node.federation;

import static io.fedflow.node.store.generated.Tables.T_SEEN_NONCE;
import static io.fedflow.node.store.generated.Tables.T_SITE_NONCE_LEASE;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.ParamType;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The SQL of {@link SiteNonceGuard}, all on one database session held for the guard's life: the session
 * holds the guard's advisory lock (exclusive for the one process checking nonces in memory, shared for the
 * others), so that every write made here is made while this process still holds its lock. Not thread-safe:
 * the guard serialises its use.
 *
 * <p>The statements run often (a batch, a single nonce, the fallback waiter check) are rendered once and
 * kept prepared on the session: a batch is three arrays bound to one fixed {@code unnest} insert, so
 * PostgreSQL parses and plans it once per session instead of once per batch size, and nothing is rendered
 * per batch or per call.
 */
final class SiteNonceStore implements AutoCloseable {
    /** The advisory lock's two keys ("fedf", "nonc"); the one-key form used elsewhere is another key space. */
    private static final int LOCK_CLASS = 0x66656466;
    private static final int LOCK_ID = 0x6e6f6e63;

    /**
     * Where a process starting beside the exclusive holder announces itself (PostgreSQL NOTIFY), so that the
     * holder, which listens while it holds the lock exclusively, hands over without asking {@code pg_locks}
     * every few ticks.
     */
    static final String JOIN_CHANNEL = "fedflow_site_nonce_join";

    /** A nonce accepted, to be written. */
    record SeenNonce(String source, String nonce, long expires) {
    }

    private final Connection connection;
    private final DSLContext dsl;
    private final PreparedStatement insertOne;
    private final PreparedStatement insertBatch;
    private final PreparedStatement waiters;

    private SiteNonceStore(Connection connection) throws SQLException {
        this.connection = connection;
        this.dsl = DSL.using(connection, SQLDialect.POSTGRES);
        this.insertOne = connection.prepareStatement(dsl.insertInto(T_SEEN_NONCE,
                        T_SEEN_NONCE.F_SOURCE, T_SEEN_NONCE.F_NONCE, T_SEEN_NONCE.F_EXPIRES)
                .values(DSL.param("source", String.class), DSL.param("nonce", String.class),
                        DSL.param("expires", Long.class))
                .onConflictDoNothing().getSQL());
        // Three arrays of one length, zipped by unnest: one statement text whatever the batch size.
        this.insertBatch = connection.prepareStatement(dsl.insertInto(T_SEEN_NONCE,
                        T_SEEN_NONCE.F_SOURCE, T_SEEN_NONCE.F_NONCE, T_SEEN_NONCE.F_EXPIRES)
                .select(DSL.select(DSL.field("u.s", String.class), DSL.field("u.n", String.class),
                                DSL.field("u.e", Long.class))
                        .from(DSL.table("unnest({0}, {1}, {2}) AS u(s, n, e)",
                                DSL.param("sources", SQLDataType.VARCHAR.array()),
                                DSL.param("nonces", SQLDataType.VARCHAR.array()),
                                DSL.param("expires", SQLDataType.BIGINT.array()))))
                .onConflictDoNothing().getSQL());
        this.waiters = connection.prepareStatement(dsl.select(DSL.field("EXISTS (SELECT 1 FROM pg_locks"
                        + " WHERE locktype = 'advisory'"
                        + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                        + " AND classid::text = {0} AND objid::text = {1} AND objsubid = 2 AND NOT granted)",
                SQLDataType.BOOLEAN, DSL.val(Integer.toString(LOCK_CLASS)), DSL.val(Integer.toString(LOCK_ID))))
                .getSQL(ParamType.INLINED));
    }

    /**
     * A session of its own from {@code dataSource}. Its inserts commit without waiting for the WAL flush:
     * the single-row ones as the node's nonce writes always have, the batches because the lease bound
     * (always written with synchronous commit, which also flushes every earlier commit) covers whatever a
     * crash could take of them; see {@link SiteNonceGuard}.
     */
    static SiteNonceStore open(DataSource dataSource) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            try (var s = c.createStatement()) {
                s.execute("SET synchronous_commit TO OFF");
            }
            return new SiteNonceStore(c);
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
        try (ResultSet r = waiters.executeQuery()) {
            return r.next() && r.getBoolean(1);
        } catch (SQLException e) {
            throw failed("checking for a waiting process", e);
        }
    }

    /**
     * Starts (or stops) hearing the announcements of processes waiting for the lock; the exclusive holder
     * listens, the shared holders need not.
     */
    void listenForJoiners(boolean listen) {
        dsl.execute(listen ? "LISTEN " + JOIN_CHANNEL : "UNLISTEN " + JOIN_CHANNEL);
    }

    /** Tells the exclusive holder, if it listens, that this session waits for the lock. */
    void announceJoin() {
        dsl.execute("SELECT pg_notify('" + JOIN_CHANNEL + "', '')");
    }

    /**
     * Whether a process announced it waits for the lock since the last look. No round trip: the driver hands
     * over the notifications that came with earlier answers and any already in the socket (it does not block).
     */
    boolean joinAnnounced() {
        try {
            PGNotification[] heard = connection.unwrap(PGConnection.class).getNotifications();
            return heard != null && heard.length > 0;
        } catch (SQLException e) {
            throw failed("looking for waiting processes", e);
        }
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
     * the holder hands over or stops). Being synchronous, it also makes every earlier batch durable (the WAL
     * is flushed in order). Returns how many of the batch were new rows.
     */
    int flush(List<SeenNonce> batch, long leaseBound) {
        return transaction(tx -> {
            int written = insertAll(batch);
            tx.update(T_SITE_NONCE_LEASE).set(T_SITE_NONCE_LEASE.F_LEASE_BOUND, leaseBound)
                    .where(T_SITE_NONCE_LEASE.F_ID.eq((short) 1)).execute();
            return written;
        });
    }

    /**
     * {@code batch} written, leaving the lease alone, in the session's transaction if one is open, else in a
     * commit of its own that does not wait for the WAL flush. Returns how many of the batch were new rows.
     */
    int insertAll(List<SeenNonce> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        int size = batch.size();
        String[] sources = new String[size];
        String[] nonces = new String[size];
        Long[] expires = new Long[size];
        for (int i = 0; i < size; i++) {
            SeenNonce n = batch.get(i);
            sources[i] = n.source();
            nonces[i] = n.nonce();
            expires[i] = n.expires();
        }
        try {
            Array s = connection.createArrayOf("varchar", sources);
            Array n = connection.createArrayOf("varchar", nonces);
            Array e = connection.createArrayOf("int8", expires);
            try {
                insertBatch.setArray(1, s);
                insertBatch.setArray(2, n);
                insertBatch.setArray(3, e);
                return insertBatch.executeUpdate();
            } finally {
                s.free();
                n.free();
                e.free();
            }
        } catch (SQLException ex) {
            throw failed("writing " + size + " nonces", ex);
        }
    }

    /** One nonce written now; false when the row was there already (another process had it: a replay). */
    boolean insert(SeenNonce n) {
        try {
            insertOne.setString(1, n.source());
            insertOne.setString(2, n.nonce());
            insertOne.setLong(3, n.expires());
            return insertOne.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failed("writing a nonce", e);
        }
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

    /** As jOOQ reports a failed statement, so that the guard handles both alike (it detaches and rejoins). */
    private static DataAccessException failed(String what, SQLException e) {
        return new DataAccessException("site nonces: " + what + ": " + e.getMessage(), e);
    }

    private <T> T transaction(Function<DSLContext, T> work) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            tx.execute("SET LOCAL synchronous_commit TO ON");
            return work.apply(tx);
        });
    }
}
