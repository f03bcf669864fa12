package io.fedflow.node.federation;

import static io.fedflow.node.store.generated.Tables.T_TRANSFER;
import static io.fedflow.node.store.generated.Tables.T_TRANSFER_CHUNK;

import io.fedflow.node.core.AbortSignal;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.proto.RetCode;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record1;
import org.jooq.Record2;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Component messages in PostgreSQL (t_transfer, t_transfer_chunk). A message is committed only once its
 * bytes match the announced size and SHA-256, so a receiver never sees a partial or corrupt message and
 * a cut stream leaves nothing. A small message (up to the group commit size) is gathered in memory and
 * written with the other small messages arriving at the same time, in one transaction ({@link
 * GroupCommit}): one WAL flush for all instead of one each; a larger one is written chunk by chunk inside
 * a transaction of its own. A received message is deleted: messages are consumed once. A small message
 * for a receive waiting in this process for exactly its key is handed over instead and never written: it
 * would be read back and deleted at once. Its sender is answered before any WAL flush, which loses nothing
 * a restart could use, as a restart fails the receiving task's version and the next version's start drops
 * that version's messages anyway.
 */
public final class TransferStore {
    private static final Logger logger = LoggerFactory.getLogger(TransferStore.class);
    private final DataSource dataSource;
    private final DSLContext dsl;
    private final DSLContext asyncCommitDsl;
    private final Clock clock;
    private final long groupCommitBytes;
    private final GroupCommit<Whole> groupCommit = new GroupCommit<>(this::writeWhole);
    private final TransferWaiters waiters;
    private final String process;
    private final Duration safetyPoll;
    private final AtomicLong handedOver = new AtomicLong();
    /**
     * {@link #lookFor}'s SQL, rendered once: every receive runs it at least once (hundreds a HeteroLR job), and
     * building and rendering the query each time cost more CPU than running it. The driver keeps it prepared
     * per connection.
     */
    private final String lookForSql;

    /**
     * Messages of up to {@code groupCommitBytes} are committed in groups (none with 0); consumed messages
     * are deleted on {@code asyncCommitDsl}, whose commits do not wait for the WAL flush. A commit wakes the
     * receivers of this process waiting for it ({@code waiters}) and sends a NOTIFY naming {@code process}
     * (this one) for the other processes of the site; a waiting receiver also looks at the table every
     * {@code safetyPoll}, in case a notification was lost.
     */
    public TransferStore(DataSource dataSource, DSLContext dsl, DSLContext asyncCommitDsl, Clock clock,
                         long groupCommitBytes, TransferWaiters waiters, String process, Duration safetyPoll) {
        if (safetyPoll.isNegative() || safetyPoll.isZero()) {
            throw new IllegalArgumentException("the transfer safety poll must be positive, got " + safetyPoll);
        }
        this.dataSource = dataSource;
        this.dsl = dsl;
        this.asyncCommitDsl = asyncCommitDsl;
        this.clock = clock;
        this.groupCommitBytes = groupCommitBytes;
        this.waiters = waiters;
        this.process = process;
        this.safetyPoll = safetyPoll;
        this.lookForSql = dsl.select(T_TRANSFER.F_ID, T_TRANSFER.F_SIZE, T_TRANSFER.F_TASK_VERSION,
                        T_TRANSFER_CHUNK.F_CONTENT)
                .from(T_TRANSFER)
                .leftJoin(T_TRANSFER_CHUNK).on(T_TRANSFER_CHUNK.F_TRANSFER_ID.eq(T_TRANSFER.F_ID),
                        T_TRANSFER_CHUNK.F_SEQ.eq(DSL.inline(0)))
                .where(T_TRANSFER.F_JOB_ID.eq(DSL.param("job_id", String.class)),
                        T_TRANSFER.F_COMPONENT_NAME.eq(DSL.param("component_name", String.class)),
                        T_TRANSFER.F_TAG.eq(DSL.param("tag", String.class)),
                        T_TRANSFER.F_SRC_ROLE.eq(DSL.param("src_role", String.class)),
                        T_TRANSFER.F_SRC_PARTY_ID.eq(DSL.param("src_party_id", String.class)),
                        T_TRANSFER.F_DST_ROLE.eq(DSL.param("dst_role", String.class)),
                        T_TRANSFER.F_DST_PARTY_ID.eq(DSL.param("dst_party_id", String.class)),
                        T_TRANSFER.F_TASK_VERSION.ge(DSL.param("task_version", Long.class)))
                .orderBy(T_TRANSFER.F_TASK_VERSION).limit(DSL.inline(1)).getSQL();
    }

