package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedflow.node.federation.SiteNonceStore.SeenNonce;
import io.fedflow.node.store.ConnectionPool;
import io.fedflow.node.store.Database;
import io.fedflow.node.testing.TestNodes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The site replay guard over a real PostgreSQL, each guard standing for one node process (its own pool and
 * session): nonces checked in memory and written later, and still refused once across restarts, crashes with
 * the batch not written, and processes sharing the database.
 */
class SiteNonceGuardTest {
    /** Long enough that no batch is written during a test unless a hand-over or a stop writes it. */
    static final Duration NEVER = Duration.ofHours(1);
    static final Duration SKEW = Duration.ofSeconds(1);

    String url;
    Database db;
    final List<SiteNonceGuard> guards = new ArrayList<>();

    @BeforeEach
    void database() {
        url = TestNodes.newDatabase();
        db = Database.external(url, "postgres", null);
    }

    @AfterEach
    void close() throws Exception {
        guards.forEach(SiteNonceGuard::close);
        db.close();
    }

    SiteNonceGuard process(Duration flushInterval) {
        SiteNonceGuard g = new SiteNonceGuard(db.newPool("nonces-" + guards.size(), 1, Duration.ofSeconds(10)),
                Clock.systemUTC(), SKEW, flushInterval);
        guards.add(g);
        return g;
    }

    static long now() {
        return System.currentTimeMillis();
    }

    long rows() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM t_seen_nonce")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void aNonceIsCheckedInMemoryThenWrittenInABatchAndStillRefusedAfterARestart() throws Exception {
        SiteNonceGuard g = process(Duration.ofMillis(20));
        long t = now();
        assertThat(g.mode()).isEqualTo(SiteNonceGuard.Mode.SOLO);
        assertThat(g.firstSeen("10000", "n1", t)).isTrue();
        assertThat(g.firstSeen("10000", "n1", t)).isFalse();
        assertThat(g.firstSeen("9999", "n1", t)).isTrue(); // nonces are per source
        await().atMost(Duration.ofSeconds(10)).until(() -> g.queuedCount() == 0 && rows() == 2);

