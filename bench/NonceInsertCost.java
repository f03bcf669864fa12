import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.management.ManagementFactory;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * On demand, not part of the build: what writing site nonces costs PostgreSQL and the writing thread, per
 * nonce, for the ways SiteNonceGuard's batches can be written. A fresh embedded PostgreSQL (fsync on), a
 * t_seen_nonce as V4 makes it (primary key, btree on f_expires) or with another index on f_expires, batches
 * of about --batch nonces (+-4, as the queue's size moves; a 20 ms batch at 3,000 calls a second is 60), one session, --batches batches a round:
 * <ul>
 *   <li>{@code values, sync}: the old flush: a multi-row VALUES insert whose text depends on the batch size
 *       and an UPDATE of the lease row, in one transaction committed synchronously;</li>
 *   <li>{@code unnest, async}: the new batch: one prepared unnest insert of three arrays, committed without
 *       waiting for the WAL flush (the lease is renewed apart, twice a second, not counted);</li>
 *   <li>{@code unnest, async, brin} / {@code unnest, async, no index}: the same with a BRIN index on
 *       f_expires instead of the btree, or none.</li>
 * </ul>
 * Prints, per variant, the median over rounds of PostgreSQL's CPU (postmaster and backends) and the writing
 * thread's CPU per nonce.
 * <pre>
 *   java --add-opens java.base/java.math=ALL-UNNAMED \
 *        -cp "node/target/fedflow-node-0.1.0-SNAPSHOT.jar:node/target/test-classes:$(cat node/target/classpath.txt)" \
 *        bench/NonceInsertCost.java [--batch 60] [--batches 300] [--rounds 5]
 * </pre>
 */
public class NonceInsertCost {
    public static void main(String[] args) throws Exception {
        int batch = 60;
        int batches = 300;
        int rounds = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--batches" -> batches = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
             Connection c = pg.getPostgresDatabase().getConnection()) {
            ProcessHandle postmaster = ProcessHandle.allProcesses().filter(p -> {
                String cmd = p.info().commandLine().orElse("");
                return cmd.contains("/bin/postgres") && cmd.matches(".*-p\\s+" + pg.getPort() + "(\\s.*|$)");
            }).findFirst().orElseThrow();
            String[] variants = {"values, sync", "unnest, async", "unnest, async, brin", "unnest, async, no index"};
            List<List<double[]>> results = new ArrayList<>();
            for (String v : variants) {
                results.add(new ArrayList<>());
            }
            System.out.printf("# %d rounds of %d batches of %d nonces per variant, order rotating; %s%n", rounds,
                    batches, batch, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < variants.length; k++) {
                    int vi = (k + r) % variants.length;
                    results.get(vi).add(round(c, postmaster, variants[vi], batch, batches));
                }
            }
            System.out.println("| variant | PostgreSQL CPU µs/nonce | writer thread CPU µs/nonce |");
            System.out.println("|---|---|---|");
            for (int i = 0; i < variants.length; i++) {
                System.out.printf("| %s | %.2f | %.2f |%n", variants[i],
                        median(results.get(i).stream().mapToDouble(d -> d[0]).toArray()),
                        median(results.get(i).stream().mapToDouble(d -> d[1]).toArray()));
            }
            System.out.printf("# load average after: %.1f%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** One round of one variant on a fresh table; {PostgreSQL µs, thread µs} per nonce. */
    static double[] round(Connection c, ProcessHandle postmaster, String variant, int batch, int batches)
            throws Exception {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS t_seen_nonce");
            s.execute("DROP TABLE IF EXISTS t_site_nonce_lease");
            s.execute("CREATE TABLE t_seen_nonce (f_source VARCHAR(120) NOT NULL, f_nonce VARCHAR(120) NOT NULL,"
                    + " f_expires BIGINT NOT NULL, CONSTRAINT t_seen_nonce_pk PRIMARY KEY (f_source, f_nonce))");
            if (variant.endsWith("brin")) {
                s.execute("CREATE INDEX t_seen_nonce_expires_idx ON t_seen_nonce USING brin (f_expires)");
            } else if (!variant.endsWith("no index")) {
                s.execute("CREATE INDEX t_seen_nonce_expires_idx ON t_seen_nonce (f_expires)");
            }
            s.execute("CREATE TABLE t_site_nonce_lease (f_id SMALLINT PRIMARY KEY, f_lease_bound BIGINT NOT NULL)");
            s.execute("INSERT INTO t_site_nonce_lease VALUES (1, 0)");
            s.execute("CHECKPOINT");
            s.execute("SET synchronous_commit TO OFF");
        }
        boolean old = variant.startsWith("values");
        PreparedStatement unnest = c.prepareStatement("INSERT INTO t_seen_nonce (f_source, f_nonce, f_expires) "
                + "SELECT u.s, u.n, u.e FROM unnest(?::varchar[], ?::varchar[], ?::bigint[]) AS u(s, n, e) "
                + "ON CONFLICT DO NOTHING");
        long now = System.currentTimeMillis();
        long pg0 = cpu(postmaster);
        long t0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long rows = 0;
        for (int b = 0; b < batches; b++) {
            // The batch size moves from flush to flush, as the queue does (so does the old statement's text).
            int size = Math.max(1, batch + (b % 9) - 4);
            rows += size;
            String[] sources = new String[size];
            String[] nonces = new String[size];
            Long[] expires = new Long[size];
            for (int i = 0; i < size; i++) {
                sources[i] = "10000";
                nonces[i] = UUID.randomUUID().toString();
                expires[i] = now + 600_000 + b * 20L;
            }
            if (old) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL synchronous_commit TO ON");
                }
                StringBuilder sql = new StringBuilder("INSERT INTO t_seen_nonce (f_source, f_nonce, f_expires) VALUES ");
                for (int i = 0; i < size; i++) {
                    sql.append(i == 0 ? "" : ", ").append("(?, ?, ?)");
                }
                try (PreparedStatement ps = c.prepareStatement(sql + " ON CONFLICT DO NOTHING")) {
                    for (int i = 0; i < size; i++) {
                        ps.setString(3 * i + 1, sources[i]);
                        ps.setString(3 * i + 2, nonces[i]);
                        ps.setLong(3 * i + 3, expires[i]);
                    }
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE t_site_nonce_lease SET f_lease_bound = ? WHERE f_id = 1")) {
                    ps.setLong(1, now + b);
                    ps.executeUpdate();
                }
                c.commit();
                c.setAutoCommit(true);
            } else {
                Array s = c.createArrayOf("varchar", sources);
                Array n = c.createArrayOf("varchar", nonces);
                Array e = c.createArrayOf("int8", expires);
                unnest.setArray(1, s);
                unnest.setArray(2, n);
                unnest.setArray(3, e);
                unnest.executeUpdate();
            }
        }
        long thread = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - t0;
        // Let the WAL writer finish what the async commits left it, so that it is counted.
        Thread.sleep(Duration.ofMillis(300).toMillis());
        long pg = cpu(postmaster) - pg0;
        unnest.close();
        return new double[] {pg / 1e3 / rows, thread / 1e3 / rows};
    }

    static long cpu(ProcessHandle postmaster) {
        return Stream.concat(Stream.of(postmaster), postmaster.descendants())
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
