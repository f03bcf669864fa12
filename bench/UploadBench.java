import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.postgresql.PGConnection;

/**
 * Upload benchmark, run on demand (not part of the Maven build): see bench/upload-bench.sh.
 *
 * <ol>
 *   <li>Generates a CSV (id + 10 numeric columns, fixed seed) of at least --size-mb MB, once.</li>
 *   <li>Start phase: starts bin/fedflow-node --starts times on a fresh data dir (embedded PostgreSQL,
 *       initdb included) and restarts it once on the same dir; start time = process launch until
 *       GET /health answers 200; idle RSS = VmRSS of the node JVM after --idle-seconds.</li>
 *   <li>Throughput phase: one node on a fresh data dir; its embedded PostgreSQL (port from
 *       DIR/pg/postmaster.pid) also takes the raw COPY, so both load into the same server with the same
 *       settings (fsync on). After a warm-up of each, --rounds interleaved rounds (order alternating) of
 *       (a) POST /v1/data/upload, multipart streamed from the file, drop=1, and
 *       (b) JDBC CopyManager COPY ... FROM STDIN (FORMAT csv, HEADER) of the same bytes into a plain
 *       11-column text table (DROP + CREATE in the timed region, as the node's drop=1 does).
 *       A CHECKPOINT (untimed) precedes every measured load. The node's heap (jstat -gc) and RSS are
 *       sampled throughout.</li>
 * </ol>
 * MB = 10^6 bytes of the CSV file.
 */