        g.close();
        guards.remove(g);
        SiteNonceGuard restarted = process(Duration.ofMillis(20));
        assertThat(restarted.mode()).isEqualTo(SiteNonceGuard.Mode.SOLO);
        assertThat(restarted.firstSeen("10000", "n1", t)).isFalse();
        assertThat(restarted.firstSeen("9999", "n1", t)).isFalse();
        // a clean stop left nothing to distrust
        assertThat(restarted.lostBelow()).isLessThanOrEqualTo(0);
        assertThat(restarted.firstSeen("10000", "n2", now())).isTrue();
    }

    @Test
    void aCleanStopWritesTheBatchNotYetDue() throws Exception {
        SiteNonceGuard g = process(NEVER);
        long t = now();
        assertThat(g.firstSeen("10000", "pending", t)).isTrue();
        assertThat(g.queuedCount()).isEqualTo(1);
        assertThat(rows()).isZero();
        g.close();
        guards.remove(g);
        assertThat(rows()).isEqualTo(1);
        assertThat(process(NEVER).firstSeen("10000", "pending", t)).isFalse();
    }

    @Test
    void aReplayAfterACrashWithTheBatchNotWrittenIsRefused() throws Exception {
        SiteNonceGuard g = process(NEVER);
        long t = now();
        assertThat(g.firstSeen("10000", "lost", t)).isTrue();
        assertThat(g.queuedCount()).isEqualTo(1);
        g.halt(); // killed: the nonce was never written
        guards.remove(g);
        assertThat(rows()).isZero();

        SiteNonceGuard restarted = process(NEVER);
        assertThat(restarted.mode()).isEqualTo(SiteNonceGuard.Mode.SOLO);
        // the crashed process's lease bound: every nonce it held in memory was signed before it
        assertThat(restarted.lostBelow()).isGreaterThan(t);
        assertThat(restarted.firstSeen("10000", "lost", t)).isFalse();
        // a call signed at or after the bound is a call the crashed process could not have taken in memory
        assertThat(restarted.firstSeen("10000", "fresh", restarted.lostBelow())).isTrue();
        // and the bound survives further restarts, clean ones included, while it matters
        restarted.close();
        guards.remove(restarted);
        SiteNonceGuard again = process(NEVER);
        assertThat(again.firstSeen("10000", "lost", t)).isFalse();
    }

    @Test
    void aCrashOfPostgresThatLosesTheLastBatchesStillRefusesTheirReplays() throws Exception {
        SiteNonceGuard g = process(Duration.ofMillis(20));
        long t = now();
        assertThat(g.firstSeen("10000", "batched", t)).isTrue();
        // written in a batch whose commit does not wait for the WAL flush...
        await().atMost(Duration.ofSeconds(10)).until(() -> g.queuedCount() == 0 && rows() == 1);
        // ...which a crash of PostgreSQL may take with it (the lease, committed synchronously, stays); the
        // process dies with it
        execute("DELETE FROM t_seen_nonce");
        g.halt();
        guards.remove(g);

        SiteNonceGuard restarted = process(NEVER);
        assertThat(restarted.lostBelow()).isGreaterThan(t);
        assertThat(restarted.firstSeen("10000", "batched", t)).isFalse();
        assertThat(restarted.firstSeen("10000", "fresh", restarted.lostBelow())).isTrue();
    }

    @Test
    void everyNonceAcceptedInMemoryIsBelowTheLeaseBoundAlreadyCommitted() throws Exception {
        SiteNonceGuard g = process(Duration.ofMillis(20));
        // Longer than a lease, so that it is renewed while batches are written in between.
        long end = now() + SiteNonceGuard.LEASE.toMillis() * 3;
        int accepted = 0;
        try (Connection c = DriverManager.getConnection(url, "postgres", null)) {
            while (now() < end) {
                long t = now();
                assertThat(g.firstSeen("10000", "n" + accepted, t)).isTrue();
                assertThat(g.mode()).isEqualTo(SiteNonceGuard.Mode.SOLO);
                // what the next process would read after a crash of this one or of PostgreSQL at this moment
                assertThat(leaseBound(c)).as("the committed bound after nonce %d", accepted).isGreaterThan(t);
                accepted++;
                // paced by the batches: the next nonce comes once this one is written, across every renewal
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                        .until(() -> g.queuedCount() == 0);
            }
        }
        int all = accepted;
        await().atMost(Duration.ofSeconds(10)).until(() -> rows() == all);
    }

    @Test
    void aBatchWritesTheNoncesNotThereYetAndCountsThem() throws Exception {
        try (ConnectionPool pool = db.newPool("store", 1, Duration.ofSeconds(10));
             SiteNonceStore store = SiteNonceStore.open(pool.dataSource())) {
            long expires = now() + 60_000;
            assertThat(store.insert(new SeenNonce("10000", "a", expires))).isTrue();
            assertThat(store.insert(new SeenNonce("10000", "a", expires))).isFalse();
            assertThat(store.insertAll(List.of(new SeenNonce("10000", "a", expires),
                    new SeenNonce("10000", "b", expires), new SeenNonce("9999", "a", expires)))).isEqualTo(2);
            assertThat(store.insertAll(List.of())).isZero();
            assertThat(rows()).isEqualTo(3);
            List<SeenNonce> read = new ArrayList<>();
            store.forEachUnexpired(now(), read::add);
            assertThat(read).containsExactlyInAnyOrder(new SeenNonce("10000", "a", expires),
                    new SeenNonce("10000", "b", expires), new SeenNonce("9999", "a", expires));
        }
    }

    static long leaseBound(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT f_lease_bound FROM t_site_nonce_lease")) {
            r.next();
            return r.getLong(1);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void aCallFarFromThisClockIsWrittenBeforeItIsAccepted() throws Exception {
        SiteNonceGuard g = process(NEVER);
        long oneMinuteAgo = now() - Duration.ofMinutes(1).toMillis();
        assertThat(g.firstSeen("10000", "skewed", oneMinuteAgo)).isTrue();
        assertThat(g.queuedCount()).isZero();
        assertThat(rows()).isEqualTo(1);
        assertThat(g.firstSeen("10000", "skewed", oneMinuteAgo)).isFalse();
        g.halt();
        guards.remove(g);
        assertThat(process(NEVER).firstSeen("10000", "skewed", oneMinuteAgo)).isFalse();
    }

    @Test
    void aSecondProcessOnTheDatabaseRefusesWhatTheFirstAcceptedAndTheOtherWayRound() throws Exception {
        SiteNonceGuard first = process(NEVER);
        long t = now();
        assertThat(first.firstSeen("10000", "before", t)).isTrue();
        assertThat(first.queuedCount()).isEqualTo(1); // in memory only, not due for writing

        SiteNonceGuard second = process(NEVER); // waits until the first hands over
        assertThat(second.mode()).isEqualTo(SiteNonceGuard.Mode.SHARED);
        assertThat(first.mode()).isEqualTo(SiteNonceGuard.Mode.SHARED);
        assertThat(first.queuedCount()).isZero();
        assertThat(second.firstSeen("10000", "before", t)).isFalse();

        assertThat(second.firstSeen("10000", "after", now())).isTrue();
        assertThat(first.firstSeen("10000", "after", now())).isFalse();
        assertThat(first.firstSeen("10000", "after2", now())).isTrue();
        assertThat(second.firstSeen("10000", "after2", now())).isFalse();

        assertThat(acceptedOfSixteenRacingUses(List.of(first, second))).isEqualTo(1);
    }

    @Test
    void aProcessStartingBesideTheSoloOneIsHandedOverOnItsAnnouncementAlone() throws Exception {
        // pg_locks is never asked within the test: only the joiner's NOTIFY can tell the solo process
        SiteNonceGuard first = new SiteNonceGuard(db.newPool("nonces-solo", 1, Duration.ofSeconds(10)),
                Clock.systemUTC(), SKEW, NEVER, NEVER);
        guards.add(first);
        long t = now();
        assertThat(first.firstSeen("10000", "before", t)).isTrue();
        assertThat(first.mode()).isEqualTo(SiteNonceGuard.Mode.SOLO);

        SiteNonceGuard second = process(NEVER); // returns once handed over (or fails after 30 s)
        assertThat(second.mode()).isEqualTo(SiteNonceGuard.Mode.SHARED);
        assertThat(first.mode()).isEqualTo(SiteNonceGuard.Mode.SHARED);
        assertThat(second.firstSeen("10000", "before", t)).isFalse();
    }

    @Test
    void aWaiterThatDoesNotAnnounceItselfIsStillSeenInTheLockTable() throws Exception {
        // a process of a version that only waits for the lock, as every process did before the announcement
        SiteNonceGuard first = new SiteNonceGuard(db.newPool("nonces-solo", 1, Duration.ofSeconds(10)),
                Clock.systemUTC(), SKEW, NEVER, Duration.ofMillis(200));
        guards.add(first);
        long t = now();
        assertThat(first.firstSeen("10000", "before", t)).isTrue();
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock_shared(" + 0x66656466 + ", " + 0x6e6f6e63 + ")"); // waits
            assertThat(first.mode()).isEqualTo(SiteNonceGuard.Mode.SHARED);
            assertThat(first.queuedCount()).isZero();
            assertThat(rows()).isEqualTo(1); // written before the lock was shared
        }
    }

    @Test
    void concurrentUsesInOneProcessHaveOneWinner() throws Exception {
        SiteNonceGuard g = process(NEVER);
        assertThat(acceptedOfSixteenRacingUses(List.of(g))).isEqualTo(1);
    }

    /** Sixteen uses of one nonce at once on 8 threads, spread over {@code guards} in turn: how many accepted it. */
    private static int acceptedOfSixteenRacingUses(List<SiteNonceGuard> guards) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> tries = new ArrayList<>();
            long t = now();
            for (int i = 0; i < 16; i++) {
                SiteNonceGuard g = guards.get(i % guards.size());
                tries.add(() -> g.firstSeen("10000", "raced", t));
            }
            int accepted = 0;
            for (Future<Boolean> f : pool.invokeAll(tries)) {
                accepted += f.get() ? 1 : 0;
            }
            return accepted;
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aProcessCutFromTheDatabaseAndOneStartingMeanwhileNeverBothAcceptANonce() throws Exception {
        SiteNonceGuard cut = process(NEVER);
        long t = now();
        assertThat(cut.firstSeen("10000", "held", t)).isTrue();
        assertThat(cut.queuedCount()).isEqualTo(1);
        terminateLockHolders();
        // another process starts while the first one joins again (whichever gets the lock first)
        SiteNonceGuard started = process(NEVER);
        assertThat(started.firstSeen("10000", "held", t)).isFalse();
        // whichever took the lock first hands over once it sees the other waiting: both end shared
        await().atMost(Duration.ofSeconds(30)).until(() -> cut.mode() == SiteNonceGuard.Mode.SHARED
                && started.mode() == SiteNonceGuard.Mode.SHARED);
        assertThat(cut.firstSeen("10000", "held", t)).isFalse();
        assertThat(started.firstSeen("10000", "held", t)).isFalse();
        long later = Math.max(now(), Math.max(started.lostBelow(), cut.lostBelow()));
        boolean firstWon = started.firstSeen("10000", "new", later);
        assertThat(cut.firstSeen("10000", "new", later)).isNotEqualTo(firstWon);
    }

    /** Ends, from outside, every session holding the guard's lock: a network cut or a killed backend. */
    void terminateLockHolders() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2"
                    + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
        }
    }
}