    /** A message received whole, its bytes checked against its header. */
    private record Whole(TransferKey key, byte[] content, String sha256) {}

    /** Receives a message's chunks in order. */
    @FunctionalInterface
    public interface ChunkSink {
        void chunk(byte[] content) throws Exception;
    }

    /**
     * Starts writing the message under {@code key}, announced as {@code size} bytes hashing to
     * {@code sha256}. When the key already holds a message with that hash, the writer only checks the
     * re-sent bytes (a retried send is success); with another hash it is refused.
     */
    public Writer open(TransferKey key, long size, String sha256) {
        if (size < 0) {
            throw FlowException.argument("transfer size must not be negative, got " + size);
        }
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw FlowException.argument("transfer sha256 must be 64 lower-case hex digits, got " + sha256);
        }
        if (size <= groupCommitBytes) {
            return new Writer(key, size, sha256);
        }
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(false);
            DSLContext tx = DSL.using(c, SQLDialect.POSTGRES);
            // ON CONFLICT waits for a concurrent writer of the same key, then inserts or yields to it.
            Record1<Long> id = insertHeader(tx, key, size, sha256);
            if (id != null) {
                Writer w = new Writer(key, size, sha256, c, id.value1());
                c = null;
                return w;
            }
            FlowException conflict = conflict(tx, key, sha256);
            c.rollback();
            if (conflict != null) {
                throw conflict;
            }
            // Same content already there (or just consumed): check the bytes, store nothing.
            return new Writer(key, size, sha256, null, 0);
        } catch (SQLException e) {
            throw DatabaseFailures.of("could not store " + key, e);
        } finally {
            closeQuietly(c);
        }
    }

    /** Inserts the message's row; null when the key holds one already (ON CONFLICT waits for its writer). */
    private Record1<Long> insertHeader(DSLContext tx, TransferKey key, long size, String sha256) {
        return tx.insertInto(T_TRANSFER)
                .set(T_TRANSFER.F_JOB_ID, key.jobId())
                .set(T_TRANSFER.F_COMPONENT_NAME, key.componentName())
                .set(T_TRANSFER.F_TASK_VERSION, key.taskVersion())
                .set(T_TRANSFER.F_TAG, key.tag())
                .set(T_TRANSFER.F_SRC_ROLE, key.srcRole())
                .set(T_TRANSFER.F_SRC_PARTY_ID, key.srcPartyId())
                .set(T_TRANSFER.F_DST_ROLE, key.dstRole())
                .set(T_TRANSFER.F_DST_PARTY_ID, key.dstPartyId())
                .set(T_TRANSFER.F_SIZE, size)
                .set(T_TRANSFER.F_SHA256, sha256)
                .set(T_TRANSFER.F_CREATE_TIME, clock.millis())
                .onConflictDoNothing()
                .returningResult(T_TRANSFER.F_ID)
                .fetchOne();
    }

    /**
     * Why a message whose key is taken may not be stored: other content under that key; null when the
     * same content is there (a re-send) or was there and has been consumed already.
     */
    private static FlowException conflict(DSLContext tx, TransferKey key, String sha256) {
        String existing = tx.select(T_TRANSFER.F_SHA256).from(T_TRANSFER).where(matches(key))
                .fetchOne(T_TRANSFER.F_SHA256);
        if (existing != null && !existing.equals(sha256)) {
            return new FlowException(RetCode.DATA_ERROR, FailureKind.ALREADY_EXISTS, key
                    + " was already sent with other content (sha256 " + existing + ", now " + sha256 + ")", null);
        }
        return null;
    }

    /**
     * Writes small messages that arrived together in one transaction: one commit, one WAL flush. A key
     * already taken fails (other content) or succeeds (the same) for its message alone.
     */
    private List<RuntimeException> writeWhole(List<Whole> messages) {
        List<RuntimeException> outcomes = new ArrayList<>(messages.size());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                DSLContext tx = DSL.using(c, SQLDialect.POSTGRES);
                for (Whole m : messages) {
                    TransferKey k = m.key();
                    // header and bytes in one statement: one round trip per message
                    boolean inserted = tx.fetchOptional(INSERT_WHOLE, k.jobId(), k.componentName(), k.taskVersion(),
                            k.tag(), k.srcRole(), k.srcPartyId(), k.dstRole(), k.dstPartyId(),
                            (long) m.content().length, m.sha256(), clock.millis(), m.content(),
                            m.content().length > 0, TransferNotifyStore.CHANNEL,
                            TransferNotifyStore.payload(process, k)).isPresent();
                    outcomes.add(inserted ? null : conflict(tx, k, m.sha256()));
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw DatabaseFailures.of("could not store " + messages.size() + " messages", e);
        }
        for (int i = 0; i < messages.size(); i++) {
            if (outcomes.get(i) == null) {
                waiters.wake(TransferWaiters.route(messages.get(i).key()));
            }
        }
        return outcomes;
    }

    /**
     * A whole message's row and its one chunk (none when empty), or nothing when its key is taken (the
     * key's writer waited for first): returns the new row's id, having sent the NOTIFY of a new row (the
     * other processes of the site learn of it at the commit, in the same round trip).
     */
    private static final String INSERT_WHOLE = "with h as (insert into t_transfer (f_job_id, f_component_name, "
            + "f_task_version, f_tag, f_src_role, f_src_party_id, f_dst_role, f_dst_party_id, f_size, f_sha256, "
            + "f_create_time) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning f_id), "
            + "c as (insert into t_transfer_chunk (f_transfer_id, f_seq, f_content) select f_id, 0, ? from h "
            + "where ?) select f_id, pg_notify(?, ?) from h";

    private static Condition matches(TransferKey key) {
        return sameRoute(key).and(T_TRANSFER.F_TASK_VERSION.eq(key.taskVersion()));
    }

    /** The key but its version: the same message of any version. */
    private static Condition sameRoute(TransferKey key) {
        return T_TRANSFER.F_JOB_ID.eq(key.jobId())
                .and(T_TRANSFER.F_COMPONENT_NAME.eq(key.componentName()))
                .and(T_TRANSFER.F_TAG.eq(key.tag()))
                .and(T_TRANSFER.F_SRC_ROLE.eq(key.srcRole()))
                .and(T_TRANSFER.F_SRC_PARTY_ID.eq(key.srcPartyId()))
                .and(T_TRANSFER.F_DST_ROLE.eq(key.dstRole()))
                .and(T_TRANSFER.F_DST_PARTY_ID.eq(key.dstPartyId()));
    }

    /**
     * Waits up to {@code timeout} for the message under {@code key}, hands its chunks to {@code sink} in
     * order, then deletes it; returns its size. A sink failure leaves the message for another try. When
     * the same message of a newer task version arrives instead, the sender runs another version than the
     * receiver and the wait could never end: it fails at once with that reason.
     */
    public long receive(TransferKey key, Duration timeout, ChunkSink sink) {
        return receive(key, timeout, sink, AbortSignal.NEVER);
    }

    /**
     * As {@link #receive(TransferKey, Duration, ChunkSink)}, ending the wait at once with the failure that
     * aborts {@code abort} (the task's own send failed behind it). The wait looks at the table when a commit
     * of the key's route wakes it (this process's directly, another's by its NOTIFY) and every safety poll.
     */
    public long receive(TransferKey key, Duration timeout, ChunkSink sink, AbortSignal abort) {
        abort.throwIfAborted();
        long deadline = System.nanoTime() + timeout.toNanos();
        Stored found = null;
        TransferWaiters.Handed handed;
        // registered before the first look: a commit between a look and the wait still wakes it
        TransferWaiters.Waiter waiter = waiters.register(key);
        try (AbortSignal.Watch watch = abort.watch(waiter::wake)) {
            while ((handed = waiter.take()) == null && (found = lookFor(key)) == null) {
                abort.throwIfAborted();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new FlowException(RetCode.FEDERATED_ERROR, FailureKind.TIMED_OUT, "no " + key
                            + " arrived within " + timeout.toMillis() + " ms", null);
                }
                try {
                    waiter.await(Math.min(safetyPoll.toNanos(), left));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FlowException(RetCode.FEDERATED_ERROR, "interrupted while waiting for " + key);
                }
                abort.throwIfAborted();
            }
        } finally {
            // What was handed over as the wait ended (a failed wait's message, a re-send) is kept as if stored.
            keep(key, waiter.end());
        }
        if (handed != null) {
            try {
                deliver(key, sink, handed.content());
            } catch (RuntimeException e) {
                keep(key, handed);
                throw e;
            }
            handedOver.incrementAndGet();
            return handed.content().length;
        }
        if (found.taskVersion() != key.taskVersion()) {
            throw versionMismatch(key, found.taskVersion());
        }
        long id = found.id();
        long size = found.size();
        long taken = 0;
        if (found.firstChunk() != null) {
            taken += deliver(key, sink, found.firstChunk());
        }
        // The rest one chunk in memory at a time: a message may be far larger than the heap.
        int seq = 0;
        while (taken < size) {
            Record2<Integer, byte[]> chunk = dsl.select(T_TRANSFER_CHUNK.F_SEQ, T_TRANSFER_CHUNK.F_CONTENT)
                    .from(T_TRANSFER_CHUNK)
                    .where(T_TRANSFER_CHUNK.F_TRANSFER_ID.eq(id), T_TRANSFER_CHUNK.F_SEQ.gt(seq))
                    .orderBy(T_TRANSFER_CHUNK.F_SEQ).limit(1).fetchOne();
            if (chunk == null) {
                throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.INTERNAL, key + " holds " + taken
                        + " of its " + size + " bytes", null);
            }
            seq = chunk.value1();
            taken += deliver(key, sink, chunk.value2());
        }
        // Consumed: the delete need not wait for the WAL flush. Should the node die before it is flushed,
        // the message comes back, but only for the task version that was running then, which the restart
        // failed: the next version's start drops it.
        asyncCommitDsl.deleteFrom(T_TRANSFER).where(T_TRANSFER.F_ID.eq(id)).execute();
        return size;
    }

    /**
     * Stores a message that was handed over and not delivered, as its writer would have had nobody waited: its
     * sender was told it arrived. A conflict (other content under its key) or a failure is only logged, since the
     * sender is gone; the receive it was meant for fails or has its message already.
     */
    private void keep(TransferKey key, TransferWaiters.Handed message) {
        if (message == null) {
            return;
        }
        try {
            groupCommit.write(new Whole(key, message.content(), message.sha256()));
        } catch (RuntimeException e) {
            logger.warn("could not keep {} handed over to a receive that did not take it", key, e);
        }
    }

    /** How many messages went from their writer straight to a receive waiting in this process. */
    public long handedOver() {
        return handedOver.get();
    }

    /** A stored message: its row, size and version, and its first chunk (null when it has none). */
    private record Stored(long id, long size, long taskVersion, byte[] firstChunk) {}

    /** The message with its first chunk (a small message in one query), or of a newer version; null when none. */
    private Stored lookFor(TransferKey key) {
        return dsl.connectionResult(c -> {
            try (PreparedStatement ps = c.prepareStatement(lookForSql)) {
                ps.setString(1, key.jobId());
                ps.setString(2, key.componentName());
                ps.setString(3, key.tag());
                ps.setString(4, key.srcRole());
                ps.setString(5, key.srcPartyId());
                ps.setString(6, key.dstRole());
                ps.setString(7, key.dstPartyId());
                ps.setLong(8, key.taskVersion());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Stored(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getBytes(4)) : null;
                }
            }
        });
    }

    private static int deliver(TransferKey key, ChunkSink sink, byte[] content) {
        try {
            sink.chunk(content);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.INTERNAL, "could not take " + key + ": "
                    + e.getMessage(), e);
        }
        return content.length;
    }

    /** Whether a committed message is waiting under {@code key}. */
    public boolean exists(TransferKey key) {
        return dsl.fetchExists(T_TRANSFER, matches(key));
    }

    /**
     * Deletes the messages of older task versions of a job's component addressed to one role and party:
     * what a stopped or failed version left (or still sends) is of no use to the version that runs now.
     */
    public int deleteOlderVersions(String jobId, String componentName, String dstRole, String dstPartyId,
                                   long taskVersion) {
        return dsl.deleteFrom(T_TRANSFER).where(T_TRANSFER.F_JOB_ID.eq(jobId),
                T_TRANSFER.F_COMPONENT_NAME.eq(componentName), T_TRANSFER.F_DST_ROLE.eq(dstRole),
                T_TRANSFER.F_DST_PARTY_ID.eq(dstPartyId), T_TRANSFER.F_TASK_VERSION.lt(taskVersion)).execute();
    }

    /** The peer sent this message under a newer task version: it runs a version the receiver does not. */
    static FlowException versionMismatch(TransferKey key, long peerVersion) {
        return new FlowException(RetCode.FEDERATED_ERROR, FailureKind.REFUSED, key.srcRole() + " "
                + key.srcPartyId() + " runs version " + peerVersion + " of component " + key.componentName()
                + " of job " + key.jobId() + ", this task (" + key.dstRole() + " " + key.dstPartyId() + ") runs version "
                + key.taskVersion() + ": its message " + key.tag() + " for this version will never come", null);
    }

    /** Deletes every message of the job, consumed or not (job clean-up). Returns how many. */
    public int deleteJob(String jobId) {
        return dsl.deleteFrom(T_TRANSFER).where(T_TRANSFER.F_JOB_ID.eq(jobId)).execute();
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // closing anyway
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // the pool discards a broken connection
        }
    }

    /**
     * One message being written: chunks go into the open transaction as they come (or, for a small
     * message, into memory), and {@link #commit} makes the message visible only if size and hash match.
     * Calls may come from different threads (a gRPC stream's callbacks) but never at once; the methods
     * are synchronized for visibility.
     */
    public final class Writer implements AutoCloseable {
        private final TransferKey key;
        private final long size;
        private final String sha256;
        private final MessageDigest digest;
        private final long id;
        private ByteArrayOutputStream whole;
        private Connection connection;
        private DSLContext tx;
        private long written;
        private int seq;
        private boolean done;

        private Writer(TransferKey key, long size, String sha256, Connection connection, long id) {
            this.key = key;
            this.size = size;
            this.sha256 = sha256;
            this.connection = connection;
            this.id = id;
            this.tx = connection == null ? null : DSL.using(connection, SQLDialect.POSTGRES);
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A small message, gathered in memory and committed with the others arriving meanwhile. */
        private Writer(TransferKey key, long size, String sha256) {
            this(key, size, sha256, null, 0);
            this.whole = new ByteArrayOutputStream((int) Math.min(size, 64 * 1024));
        }

        public TransferKey key() {
            return key;
        }

        public synchronized void write(byte[] content, int offset, int length) {
            if (done) {
                throw new IllegalStateException("writer of " + key + " is closed");
            }
            written += length;
            if (written > size) {
                abort();
                throw FlowException.data(key + " is longer than the " + size + " bytes its header announced");
            }
            digest.update(content, offset, length);
            if (whole != null) {
                whole.write(content, offset, length);
            } else if (tx != null && length > 0) {
                byte[] bytes = offset == 0 && length == content.length ? content
                        : Arrays.copyOfRange(content, offset, offset + length);
                try {
                    tx.insertInto(T_TRANSFER_CHUNK).set(T_TRANSFER_CHUNK.F_TRANSFER_ID, id)
                            .set(T_TRANSFER_CHUNK.F_SEQ, seq++).set(T_TRANSFER_CHUNK.F_CONTENT, bytes).execute();
                } catch (RuntimeException e) {
                    abort();
                    throw e;
                }
            }
        }

        public void write(byte[] content) {
            write(content, 0, content.length);
        }

        /** Commits the message if its bytes are the announced ones; otherwise nothing is left and it throws. */
        public synchronized void commit() {
            if (done) {
                throw new IllegalStateException("writer of " + key + " is closed");
            }
            if (written != size) {
                abort();
                throw FlowException.data(key + " ended after " + written + " bytes, its header announced " + size);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha256)) {
                abort();
                throw FlowException.data(key + " does not match its header's sha256 (" + sha256 + "), got "
                        + actual);
            }
            done = true;
            if (whole != null) {
                byte[] content = whole.toByteArray();
                whole = null;
                // A receive of this process waiting for it takes it from here: stored, it would be read
                // back and deleted at once, and its sender's answer would wait for a WAL flush besides.
                if (!waiters.handOver(key, new TransferWaiters.Handed(content, sha256))) {
                    groupCommit.write(new Whole(key, content, sha256));
                }
                return;
            }
            if (connection == null) {
                return;
            }
            try {
                // the other processes of the site learn of it at the commit, not before it is visible
                tx.fetch("select pg_notify(?, ?)", TransferNotifyStore.CHANNEL,
                        TransferNotifyStore.payload(process, key));
                connection.commit();
            } catch (SQLException e) {
                throw DatabaseFailures.of("could not store " + key, e);
            } finally {
                release();
            }
            waiters.wake(TransferWaiters.route(key));
        }

        /** Drops what was written (a cut stream, a refusal); safe to call more than once. */
        public synchronized void abort() {
            done = true;
            whole = null;
            release();
        }

        @Override
        public void close() {
            abort();
        }

        private void release() {
            closeQuietly(connection);
            connection = null;
            tx = null;
        }
    }
}