public class UploadBench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final PrintStream out = System.out;

    // options
    static Path root = Path.of(".").toAbsolutePath().normalize();
    static Path work;
    static long sizeMb = 210;
    static int rounds = 3;
    static int warmup = 1;
    static int starts = 3;
    static int idleSeconds = 10;
    static long seed = 20240611L;
    static int sampleMs = 200;
    static boolean skipStarts = false;
    static String nodeJavaOpts = null;
    static Path pgDir; // data dir of the node whose PostgreSQL takes the loads

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--work" -> work = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--size-mb" -> sizeMb = Long.parseLong(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--starts" -> starts = Integer.parseInt(args[++i]);
                case "--idle-seconds" -> idleSeconds = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--sample-ms" -> sampleMs = Integer.parseInt(args[++i]);
                case "--skip-starts" -> skipStarts = true;
                case "--node-java-opts" -> nodeJavaOpts = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (work == null) {
            work = root.resolve("bench/work");
        }
        Files.createDirectories(work);
        out.printf("upload bench %s; rounds=%d warmup=%d starts=%d; nproc=%d; java %s; loadavg %s%n", Instant.now(),
                rounds, warmup, starts, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                loadavg());

        Path csv = work.resolve("bench-" + sizeMb + "mb-seed" + seed + ".csv");
        long rows = ensureCsv(csv);
        long bytes = Files.size(csv);
        out.printf("csv %s: %d bytes (%.1f MB), %d data rows + header, 11 columns%n", csv, bytes, bytes / 1e6, rows);

        List<Long> freshStartMs = new ArrayList<>();
        List<Long> restartMs = new ArrayList<>();
        List<Long> idleRssKb = new ArrayList<>();
        List<Long> idlePgPssKb = new ArrayList<>();
        if (!skipStarts) {
            for (int i = 1; i <= starts; i++) {
                Path dir = freshDir("start-" + i);
                for (boolean fresh : new boolean[] {true, false}) {
                    NodeProc n = NodeProc.start(dir, fresh ? "start-" + i + "-fresh" : "start-" + i + "-restart");
                    (fresh ? freshStartMs : restartMs).add(n.startMs);
                    Thread.sleep(idleSeconds * 1000L);
                    long rss = rssKb(n.pid());
                    long pg = pgPssKb(dir);
                    if (fresh) {
                        idleRssKb.add(rss);
                        idlePgPssKb.add(pg);
                    }
                    out.printf("  %s start: %d ms to /health 200; idle after %d s: node VmRSS %d MB, "
                            + "embedded PostgreSQL PSS %d MB%n", fresh ? "fresh  " : "restart", n.startMs,
                            idleSeconds, rss / 1024, pg / 1024);
                    n.stop();
                }
                deleteTree(dir);
            }
        }

        // ---------------- throughput phase
        Path dir = freshDir("throughput");
        NodeProc node = NodeProc.start(dir, "throughput");
        int pgPort = pgPort(dir);
        pgDir = dir;
        out.printf("throughput node pid %d, http %d, embedded PostgreSQL port %d; started in %d ms%n",
                node.pid(), node.httpPort, pgPort, node.startMs);
        Sampler sampler = new Sampler(node.pid());
        sampler.start();
        Thread.sleep(2000);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<Measure> up = new ArrayList<>();
        List<Measure> copy = new ArrayList<>();
        try (Connection pg = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
                "postgres", superuserPassword(pgDir.resolve("pg")))) {
            out.println("server: " + scalar(pg, "SELECT version()"));
            out.println("settings: " + scalar(pg, "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) "
                    + "FROM pg_settings WHERE name IN ('fsync','synchronous_commit','wal_level','shared_buffers',"
                    + "'max_wal_size','maintenance_work_mem','full_page_writes')"));
            for (int w = 1; w <= warmup; w++) {
                out.printf("warm-up %d: upload %s%n", w, upload(http, node, csv, rows, bytes, sampler, pg));
                out.printf("warm-up %d: copy   %s%n", w, rawCopy(pg, csv, rows, bytes, sampler));
            }
            for (int r = 1; r <= rounds; r++) {
                boolean uploadFirst = r % 2 == 1;
                for (int k = 0; k < 2; k++) {
                    if ((k == 0) == uploadFirst) {
                        Measure m = upload(http, node, csv, rows, bytes, sampler, pg);
                        up.add(m);
                        out.printf("round %d: upload %s; loadavg %s%n", r, m, loadavg());
                    } else {
                        Measure m = rawCopy(pg, csv, rows, bytes, sampler);
                        copy.add(m);
                        out.printf("round %d: copy   %s%n", r, m);
                    }
                }
            }
        }
        Thread.sleep(3000);
        long idleAfterRss = rssKb(node.pid());
        sampler.stop();
        node.stop();

        // ---------------- report
        out.println();
        out.println("## results (medians over " + rounds + " interleaved rounds; MB = 10^6 bytes)");
        out.printf("| what | median | min | max |%n|---|---|---|---|%n");
        row("HTTP /v1/data/upload, MB/s", up, m -> m.mbps);
        row("raw JDBC COPY (csv, 11 text cols), MB/s", copy, m -> m.mbps);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(up.size(), copy.size()); i++) {
            ratios.add(up.get(i).mbps / copy.get(i).mbps);
        }
        out.printf("| ratio upload/COPY, pairwise | %.3f | %.3f | %.3f |%n", median(ratios),
                Collections.min(ratios), Collections.max(ratios));
        out.printf("| ratio of medians | %.3f | | |%n", median(map(up, m -> m.mbps)) / median(map(copy, m -> m.mbps)));
        row("upload wall, s", up, m -> m.ms / 1000.0);
        row("  of which node load transaction (job log), s", up, m -> m.loadMs / 1000.0);
        if (up.stream().allMatch(m -> m.copyMs >= 0)) {
            row("    read+parse+COPY (receive overlaps), s", up, m -> m.copyMs / 1000.0);
            row("    CREATE INDEX (f_line), s", up, m -> m.indexMs / 1000.0);
            row("    meta rows + commit, s", up, m -> m.commitMs / 1000.0);
        }
        row("  of which outside the load (wall - load: job setup, response), s", up,
                m -> (m.ms - m.loadMs) / 1000.0);
        row("  node JVM CPU per upload, s", up, m -> m.nodeCpuS);
        row("  PostgreSQL CPU per upload (all its processes), s", up, m -> m.pgCpuS);
        row("raw COPY wall, s", copy, m -> m.ms / 1000.0);
        row("  PostgreSQL CPU per raw COPY (all its processes), s", copy, m -> m.pgCpuS);
        row("node JVM CPU during raw COPY, s", copy, m -> m.nodeCpuS);
        out.println();
        out.println("## node memory while uploading (samples every " + sampleMs + " ms, all measured uploads)");
        out.printf("| what | min | median | max |%n|---|---|---|---|%n");
        List<Sample> during = new ArrayList<>();
        up.forEach(m -> during.addAll(m.samples));
        List<Sample> duringCopy = new ArrayList<>();
        copy.forEach(m -> duringCopy.addAll(m.samples));
        memRow("heap used (S0U+S1U+EU+OU), MB, during uploads", during, s -> s.heapUsedKb);
        memRow("old gen used (OU), MB, during uploads", during, s -> s.oldUsedKb);
        memRow("heap committed, MB, during uploads", during, s -> s.heapCommittedKb);
        memRow("VmRSS, MB, during uploads", during, s -> s.rssKb);
        memRow("heap used, MB, during raw COPY (node idle)", duringCopy, s -> s.heapUsedKb);
        memRow("VmRSS, MB, during raw COPY (node idle)", duringCopy, s -> s.rssKb);
        out.printf("per upload, max heap used / max old gen / max RSS (MB):");
        for (Measure m : up) {
            out.printf(" [%d / %d / %d]", (long) max(m.samples, s -> s.heapUsedKb) / 1024,
                    (long) max(m.samples, s -> s.oldUsedKb) / 1024, (long) max(m.samples, s -> s.rssKb) / 1024);
        }
        out.println();
        out.printf("GCs during measured uploads: young %d, full %d, concurrent %d%n",
                up.stream().mapToLong(m -> m.ygc).sum(), up.stream().mapToLong(m -> m.fgc).sum(),
                up.stream().mapToLong(m -> m.cgc).sum());
        out.printf("node VmRSS 3 s after the last round: %d MB%n", idleAfterRss / 1024);
        if (!freshStartMs.isEmpty()) {
            out.println();
            out.println("## start and idle (" + starts + " fresh data dirs, each restarted once)");
            out.printf("| what | median | min | max |%n|---|---|---|---|%n");
            out.printf("| start, fresh data dir (initdb), ms | %.0f | %d | %d |%n", medianL(freshStartMs),
                    Collections.min(freshStartMs), Collections.max(freshStartMs));
            out.printf("| start, existing data dir, ms | %.0f | %d | %d |%n", medianL(restartMs),
                    Collections.min(restartMs), Collections.max(restartMs));
            out.printf("| idle node JVM VmRSS after %d s, MB | %.0f | %.0f | %.0f |%n", idleSeconds,
                    medianL(idleRssKb) / 1024, Collections.min(idleRssKb) / 1024.0,
                    Collections.max(idleRssKb) / 1024.0);
            out.printf("| idle embedded PostgreSQL PSS (all its processes), MB | %.0f | %.0f | %.0f |%n",
                    medianL(idlePgPssKb) / 1024, Collections.min(idlePgPssKb) / 1024.0,
                    Collections.max(idlePgPssKb) / 1024.0);
        }
        out.println("loadavg at the end: " + loadavg());
        deleteTree(dir);
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    // ------------------------------------------------------------------ measurements

    static final class Measure {
        long ms;
        long loadMs;
        long copyMs = -1; // read + parse + COPY (the part streams in meanwhile), from the job log if present
        long indexMs = -1;
        long commitMs = -1;
        double mbps;
        double nodeCpuS;
        double pgCpuS; // the node's embedded PostgreSQL, all its processes
        long ygc;
        long fgc;
        long cgc;
        List<Sample> samples = List.of();

        @Override
        public String toString() {
            String s = String.format(Locale.ROOT, "%.2f s, %.1f MB/s, node CPU %.1f s, PostgreSQL CPU %.1f s",
                    ms / 1000.0, mbps, nodeCpuS, pgCpuS);
            if (loadMs > 0) {
                s += String.format(Locale.ROOT, " (load %.2f s, outside load %.2f s)", loadMs / 1000.0,
                        (ms - loadMs) / 1000.0);
                if (copyMs >= 0) {
                    s += String.format(Locale.ROOT, " [read+COPY %.2f s, index %.2f s, meta+commit %.2f s]",
                            copyMs / 1000.0, indexMs / 1000.0, commitMs / 1000.0);
                }
            }
            if (!samples.isEmpty()) {
                s += String.format(Locale.ROOT, "; heap used max %d MB, old gen max %d MB, RSS max %d MB; "
                        + "GC young %d full %d", (long) max(samples, x -> x.heapUsedKb) / 1024,
                        (long) max(samples, x -> x.oldUsedKb) / 1024, (long) max(samples, x -> x.rssKb) / 1024,
                        ygc, fgc);
            }
            return s;
        }
    }

    static Measure upload(HttpClient http, NodeProc node, Path csv, long rows, long bytes, Sampler sampler,
            Connection pg) throws Exception {
        checkpoint(pg);
        String conf = "{\"file\": \"" + csv.getFileName() + "\", \"id_delimiter\": \",\", \"head\": 1, "
                + "\"partition\": 4, \"namespace\": \"bench\", \"table_name\": \"t1\", \"drop\": 1}";
        String boundary = HexFormat.of().formatHex(new SplittableRandom().ints(16, 0, 256)
                .collect(java.io.ByteArrayOutputStream::new, (o, b) -> o.write(b), (a, b) -> {}).toByteArray());
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + csv.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort
                        + "/v1/data/upload?" + requestsQuote(conf)))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofMinutes(30))
                // streamed: the file is read in chunks as the connection takes them
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofString(head),
                        HttpRequest.BodyPublishers.ofFile(csv),
                        HttpRequest.BodyPublishers.ofString(tail)))
                .build();
        long cpu0 = cpuTicks(node.pid());
        long pgCpu0 = pgCpuTicks(node.dir);
        Sample g0 = sampler.latest();
        int mark = sampler.mark();
        long t0 = System.nanoTime();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(sampleMs + 50);
        Measure m = new Measure();
        m.samples = sampler.since(mark);
        Sample g1 = sampler.latest();
        m.nodeCpuS = (cpuTicks(node.pid()) - cpu0) / 100.0;
        m.pgCpuS = (pgCpuTicks(node.dir) - pgCpu0) / 100.0;
        JsonNode body = JSON.readTree(resp.body());
        if (resp.statusCode() != 200 || body.path("retcode").asInt(-1) != 0) {
            throw new IllegalStateException("upload failed: HTTP " + resp.statusCode() + " " + resp.body());
        }
        String jobId = body.path("jobId").asText(body.path("job_id").asText());
        Path log = node.dir.resolve("logs").resolve(jobId).resolve("fate_flow_schedule.log");
        Matcher lm = Pattern.compile("done: (\\d+) rows in (\\d+) ms").matcher(Files.readString(log));
        if (!lm.find()) {
            throw new IllegalStateException("no timing in " + log);
        }
        if (Long.parseLong(lm.group(1)) != rows) {
            throw new IllegalStateException("node loaded " + lm.group(1) + " rows, expected " + rows);
        }
        long count = Long.parseLong(scalar(pg, "SELECT f_count FROM t_storage_table_meta WHERE f_namespace = "
                + "'bench' AND f_name = 't1'"));
        if (count != rows) {
            throw new IllegalStateException("table meta says " + count + " rows, expected " + rows);
        }
        m.ms = ms;
        m.loadMs = Long.parseLong(lm.group(2));
        Matcher pm = Pattern.compile("done: \\d+ rows in \\d+ ms \\(read and COPY (\\d+) ms, index (\\d+) ms, "
                + "meta and commit (\\d+) ms\\)").matcher(Files.readString(log));
        if (pm.find()) {
            m.copyMs = Long.parseLong(pm.group(1));
            m.indexMs = Long.parseLong(pm.group(2));
            m.commitMs = Long.parseLong(pm.group(3));
        }
        m.mbps = bytes / 1e6 / (ms / 1000.0);
        if (g0 != null && g1 != null) {
            m.ygc = g1.ygc - g0.ygc;
            m.fgc = g1.fgc - g0.fgc;
            m.cgc = g1.cgc - g0.cgc;
        }
        return m;
    }

    static Measure rawCopy(Connection pg, Path csv, long rows, long bytes, Sampler sampler) throws Exception {
        StringBuilder cols = new StringBuilder("id TEXT");
        for (int i = 0; i < 10; i++) {
            cols.append(", x").append(i).append(" TEXT");
        }
        checkpoint(pg);
        int mark = sampler.mark();
        long cpu0 = sampler.pid > 0 ? cpuTicks(sampler.pid) : 0;
        long pgCpu0 = pgCpuTicks(pgDir);
        long t0 = System.nanoTime();
        long n;
        try (Statement st = pg.createStatement()) {
            st.execute("DROP TABLE IF EXISTS public.bench_raw_copy");
            st.execute("CREATE TABLE public.bench_raw_copy (" + cols + ")");
        }
        try (InputStream in = Files.newInputStream(csv)) {
            n = pg.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY public.bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)", in, 1 << 16);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(sampleMs + 50);
        if (n != rows) {
            throw new IllegalStateException("COPY loaded " + n + " rows, expected " + rows);
        }
        Measure m = new Measure();
        m.samples = sampler.since(mark);
        m.nodeCpuS = (cpuTicks(sampler.pid) - cpu0) / 100.0;
        m.pgCpuS = (pgCpuTicks(pgDir) - pgCpu0) / 100.0;
        m.ms = ms;
        m.mbps = bytes / 1e6 / (ms / 1000.0);
        return m;
    }

    static void checkpoint(Connection pg) throws Exception {
        try (Statement st = pg.createStatement()) {
            st.execute("CHECKPOINT");
        }
    }

    static String scalar(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    // ------------------------------------------------------------------ node process

    static final class NodeProc {
        final Process process;
        final Path dir;
        final int httpPort;
        long startMs;

        NodeProc(Process p, Path dir, int httpPort) {
            this.process = p;
            this.dir = dir;
            this.httpPort = httpPort;
        }

        long pid() {
            return process.pid();
        }

        static NodeProc start(Path dir, String label) throws Exception {
            int port = freePort();
            int sitePort = freePort();
            ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/fedflow-node").toString(),
                    "--data-dir", dir.toString(), "--http-port", String.valueOf(port),
                    "--site-port", String.valueOf(sitePort));
            if (nodeJavaOpts != null) {
                pb.environment().put("FEDFLOW_JAVA_OPTS", nodeJavaOpts);
            }
            Path log = work.resolve("node-" + label + ".log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(1)).build();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(2)).build();
            long t0 = System.nanoTime();
            Process p = pb.start();
            NodeProc n = new NodeProc(p, dir, port);
            while (true) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("node exited with " + p.exitValue() + "; see " + log);
                }
                try {
                    if (c.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(3)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("node not healthy after 3 min; see " + log);
                }
                Thread.sleep(20);
            }
            n.startMs = (System.nanoTime() - t0) / 1_000_000;
            return n;
        }

        void stop() throws Exception {
            process.destroy(); // SIGTERM: the node's shutdown hook stops its embedded PostgreSQL
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static int pgPort(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("pg/postmaster.pid"));
        return Integer.parseInt(lines.get(3).trim());
    }

    // ------------------------------------------------------------------ memory sampling

    record Sample(long nanos, long rssKb, long heapUsedKb, long oldUsedKb, long heapCommittedKb, long ygc,
            long fgc, long cgc) {}

    /** jstat -gc PID every sampleMs (one long-running jstat reading the JVM's perf data) plus VmRSS. */
    static final class Sampler {
        final long pid;
        final List<Sample> samples = new CopyOnWriteArrayList<>();
        Process jstat;
        Thread reader;

        Sampler(long pid) {
            this.pid = pid;
        }

        void start() throws IOException {
            jstat = new ProcessBuilder("jstat", "-gc", String.valueOf(pid), String.valueOf(sampleMs))
                    .redirectErrorStream(true).start();
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(jstat.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String header = null;
                    String line;
                    while ((line = r.readLine()) != null) {
                        String[] f = line.trim().split("\\s+");
                        if (f.length > 0 && f[0].equals("S0C")) {
                            header = line;
                            continue;
                        }
                        if (header == null || f.length < 17) {
                            continue;
                        }
                        List<String> h = List.of(header.trim().split("\\s+"));
                        double s0u = d(f, h, "S0U"), s1u = d(f, h, "S1U"), eu = d(f, h, "EU"), ou = d(f, h, "OU");
                        double s0c = d(f, h, "S0C"), s1c = d(f, h, "S1C"), ec = d(f, h, "EC"), oc = d(f, h, "OC");
                        long cgc = h.contains("CGC") ? (long) d(f, h, "CGC") : 0;
                        samples.add(new Sample(System.nanoTime(), rssKb(pid), (long) (s0u + s1u + eu + ou),
                                (long) ou, (long) (s0c + s1c + ec + oc), (long) d(f, h, "YGC"),
                                (long) d(f, h, "FGC"), cgc));
                    }
                } catch (IOException | RuntimeException e) {
                    // the node stopped
                }
            }, "jstat-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static double d(String[] f, List<String> h, String col) {
            String v = f[h.indexOf(col)];
            return v.equals("-") ? 0 : Double.parseDouble(v);
        }

        int mark() {
            return samples.size();
        }

        List<Sample> since(int mark) {
            return new ArrayList<>(samples.subList(mark, samples.size()));
        }

        Sample latest() {
            return samples.isEmpty() ? null : samples.get(samples.size() - 1);
        }

        void stop() {
            jstat.destroy();
        }
    }

    static long rssKb(long pid) {
        return statusKb(pid, "VmRSS:");
    }

    static long statusKb(long pid, String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith(key)) {
                    return Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU of the node's embedded PostgreSQL in clock ticks: utime + stime of the postmaster and its live
     * children, plus the postmaster's cutime + cstime (children that exited, e.g. parallel index workers).
     */
    static long pgCpuTicks(Path dir) {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("pg/postmaster.pid")).get(0).trim());
            String s = Files.readString(Path.of("/proc/" + postmaster + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long total = Long.parseLong(f[13]) + Long.parseLong(f[14]); // cutime, cstime
            total += cpuTicks(postmaster);
            List<Long> kids = new ArrayList<>();
            ProcessHandle.of(postmaster).ifPresent(h -> h.children().forEach(c -> kids.add(c.pid())));
            for (long k : kids) {
                total += cpuTicks(k);
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime of the whole process (all threads), in clock ticks (100 Hz on Linux). */
    static long cpuTicks(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Sum of Pss over the postmaster and its children (shared buffers counted once). */
    static long pgPssKb(Path dir) throws IOException {
        long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("pg/postmaster.pid")).get(0).trim());
        long total = 0;
        List<Long> pids = new ArrayList<>();
        pids.add(postmaster);
        ProcessHandle.of(postmaster).ifPresent(h -> h.children().forEach(c -> pids.add(c.pid())));
        for (long p : pids) {
            try {
                for (String l : Files.readAllLines(Path.of("/proc/" + p + "/smaps_rollup"))) {
                    if (l.startsWith("Pss:")) {
                        total += Long.parseLong(l.substring(4).trim().split("\\s+")[0]);
                    }
                }
            } catch (IOException e) {
                // exited
            }
        }
        return total;
    }

    // ------------------------------------------------------------------ CSV

    /** Writes the CSV unless it exists; returns its number of data rows. Deterministic for a seed. */
    static long ensureCsv(Path csv) throws IOException {
        Path rowsFile = csv.resolveSibling(csv.getFileName() + ".rows");
        if (Files.exists(csv) && Files.exists(rowsFile)) {
            return Long.parseLong(Files.readString(rowsFile).trim());
        }
        long target = sizeMb * 1_000_000L;
        SplittableRandom rnd = new SplittableRandom(seed);
        long written = 0;
        long n = 0;
        Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
        long t0 = System.nanoTime();
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
            StringBuilder sb = new StringBuilder(256);
            sb.append("id");
            for (int i = 0; i < 10; i++) {
                sb.append(",x").append(i);
            }
            sb.append('\n');
            w.write(sb.toString());
            written += sb.length();
            while (written < target) {
                sb.setLength(0);
                n++;
                sb.append(n);
                for (int i = 0; i < 10; i++) {
                    sb.append(',');
                    // a float with 6 decimals in (-100, 100), like FATE's example data
                    long v = rnd.nextLong(200_000_000L) - 100_000_000L;
                    if (v < 0) {
                        sb.append('-');
                        v = -v;
                    }
                    sb.append(v / 1_000_000).append('.');
                    String frac = Long.toString(v % 1_000_000);
                    sb.append("000000", 0, 6 - frac.length()).append(frac);
                }
                sb.append('\n');
                w.write(sb.toString());
                written += sb.length();
            }
        }
        Files.move(tmp, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(rowsFile, n + "\n");
        out.printf("generated %s in %d ms%n", csv, (System.nanoTime() - t0) / 1_000_000);
        return n;
    }

    // ------------------------------------------------------------------ helpers

    static Path freshDir(String name) throws IOException {
        Path d = work.resolve("node-" + name);
        deleteTree(d);
        Files.createDirectories(d);
        return d;
    }

    static void deleteTree(Path d) throws IOException {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Collections.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** What python requests leaves raw in a query string (as FATE's client sends the conf). */
    static String requestsQuote(String s) {
        String safe = "!#$%&'()*+,/:;=?@[]~";
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._".indexOf(c) >= 0 || safe.indexOf(c) >= 0)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    static <T> List<Double> map(List<T> xs, ToDoubleFunction<T> f) {
        List<Double> r = new ArrayList<>();
        xs.forEach(x -> r.add(f.applyAsDouble(x)));
        return r;
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static double medianL(List<Long> xs) {
        return median(xs.stream().map(Long::doubleValue).toList());
    }

    static <T> double max(List<T> xs, ToDoubleFunction<T> f) {
        return xs.stream().mapToDouble(f).max().orElse(Double.NaN);
    }

    static void row(String name, List<Measure> ms, ToDoubleFunction<Measure> f) {
        List<Double> v = map(ms, f);
        out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n", name, median(v), Collections.min(v),
                Collections.max(v));
    }

    static void memRow(String name, List<Sample> ss, ToDoubleFunction<Sample> f) {
        if (ss.isEmpty()) {
            out.printf("| %s | no samples | | |%n", name);
            return;
        }
        List<Double> v = map(ss, f);
        out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f |%n", name, Collections.min(v) / 1024,
                median(v) / 1024, Collections.max(v) / 1024);
    }

    /** The embedded PostgreSQL admits its superuser by password only (pg-private/ beside the pg directory). */
    static String superuserPassword(Path pgDir) throws java.io.IOException {
        return Files.readString(pgDir.toAbsolutePath().resolveSibling(pgDir.toAbsolutePath().getFileName() + "-private")
                .resolve("superuser.password")).strip();
    }
}
