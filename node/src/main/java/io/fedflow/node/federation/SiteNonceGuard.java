package io.fedflow.node.federation;

import io.fedflow.auth.replay.ReplayGuard;
import io.fedflow.node.federation.SiteNonceStore.SeenNonce;
import io.fedflow.node.store.ConnectionPool;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.StampedLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay guard of inbound site calls: nonces checked in this process's memory, written to PostgreSQL
 * ({@code t_seen_nonce}) in batches off the call's path; and still, across restarts and
 * across every process of the site sharing the database, a nonce is accepted once.
 *
 * <h2>How</h2>
 * One database session per process holds a PostgreSQL advisory lock for the process's life.
 * <ul>
 *   <li><b>Solo</b> (the exclusive lock: no other process of the site is running): a nonce whose timestamp is
 *       within the fast skew X of this clock, while this process's lease is valid, is checked and recorded in
 *       memory and queued; a flusher writes the queue every flush interval. The lease is a row
 *       ({@code t_site_nonce_lease}) the holder writes, with synchronous commit, before it relies on it:
 *       {@code lease_bound = leaseUntil + X}. It is renewed when half of it is left (its length is
 *       {@link #LEASE}), in a synchronous commit of its own that carries the batch then due; the batches in
 *       between commit without waiting for the WAL flush (point 4 below says why that loses nothing).
 *       Before taking the lock, the holder loads every unexpired nonce from the table.</li>
 *   <li><b>Shared</b> (the shared lock: several processes): every nonce is first reserved in memory, then
 *       inserted on the session before the call runs, the primary key deciding between processes (the
 *       behaviour of the node before this class).</li>
 *   <li>Outside the fast skew, or without a valid lease, the solo process uses the shared mode's path.</li>
 * </ul>
 * A process starting beside a solo one announces itself (a NOTIFY the solo session listens for, seen without a
 * round trip) and waits for the shared lock; the solo one sees the waiter (the announcement within
 * {@link #WAITER_CHECK}, or, for a process that does not announce itself, {@code pg_locks} looked at every
 * {@link #WAITER_FALLBACK_CHECK}), stops its fast path, writes every queued nonce and sets
 * {@code lease_bound = 0} in one synchronous commit, then takes the shared lock and drops the exclusive one.
 * A site of several processes therefore pays one insert per call, as before; one process alone (the common
 * case, and every embedded-database node) pays none on the call's path.
 *
 * <h2>Why a nonce is accepted once</h2>
 * <ol>
 *   <li><i>Within one process</i>: every path reserves the nonce in one map with an atomic compute first.</li>
 *   <li><i>Between processes in shared mode</i>: each insert runs before its call, on a session that holds the
 *       shared lock, and the primary key lets one insert win.</li>
 *   <li><i>Between a solo process and any other</i>: they never run accepting calls at the same time. The
 *       others wait for the shared lock, which they get only after the solo process wrote all it accepted
 *       and left the fast path (step order above, the mode switch taken under a write lock that every fast
 *       path validates its optimistic read against once its nonce is queued; a fast path that finds the
 *       switch happened and its nonce still queued writes it itself before its call runs). A process that
 *       becomes solo later loads the table before its first fast check, so it knows every nonce the shared
 *       ones wrote.</li>
 *   <li><i>Across a crash, or a solo process cut from its database</i> (its session ends, the server releases
 *       its lock, its queue is never written; or PostgreSQL itself crashes and loses the batches whose
 *       commits had not reached the disk): every nonce it accepted in memory has a timestamp t with
 *       |now - t| &le; X at a moment now &lt; leaseUntil, so t &lt; leaseUntil + X &le; the lease_bound it had
 *       written, and written durably: leaseUntil moves only once that bound's synchronous commit returned.
 *       A crash of PostgreSQL loses a suffix of the commits, never an earlier one with a later kept (the WAL
 *       is replayed in order), so that bound, or a later one, survives any batch it lost. The next process to take the lock (exclusive or shared) reads that bound (an exclusive taker
 *       moves it into {@code lost_below}, which only grows) and refuses every call signed before it. So a
 *       replay of a lost nonce is refused, and the calls the new process accepts (t &ge; the bound) are
 *       calls the old one could never have accepted in memory, even if it is still running, cut off, until
 *       its lease ends by its own clock: the argument compares only signed timestamps, never two clocks.</li>
 *   <li><i>A clean stop</i> writes the queue and sets {@code lease_bound = 0} in one commit: nothing is
 *       refused afterwards for it.</li>
 * </ol>
 * After a crash, calls signed before lease end + X are refused: with a 1 s lease and X = 1 s, that is about
 * 2 s after the crash, less than a node takes to start again, for callers whose clocks agree with this one.
 * Any failure of the session (a broken connection) makes the process leave both modes (its leftover bound
 * protects the rest) and join again; in between, calls that need the database fail (verification error).
 * The single-row inserts of the shared path commit without waiting for the WAL flush, as the node's nonce
 * writes always have (only a crash of PostgreSQL could lose the last of them); so do the solo batches, which
 * the lease bound covers (point 4). The lease, the hand-over and a clean stop commit synchronously, which also
 * makes every batch before them durable.
 */
public final class SiteNonceGuard implements ReplayGuard, AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(SiteNonceGuard.class);

    /** Nonces are kept this long past the later of their timestamp and their first use (both windows). */
    static final long KEEP_MS = PostgresReplayGuard.KEEP.toMillis();
    /**
     * How long a lease lets this process check in memory; renewed when half of it is left, so two synchronous
     * commits a second however many calls come.
     */
    static final Duration LEASE = Duration.ofSeconds(1);
    static final Duration WAITER_CHECK = Duration.ofMillis(100);
    /**
     * How often the solo process asks {@code pg_locks} for a waiter all the same: a query of the lock table
     * (ten a second before the announcement) only for a waiter whose announcement was missed (sent before the
     * solo session listened; a node of a version that does not announce); a waiter announces itself again every
     * second it waits anyway.
     */
    static final Duration WAITER_FALLBACK_CHECK = Duration.ofSeconds(5);
    private static final Duration JOIN_WAIT = Duration.ofSeconds(30);
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);
    private static final int BATCH_MAX = 5_000;

    enum Mode { SOLO, SHARED, DETACHED }

    private final ConnectionPool pool;
    private final Clock clock;
    private final long fastSkewMs;
    private final long flushEveryMs;
    private final long waiterFallbackMs;
    private final Map<Key, Long> expiryByNonce = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<SeenNonce> queued = new ConcurrentLinkedQueue<>();
    /**
     * Read optimistically by the fast path (validated after it queued), held for writing to enter or leave solo
     * mode: no fast check straddles the switch unnoticed.
     */
    private final StampedLock modeLock = new StampedLock();
    /** Serialises the use of the session. */
    private final Object sessionLock = new Object();
    private final Thread flusher;
    private volatile Mode mode = Mode.DETACHED;
    private volatile long leaseUntil;
    private volatile long lostBelow;
    private volatile boolean closed;
    private SiteNonceStore session;

    /**
     * Joins the site's nonce keeping over {@code pool} (its own, of one connection; closed with this guard),
     * waiting while another process hands over.
     */
    public SiteNonceGuard(ConnectionPool pool, Clock clock, Duration fastSkew, Duration flushInterval) {
        this(pool, clock, fastSkew, flushInterval, WAITER_FALLBACK_CHECK);
    }

    /** As above, asking {@code pg_locks} for a waiter that did not announce itself every {@code waiterFallback}. */
    SiteNonceGuard(ConnectionPool pool, Clock clock, Duration fastSkew, Duration flushInterval,
                   Duration waiterFallback) {
        this.waiterFallbackMs = waiterFallback.toMillis();
        this.pool = pool;
        this.clock = clock;
        this.fastSkewMs = fastSkew.toMillis();
        this.flushEveryMs = flushInterval.toMillis();
        try {
            join();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        this.flusher = new Thread(this::flushLoop, "fedflow-site-nonces");
        flusher.setDaemon(true);
        flusher.start();
    }

    @Override
    public boolean firstSeen(String source, String nonce, long timestampMs) {
        long now = clock.millis();
        if (timestampMs < lostBelow) {
            // Signed before a crashed process's lease ended: its nonce may be one that process never wrote.
            return false;
        }
        Key key = new Key(source, nonce);
        long expires = Math.max(now, timestampMs) + KEEP_MS;
        if (Math.abs(now - timestampMs) <= fastSkewMs) {
            // Lock-free: the mode is read optimistically, the nonce reserved and queued, and the read validated
            // after. A mode switch takes the write lock before it drains the queue, so a nonce queued before a
            // successful validation is in what the switch writes.
            long stamp = modeLock.tryOptimisticRead();
            if (stamp == 0) {
                return lockedFastOrWritten(key, now, expires); // a switch is under way: wait for it
            }
            if (mode == Mode.SOLO && now < leaseUntil) {
                if (!reserve(key, now, expires)) {
                    return false;
                }
                SeenNonce seen = new SeenNonce(source, nonce, expires);
                queued.add(seen);
                // Switched meanwhile: still queued, it may have missed the switch's write, so it is written now;
                // gone from the queue, a flush or the switch took it, as any nonce accepted in memory.
                if (modeLock.validate(stamp) || !queued.remove(seen)) {
                    return true;
                }
                return insertReserved(key, expires);
            }
        }
        return writtenFirst(key, now, expires);
    }

    /** Which path calls take now (tests, logs). */
    Mode mode() {
        return mode;
    }

    /** Nonces accepted in memory and not written yet. */
    int queuedCount() {
        return queued.size();
    }

    /** Calls signed before this are refused (a crashed process's bound). */
    long lostBelow() {
        return lostBelow;
    }

    /** The fast path under the read lock, while a mode switch holds the write lock. */
    private boolean lockedFastOrWritten(Key key, long now, long expires) {
        long stamp = modeLock.readLock();
        try {
            if (mode == Mode.SOLO && now < leaseUntil) {
                if (!reserve(key, now, expires)) {
                    return false;
                }
                queued.add(new SeenNonce(key.source(), key.nonce(), expires));
                return true;
            }
        } finally {
            modeLock.unlockRead(stamp);
        }
        return writtenFirst(key, now, expires);
    }

    /** The slow path: reserved here, then inserted before the call runs. */
    private boolean writtenFirst(Key key, long now, long expires) {
        return reserve(key, now, expires) && insertReserved(key, expires);
    }

    /** Inserts a nonce reserved here before its call runs; false if another process had it. */
    private boolean insertReserved(Key key, long expires) {
        try {
            synchronized (sessionLock) {
                if (mode == Mode.DETACHED || session == null) {
                    throw new IllegalStateException("the site nonce store is reconnecting to the database");
                }
                if (session.insert(new SeenNonce(key.source(), key.nonce(), expires))) {
                    return true;
                }
            }
            return false; // another process had it: kept here as known
        } catch (RuntimeException e) {
            expiryByNonce.remove(key, expires);
            detach(e);
            throw e;
        }
    }

    private boolean reserve(Key key, long now, long expires) {
        boolean[] reserved = {false};
        expiryByNonce.compute(key, (k, previous) -> {
            if (previous == null || previous <= now) {
                reserved[0] = true;
                return expires;
            }
            return previous;
        });
        return reserved[0];
    }

    /** Takes the lock: exclusive if nobody holds it, else shared once the exclusive holder handed over. */
    private void join() {
        long deadline = System.nanoTime() + JOIN_WAIT.toNanos();
        SiteNonceStore store;
        try {
            store = SiteNonceStore.open(pool.dataSource());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the site nonce store's session: " + e.getMessage(), e);
        }
        try {
            while (true) {
                if (store.tryLockExclusive()) {
                    becomeSolo(store);
                    return;
                }
                store.announceJoin(); // again every wait: the holder may have started listening since
                if (store.lockShared(Duration.ofSeconds(1))) {
                    lostBelow = Math.max(lostBelow, store.lostBelow());
                    synchronized (sessionLock) {
                        session = store;
                        writeQueued(store, false);
                    }
                    mode = Mode.SHARED;
                    logger.info("site nonces: another process of this site shares the database; each nonce is "
                            + "written before its call");
                    return;
                }
                if (System.nanoTime() > deadline || closed) {
                    throw new IllegalStateException("the site nonce lock was not handed over within "
                            + JOIN_WAIT.toSeconds() + " s");
                }
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private void becomeSolo(SiteNonceStore store) {
        store.listenForJoiners(true);
        long now = clock.millis();
        long until = now + LEASE.toMillis();
        lostBelow = Math.max(lostBelow, store.claimLease(until + fastSkewMs));
        int[] loaded = {0};
        store.forEachUnexpired(now, n -> {
            expiryByNonce.merge(new Key(n.source(), n.nonce()), n.expires(), Math::max);
            loaded[0]++;
        });
        synchronized (sessionLock) {
            session = store;
        }
        long stamp = modeLock.writeLock();
        try {
            leaseUntil = until;
            mode = Mode.SOLO;
        } finally {
            modeLock.unlockWrite(stamp);
        }
        logger.info("site nonces: checked in memory, written every {} ms ({} remembered; calls signed before {} "
                + "refused)", flushEveryMs, loaded[0], lostBelow);
    }

    private void flushLoop() {
        long lastFlush = clock.millis();
        long nextWaiterCheck = 0;
        long nextFallbackCheck = clock.millis() + waiterFallbackMs;
        long nextSweep = clock.millis() + SWEEP_EVERY.toMillis();
        long tickNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(flushEveryMs, WAITER_CHECK.toMillis()));
        while (!closed) {
            try {
                if (mode == Mode.DETACHED) {
                    join();
                    continue;
                }
                long now = clock.millis();
                if (mode == Mode.SOLO) {
                    boolean flushDue = !queued.isEmpty()
                            && (now - lastFlush >= flushEveryMs || queued.size() >= BATCH_MAX);
                    if (leaseUntil - now < LEASE.toMillis() / 2) {
                        renew(now, flushDue);
                        lastFlush = flushDue ? now : lastFlush;
                    } else if (flushDue) {
                        writeBatch();
                        lastFlush = now;
                    }
                    if (now >= nextWaiterCheck) {
                        nextWaiterCheck = now + WAITER_CHECK.toMillis();
                        boolean fallback = now >= nextFallbackCheck;
                        if (fallback) {
                            nextFallbackCheck = now + waiterFallbackMs;
                        }
                        boolean waiting;
                        synchronized (sessionLock) {
                            waiting = session.joinAnnounced() || (fallback && session.othersWaiting());
                        }
                        if (waiting) {
                            handOver();
                        }
                    }
                }
                if (now >= nextSweep) {
                    nextSweep = now + SWEEP_EVERY.toMillis();
                    expiryByNonce.values().removeIf(expiry -> expiry <= now);
                    synchronized (sessionLock) {
                        session.sweep(now);
                    }
                }
            } catch (RuntimeException e) {
                if (!closed) {
                    detach(e);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
                }
            }
            LockSupport.parkNanos(tickNanos);
        }
    }

    /**
     * Writes a batch of the queue in a commit that does not wait for the WAL flush. Losing it in a crash of
     * PostgreSQL is covered: every nonce in it was accepted under a lease whose bound was committed
     * synchronously before (and the next synchronous commit, a renewal or the final one, makes it durable).
     */
    private void writeBatch() {
        synchronized (sessionLock) {
            if (mode != Mode.SOLO) {
                return;
            }
            List<SeenNonce> batch = drain(BATCH_MAX);
            try {
                session.insertAll(batch);
            } catch (RuntimeException e) {
                queued.addAll(batch);
                throw e;
            }
        }
    }

    /**
     * Extends the lease, writing the queue too when {@code write}, in one synchronous commit; the lease counts
     * only once committed. (A lease renewed without the queue is still a bound on what the queue holds.)
     */
    private void renew(long now, boolean write) {
        long until = now + LEASE.toMillis();
        synchronized (sessionLock) {
            if (mode != Mode.SOLO) {
                return;
            }
            List<SeenNonce> batch = write ? drain(BATCH_MAX) : List.of();
            try {
                session.flush(batch, until + fastSkewMs);
            } catch (RuntimeException e) {
                queued.addAll(batch);
                throw e;
            }
        }
        leaseUntil = until;
    }

    /** A process waits to join: leave the fast path, write everything, release the lease, go shared. */
    private void handOver() {
        leaveSolo(Mode.SHARED);
        synchronized (sessionLock) {
            writeQueued(session, true);
            session.downgradeToShared();
            session.listenForJoiners(false);
        }
        logger.info("site nonces: another process of this site joined; each nonce is now written before its call");
    }

    private void leaveSolo(Mode next) {
        long stamp = modeLock.writeLock();
        try {
            leaseUntil = 0;
            mode = next;
        } finally {
            modeLock.unlockWrite(stamp);
        }
    }

    /** Every queued nonce written; {@code releaseLease} also sets the bound to 0 in the same commit. */
    private void writeQueued(SiteNonceStore store, boolean releaseLease) {
        List<SeenNonce> batch = drain(Integer.MAX_VALUE);
        try {
            if (releaseLease) {
                store.flush(batch, 0);
            } else {
                store.insertAll(batch);
            }
        } catch (RuntimeException e) {
            queued.addAll(batch);
            throw e;
        }
    }

    private List<SeenNonce> drain(int max) {
        List<SeenNonce> batch = new ArrayList<>();
        SeenNonce n;
        while (batch.size() < max && (n = queued.poll()) != null) {
            batch.add(n);
        }
        return batch;
    }

    /** The session failed: no more fast checks; the bound this process left in the table protects the rest. */
    private void detach(RuntimeException cause) {
        if (mode == Mode.DETACHED) {
            return;
        }
        logger.warn("site nonces: the database session failed ({}); calls needing it fail until it is back",
                cause.getMessage());
        leaveSolo(Mode.DETACHED);
        synchronized (sessionLock) {
            if (session != null) {
                session.close();
                session = null;
            }
        }
    }

    /** Writes what is queued, releases the lease and the lock. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(flusher);
        joinFlusher();
        Mode was = mode;
        long bound = leaseUntil + fastSkewMs;
        leaveSolo(Mode.DETACHED);
        synchronized (sessionLock) {
            if (session != null) {
                try {
                    if (was != Mode.DETACHED) {
                        writeQueued(session, was == Mode.SOLO);
                    }
                    session.unlockAll();
                } catch (RuntimeException e) {
                    logger.warn("site nonces: could not write the last batch ({}); calls signed before {} will be "
                            + "refused by the next process", e.getMessage(), bound);
                } finally {
                    session.close();
                    session = null;
                }
            }
        }
        pool.close();
    }

    /** Stops as a killed process does: nothing written, nothing released but by the server (tests). */
    void halt() {
        closed = true;
        LockSupport.unpark(flusher);
        joinFlusher();
        leaveSolo(Mode.DETACHED);
        synchronized (sessionLock) {
            if (session != null) {
                session.abort();
                session = null;
            }
        }
        pool.close();
    }

    private void joinFlusher() {
        try {
            flusher.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Key(String source, String nonce) {
    }
}
