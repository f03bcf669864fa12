import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import java.io.IOException;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Jobs benchmark, run on demand (not part of the Maven build): see bench/jobs-bench.sh.
 *
 * <ol>
 *   <li>Starts the baseline: a separate JVM (this file again, {@code --serve-baseline PORT}) running a bare
 *       Armeria server with one annotated JSON POST route, {@code /v1/echo}, which reads the JSON body and
 *       answers a FATE-style envelope. No database, no gRPC, no blocking executor.</li>
 *   <li>Starts bin/fedflow-node on a fresh data dir and free ports with {@code --cores N} (default 16),
 *       and uploads examples/data/breast_hetero_guest.csv as experiment.breast_hetero_guest.</li>
 *   <li>Warm-up: one job per submitter client, then a few seconds of load on every latency target.</li>
 *   <li>Idle phase (no jobs): one slice per latency target, for context.</li>
 *   <li>Job window (--window s): --clients submitters each submit a Reader → DataTransform job
 *       (role local, party 0, task_cores 1), poll /v1/job/query every --poll-ms until it ends, and submit
 *       the next, until the window closes; jobs still running are then drained. Meanwhile the latency
 *       driver runs rounds of --slice-second slices, one target per slice, order rotating per round:
 *       --latency-clients closed-loop clients (no think time), each one request at a time.</li>
 * </ol>
 * Latency targets: POST /v1/job/query (node, a random job id of this run, role local, party 0: one DB
 * query), POST /v1/echo (the baseline JVM), GET /health (node, Armeria's HealthCheckService) and
 * POST /v1/resource/query (node, transcoded gRPC on the blocking executor, no DB: in-memory state).
 * Latency load comes from --client wrk (the default when wrk is on PATH: wrk -t2 -c(latency clients) per
 * slice, a child process; a generated Lua script supplies the bodies and checks the retcode) or --client
 * java (--latency-clients threads of this JVM, a fresh java.net.http HttpClient per slice, HTTP/1.1, one
 * connection per thread, samples of the first --ramp-ms dropped).
 */
public class JobsBench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final PrintStream out = System.out;
    static final Set<String> END = Set.of("success", "failed", "canceled", "timeout");

    // options
    static Path root = Path.of(".").toAbsolutePath().normalize();
    static Path work;
    static int windowS = 60;
    static int clients = 8;
    static int latencyClients = 64;
    static int sliceS = 5;
    static int rampMs = 500;
    static int warmupS = 10;
    static int pollMs = 100;
    static int cores = 16;
    static int idleRounds = 1;
    static int warmupRounds = 2;
    static String client = null; // wrk if on PATH, else java
    static boolean soloWindow = true;
    static String nodeJavaOpts = null;
    static boolean queriesOnly = false; // issue 14 goal 3: job/query vs echo, no job window
    static int queryRounds = 5;

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--serve-baseline" -> {
                    serveBaseline(Integer.parseInt(args[++i]));
                    return;
                }
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--work" -> work = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--window" -> windowS = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--latency-clients" -> latencyClients = Integer.parseInt(args[++i]);
                case "--slice" -> sliceS = Integer.parseInt(args[++i]);
                case "--ramp-ms" -> rampMs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmupS = Integer.parseInt(args[++i]);
                case "--poll-ms" -> pollMs = Integer.parseInt(args[++i]);
                case "--cores" -> cores = Integer.parseInt(args[++i]);
                case "--idle-rounds" -> idleRounds = Integer.parseInt(args[++i]);
                case "--warmup-rounds" -> warmupRounds = Integer.parseInt(args[++i]);
                case "--client" -> client = args[++i];
                case "--no-solo" -> soloWindow = false;
                case "--node-java-opts" -> nodeJavaOpts = args[++i];
                case "--queries-only" -> queriesOnly = true;
                case "--rounds" -> queryRounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (work == null) {
            work = root.resolve("bench/work");
        }
        if (client == null) {
            client = onPath("wrk") ? "wrk" : "java";
        }
        Files.createDirectories(work);
        out.printf("jobs bench %s; window=%d s, submitters=%d, latency clients=%d (%s), slice=%d s%s, "
                        + "poll=%d ms, node --cores %d; nproc=%d; java %s; loadavg %s%n", Instant.now(), windowS,
                clients, latencyClients, client, sliceS,
                client.equals("java") ? " (first " + rampMs + " ms dropped)" : "", pollMs, cores, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), loadavg());

        // ---------------- processes
        Baseline baseline = Baseline.start();
        Path dir = work.resolve("node-jobs");
        deleteTree(dir);
        Files.createDirectories(dir);
        NodeProc node = NodeProc.start(dir);
        out.printf("node pid %d on port %d (started in %d ms); baseline Armeria JVM pid %d on port %d%n",
                node.process.pid(), node.port, node.startMs, baseline.process.pid(), baseline.port);
        try {
            if (queriesOnly) {
                runQueries(node, baseline);
            } else {
                run(node, baseline);
            }
        } finally {
            node.stop();
            baseline.process.destroy();
            baseline.process.waitFor(20, TimeUnit.SECONDS);
        }
        for (int attempt = 0; attempt < 5; attempt++) { // PostgreSQL may still be removing its files
            try {
                deleteTree(dir);
                break;
            } catch (UncheckedIOException | IOException e) {
                Thread.sleep(2000);
            }
        }
    }

    /** A client of the node at {@code base}, once the breast table the measured jobs read is uploaded there. */
    static HttpClient uploadedBreast(String base) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        upload(http, base, root.resolve("examples/data/breast_hetero_guest.csv"));
        return http;
    }

    static void run(NodeProc node, Baseline baseline) throws Exception {
        String base = "http://127.0.0.1:" + node.port;
        HttpClient http = uploadedBreast(base);

        List<Target> targets = List.of(
                new Target("POST /v1/job/query (node)", true, base + "/v1/job/query", true, true),
                new Target("POST /v1/echo (bare Armeria JVM)", true,
                        "http://127.0.0.1:" + baseline.port + "/v1/echo", true, true),
                new Target("GET /health (node)", false, base + "/health", false, false),
                new Target("POST /v1/resource/query (node)", true, base + "/v1/resource/query", false, true));

        // ---------------- warm-up
        JobStats warm = new JobStats();
        runSubmitters(http, base, warm, System.nanoTime()); // deadline already passed: one job per client
        out.printf("warm-up jobs: %d submitted, %d success, %d other (%s)%n", warm.submitted.get(),
                warm.success.get(), warm.jobs.size() - warm.success.get(), warm.statuses());
        if (warm.success.get() == 0) {
            throw new IllegalStateException("no warm-up job succeeded: " + warm.jobs);
        }
        for (Target t : targets) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url));
            if (t.post) {
                b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(t.jobBody
                        ? "{\"job_id\": \"" + jobIds.get(0) + "\", \"role\": \"local\", \"party_id\": 0}" : "{}"));
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            out.printf("%s answers HTTP %d, %d body bytes%n", t.name, r.statusCode(), r.body().length);
        }
        // JIT and pools: --warmup-rounds rounds of --warmup s per target while jobs run, as in the window
        JobWindow ww = new JobWindow(http, base, node, warmupS * targets.size() * warmupRounds);
        for (int r = 0; r < warmupRounds; r++) {
            for (Target t : targets) {
                out.println(slice(t, warmupS, "warm-up", node, baseline));
            }
        }
        ww.finish();
        out.printf("warm-up with jobs: %d jobs ended %s%n", ww.stats.jobs.size(), ww.stats.statuses());

        // ---------------- idle (no jobs)
        List<Slice> idle = new ArrayList<>();
        for (int r = 0; r < idleRounds; r++) {
            for (int k = 0; k < targets.size(); k++) {
                Slice s = slice(targets.get((k + r) % targets.size()), sliceS, "idle r" + (r + 1), node, baseline);
                idle.add(s);
                out.println(s);
            }
        }

        // ---------------- job window with the latency slices
        int rounds = Math.max(1, windowS / (sliceS * targets.size()));
        JobWindow jw = new JobWindow(http, base, node, windowS);
        List<Slice> busy = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < targets.size(); k++) {
                Slice s = slice(targets.get((k + r) % targets.size()), sliceS, "jobs r" + (r + 1), node, baseline);
                busy.add(s);
                out.printf("%s; jobs ended so far %d%n", s, jw.stats.jobs.size());
            }
        }
        double latencyS = (System.nanoTime() - jw.start) / 1e9;
        jw.finish();

        // ---------------- job window alone (no latency load)
        JobWindow solo = null;
        if (soloWindow) {
            out.printf("jobs-only window of %d s (no latency clients)...%n", windowS);
            solo = new JobWindow(http, base, node, windowS);
            Thread.sleep(TimeUnit.SECONDS.toMillis(windowS));
            solo.finish();
        }

        // ---------------- report
        jw.report(String.format(Locale.ROOT, "while the %d latency clients run (slices took %.1f s)", latencyClients,
                latencyS));
        if (solo != null) {
            solo.report("alone, no latency clients (after the first window)");
        }
        out.println();
        out.printf("## latency, %d closed-loop clients per slice%n",
                latencyClients);
        report("idle, no jobs", idle, targets);
        report("while the jobs run", busy, targets);

        // pairwise ratios per round (slices of the same round ran within ~" + sliceS * targets.size() + " s)
        out.printf("%n## ratio job/query ÷ baseline per round while the jobs run (p50 / p99)%n");
        out.printf("| round | vs /v1/echo (bare Armeria) | vs /health | vs /v1/resource/query |%n|---|---|---|---|%n");
        List<List<Double>> r50 = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<List<Double>> r99 = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int r = 0; r < rounds; r++) {
            int rr = r;
            List<Slice> inRound = busy.stream().filter(s -> s.label.equals("jobs r" + (rr + 1))).toList();
            Slice q = inRound.stream().filter(s -> s.target == targets.get(0)).findFirst().orElseThrow();
            StringBuilder line = new StringBuilder("| " + (r + 1));
            for (int b = 1; b < targets.size(); b++) {
                int bb = b;
                Slice s = inRound.stream().filter(x -> x.target == targets.get(bb)).findFirst().orElseThrow();
                double a = q.p(50) / s.p(50);
                double c = q.p(99) / s.p(99);
                r50.get(b - 1).add(a);
                r99.get(b - 1).add(c);
                line.append(String.format(Locale.ROOT, " | %.1f× / %.1f×", a, c));
            }
            out.println(line + " |");
        }
        StringBuilder med = new StringBuilder("| median");
        for (int b = 0; b < 3; b++) {
            med.append(String.format(Locale.ROOT, " | %.1f× / %.1f×", median(r50.get(b)), median(r99.get(b))));
        }
        out.println(med + " |");
        out.println("loadavg at the end: " + loadavg());
    }

    /**
     * --queries-only (issue 14, goal 3): no job window. After the warm-up jobs (which also give job/query its
     * ids) and one warm-up slice per target, --rounds rounds of one --slice-second slice per target, order
     * rotating, with no jobs running: job/query's req/s as a ratio of the echo baseline's in the same round, and
     * CPU per request (node JVM + its PostgreSQL for the node's targets, the baseline JVM for echo).
     */
    static void runQueries(NodeProc node, Baseline baseline) throws Exception {
        String base = "http://127.0.0.1:" + node.port;
        HttpClient http = uploadedBreast(base);
        List<Target> targets = List.of(
                new Target("POST /v1/job/query (node)", true, base + "/v1/job/query", true, true),
                new Target("POST /v1/echo (bare Armeria JVM)", true,
                        "http://127.0.0.1:" + baseline.port + "/v1/echo", true, true),
                new Target("POST /v1/resource/query (node)", true, base + "/v1/resource/query", false, true));
        JobStats warm = new JobStats();
        runSubmitters(http, base, warm, System.nanoTime());
        out.printf("jobs to query: %d submitted, %d success (%s)%n", warm.submitted.get(), warm.success.get(),
                warm.statuses());
        if (warm.success.get() == 0) {
            throw new IllegalStateException("no job succeeded: " + warm.jobs);
        }
        HttpResponse<byte[]> one = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/job/query"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"job_id\": \"" + jobIds.get(0) + "\", \"role\": \"local\", \"party_id\": 0}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        out.printf("job/query answers HTTP %d, %d body bytes%n", one.statusCode(), one.body().length);
        for (int r = 0; r < warmupRounds; r++) {
            for (Target t : targets) {
                out.println(slice(t, warmupS, "warm-up", node, baseline));
            }
        }
        List<Slice> all = new ArrayList<>();
        out.printf("%n## job/query vs the echo baseline, %d closed-loop clients, %d s slices, no jobs running%n",
                latencyClients, sliceS);
        out.printf("| round | job/query req/s | echo req/s | resource/query req/s | **req/s ratio job/query ÷ echo** "
                + "| job/query CPU ms/req: node + pg = total | echo CPU ms/req | resource/query CPU ms/req "
                + "| job/query p50 / p99 ms | echo p50 / p99 ms | loadavg |%n|---|---|---|---|---|---|---|---|---|---|---|%n");
        List<Double> ratios = new ArrayList<>();
        List<Double> totals = new ArrayList<>();
        List<Double> nodeMs = new ArrayList<>();
        List<Double> pgMs = new ArrayList<>();
        for (int r = 0; r < queryRounds; r++) {
            Map<Target, Slice> round = new LinkedHashMap<>();
            for (int k = 0; k < targets.size(); k++) {
                Target t = targets.get((k + r) % targets.size());
                Slice s = slice(t, sliceS, "round " + (r + 1), node, baseline);
                out.println(s);
                round.put(t, s);
                all.add(s);
            }
            Slice q = round.get(targets.get(0));
            Slice e = round.get(targets.get(1));
            Slice rq = round.get(targets.get(2));
            double ratio = (q.n / q.measuredS) / (e.n / e.measuredS);
            double qNode = q.nodeCpuS * 1000 / q.n;
            double qPg = q.pgCpuS * 1000 / q.n;
            ratios.add(ratio);
            nodeMs.add(qNode);
            pgMs.add(qPg);
            totals.add(qNode + qPg);
            out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | **%.3f×** | %.3f + %.3f = %.3f | %.3f | %.3f "
                            + "| %.2f / %.2f | %.2f / %.2f | %s |%n", r + 1, q.n / q.measuredS, e.n / e.measuredS,
                    rq.n / rq.measuredS, ratio, qNode, qPg, qNode + qPg, e.baselineCpuS * 1000 / e.n,
                    (rq.nodeCpuS + rq.pgCpuS) * 1000 / rq.n, q.p50 / 1e6, q.p99 / 1e6, e.p50 / 1e6, e.p99 / 1e6,
                    q.loadavg);
        }
        out.printf(Locale.ROOT, "| **median** | | | | **%.3f×** | %.3f + %.3f = **%.3f** | | | | | |%n",
                median(ratios), median(nodeMs), median(pgMs), median(totals));
        long errors = all.stream().mapToLong(s -> s.errors).sum();
        out.println("errors over all slices: " + errors + "; loadavg at the end: " + loadavg());
    }

    static void report(String title, List<Slice> slices, List<Target> targets) {
        out.printf("%n### %s: median over its slices of each slice's percentile (%s client)%n", title, client);
        out.printf("| target | slices | requests | req/s | errors | p50 | p90 | p99 | max | p50 ratio | p99 ratio "
                + "| server JVM CPU ms/req | node's pg CPU ms/req |%n|---|---|---|---|---|---|---|---|---|---|---|---|---|%n");
        Target q = targets.get(0);
        for (Target t : targets) {
            List<Slice> ts = slices.stream().filter(s -> s.target == t).toList();
            double secs = ts.stream().mapToDouble(s -> s.measuredS).sum();
            long n = ts.stream().mapToLong(s -> s.n).sum();
            long errors = ts.stream().mapToLong(s -> s.errors).sum();
            String ratio = t == q ? "| – | – |" : String.format(Locale.ROOT, "| %.1f× | %.1f× |",
                    medP(slices, q, 50) / medP(slices, t, 50), medP(slices, q, 99) / medP(slices, t, 99));
            boolean echo = t == targets.get(1);
            double nodeCpu = ts.stream().mapToDouble(s -> echo ? s.baselineCpuS : s.nodeCpuS).sum();
            double pgCpu = ts.stream().mapToDouble(s -> s.pgCpuS).sum();
            out.printf(Locale.ROOT, "| %s | %d | %d | %.0f | %d | %.2f | %.2f | %.2f | %.2f %s %.3f | %.3f |%n", t.name,
                    ts.size(), n, n / secs, errors, medP(slices, t, 50) / 1e6, medP(slices, t, 90) / 1e6,
                    medP(slices, t, 99) / 1e6, ts.stream().mapToDouble(s -> s.max).max().orElse(Double.NaN) / 1e6,
                    ratio, nodeCpu * 1000 / n, pgCpu * 1000 / n);
        }
        out.println("(ms; ratio = job/query ÷ target; max = largest of all its slices; CPU per request = CPU "
                + "of the serving JVM (the baseline JVM for /v1/echo, else the node) and of the node's PostgreSQL over "
                + "the target's slices ÷ its requests; while jobs run the node's figures include the jobs' work)");
        if (slices.stream().anyMatch(s -> s.nanos == null)) {
            return;
        }
        out.printf("%n### %s: all samples of a target pooled%n", title);
        out.printf("| target | p50 | p90 | p99 | p50 ratio | p99 ratio |%n|---|---|---|---|---|---|%n");
        Map<Target, long[]> pooled = new LinkedHashMap<>();
        for (Target t : targets) {
            pooled.put(t, slices.stream().filter(s -> s.target == t).flatMapToLong(s -> Arrays.stream(s.nanos))
                    .sorted().toArray());
        }
        long[] qv = pooled.get(q);
        for (Target t : targets) {
            long[] v = pooled.get(t);
            String ratio = t == q ? "| – | – |" : String.format(Locale.ROOT, "| %.1f× | %.1f× |",
                    pctOf(qv, 50) / pctOf(v, 50), pctOf(qv, 99) / pctOf(v, 99));
            out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f %s%n", t.name, pctOf(v, 50) / 1e6, pctOf(v, 90) / 1e6,
                    pctOf(v, 99) / 1e6, ratio);
        }
    }

    static double medP(List<Slice> slices, Target t, double q) {
        return median(slices.stream().filter(s -> s.target == t).map(s -> s.p(q)).toList());
    }

    // ------------------------------------------------------------------ jobs

    /** --clients submitters for --window seconds from construction; finish() waits for the drain. */
    static final class JobWindow {
        final JobStats stats = new JobStats();
        final long start = System.nanoTime();
        final long startMs = System.currentTimeMillis();
        final int seconds;
        final long deadline;
        final NodeProc node;
        final long cpu0;
        final Thread submitters;
        long end;
        long cpu;

        JobWindow(HttpClient http, String base, NodeProc node, int seconds) {
            this.node = node;
            this.seconds = seconds;
            this.deadline = start + TimeUnit.SECONDS.toNanos(seconds);
            this.cpu0 = cpuTicks(node.process.pid()) + pgTicks(node.dir);
            submitters = new Thread(() -> {
                try {
                    runSubmitters(http, base, stats, deadline);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "submitters");
            submitters.start();
        }

        void finish() throws InterruptedException {
            submitters.join();
            end = System.nanoTime();
            cpu = cpuTicks(node.process.pid()) + pgTicks(node.dir) - cpu0;
        }

        void report(String title) {
            double elapsedS = (end - start) / 1e9;
            long successInWindow = stats.jobs.stream().filter(j -> j.status.equals("success")
                    && j.endMs > 0 && j.endMs <= startMs + seconds * 1000L).count();
            out.println();
            out.printf(Locale.ROOT, "## jobs %s: %d submitters, window %d s, drained %.1f s after it%n", title,
                    clients, seconds, (end - deadline) / 1e9);
            out.printf("| what | value |%n|---|---|%n");
            out.printf("| jobs submitted in the window | %d |%n", stats.submitted.get());
            out.printf("| submit refused or client error (retcode != 0, HTTP error) | %d |%n", stats.refused.get());
            out.printf("| jobs ended success | %d |%n", stats.success.get());
            out.printf("| jobs ended otherwise | %d %s |%n", stats.jobs.size() - stats.success.get(),
                    stats.statuses());
            out.printf(Locale.ROOT, "| **jobs/min: successes / (window + drain = %.1f s) × 60** | **%.1f** |%n",
                    elapsedS, stats.success.get() / elapsedS * 60);
            out.printf("| successes that ended inside the %d s window | %d |%n", seconds, successInWindow);
            out.printf(Locale.ROOT, "| node + its PostgreSQL CPU over window + drain, s (of %.0f core-s) | %.1f |%n",
                    elapsedS * Runtime.getRuntime().availableProcessors(), cpu / 100.0);
            List<Job> ok = stats.jobs.stream().filter(j -> j.status.equals("success")).toList();
            if (!ok.isEmpty()) {
                out.printf("%n| per successful job, ms | p50 | p99 | max |%n|---|---|---|---|%n");
                pct("submit call (client)", ok.stream().mapToLong(j -> j.submitMs).toArray());
                pct("queued: f_start_time − f_create_time", ok.stream().mapToLong(j -> j.startMs - j.createMs)
                        .toArray());
                pct("ran: f_end_time − f_start_time", ok.stream().mapToLong(j -> j.endMs - j.startMs).toArray());
                pct("submit → client saw success (incl. poll delay)", ok.stream().mapToLong(j -> j.observedMs)
                        .toArray());
            }
            if (!stats.failures.isEmpty()) {
                out.println("failures (first 10): " + stats.failures.subList(0, Math.min(10, stats.failures.size())));
            }
        }
    }

    static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}}}}""";

    static final String CONF = """
            {"dsl_version": 2, "initiator": {"role": "local", "party_id": 0}, "role": {"local": [0]},
             "job_parameters": {"common": {"task_cores": 1}},
             "component_parameters": {
               "role": {"local": {"0": {"reader_0": {"table": {"name": "breast_hetero_guest", "namespace": "experiment"}},
                                        "data_transform_0": {"with_label": true, "label_name": "y"}}}}}}""";

    static final List<String> jobIds = new CopyOnWriteArrayList<>();

    record Job(String id, String status, long submitMs, long observedMs, long createMs, long startMs, long endMs) {}

    static final class JobStats {
        final AtomicLong submitted = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong success = new AtomicLong();
        final List<Job> jobs = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();

        Map<String, Long> statuses() {
            Map<String, Long> m = new LinkedHashMap<>();
            jobs.forEach(j -> m.merge(j.status, 1L, Long::sum));
            return m;
        }
    }

    /** --clients threads; each submits, awaits the end, and repeats while before the deadline (at least once). */
    static void runSubmitters(HttpClient http, String base, JobStats stats, long deadline) throws InterruptedException {
        List<Thread> ts = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                do {
                    try {
                        submitAndAwait(http, base, stats);
                    } catch (Exception e) {
                        stats.refused.incrementAndGet();
                        stats.failures.add(e.toString());
                        sleep(pollMs);
                    }
                } while (System.nanoTime() < deadline);
            }, "submitter-" + c);
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    static void submitAndAwait(HttpClient http, String base, JobStats stats) throws Exception {
        long t0 = System.nanoTime();
        JsonNode r = post(http, base + "/v1/job/submit", "{\"job_dsl\": " + DSL + ", \"job_runtime_conf\": " + CONF + "}");
        long submitMs = (System.nanoTime() - t0) / 1_000_000;
        if (r.path("retcode").asInt(-1) != 0) {
            stats.refused.incrementAndGet();
            stats.failures.add("submit: " + r);
            sleep(pollMs);
            return;
        }
        stats.submitted.incrementAndGet();
        String id = r.path("jobId").asText();
        jobIds.add(id);
        String body = "{\"job_id\": \"" + id + "\", \"role\": \"local\", \"party_id\": 0}";
        long limit = t0 + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            JsonNode q = post(http, base + "/v1/job/query", body);
            JsonNode row = q.path("data").path(0);
            String status = row.path("f_status").asText();
            if (END.contains(status)) {
                Job j = new Job(id, status, submitMs, (System.nanoTime() - t0) / 1_000_000,
                        row.path("f_create_time").asLong(), row.path("f_start_time").asLong(),
                        row.path("f_end_time").asLong());
                stats.jobs.add(j);
                if (status.equals("success")) {
                    stats.success.incrementAndGet();
                } else {
                    stats.failures.add(id + " " + status + ": " + row.path("f_error_report").asText(""));
                }
                return;
            }
            if (System.nanoTime() > limit) {
                stats.jobs.add(new Job(id, "stuck:" + status, submitMs, -1, 0, 0, 0));
                stats.failures.add(id + " still " + status + " after 5 min");
                return;
            }
            sleep(pollMs);
        }
    }

    static JsonNode post(HttpClient http, String url, String body) throws Exception {
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new IOException("HTTP " + resp.statusCode() + " from " + url + ": " + resp.body());
        }
        return JSON.readTree(resp.body());
    }

    static void upload(HttpClient http, String base, Path file) throws Exception {
        String conf = "{\"file\": \"" + file.getFileName() + "\", \"id_delimiter\": \",\", \"head\": 1, "
                + "\"partition\": 4, \"namespace\": \"experiment\", \"table_name\": \"breast_hetero_guest\", \"drop\": 1}";
        String boundary = HexFormat.of().formatHex(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/data/upload?"
                        + requestsQuote(conf)))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
                        HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString(tail)))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode r = JSON.readTree(resp.body());
        if (r.path("retcode").asInt(-1) != 0) {
            throw new IllegalStateException("upload failed: " + resp.body());
        }
        out.println("uploaded " + file.getFileName() + " as experiment.breast_hetero_guest: " + r.path("data"));
    }

    // ------------------------------------------------------------------ latency

    record Target(String name, boolean post, String url, boolean jobBody, boolean checkRetcode) {}

    static final class Slice {
        Target target;
        String label;
        long[] nanos; // every sample, sorted (java client only)
        long n;
        double p50;
        double p90;
        double p99;
        double max; // ns
        long errors;
        double measuredS;
        double nodeCpuS; // node JVM
        double pgCpuS; // its embedded PostgreSQL
        double baselineCpuS;
        double benchCpuS;
        String firstError;
        String loadavg = loadavg().split(" ")[0];

        double p(double q) {
            return q == 50 ? p50 : q == 90 ? p90 : q == 99 ? p99 : Double.NaN;
        }

        void fromSamples(long[] sorted) {
            nanos = sorted;
            n = sorted.length;
            p50 = pctOf(sorted, 50);
            p90 = pctOf(sorted, 90);
            p99 = pctOf(sorted, 99);
            max = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-9s %-34s n=%6d (%5.0f/s) err=%d p50=%6.2f p90=%6.2f p99=%7.2f ms; "
                            + "CPU s: node JVM %.1f, its pg %.1f, baseline %.1f, bench+client %.1f; load %s%s", label,
                    target.name, n, n / measuredS, errors, p50 / 1e6, p90 / 1e6, p99 / 1e6, nodeCpuS, pgCpuS,
                    baselineCpuS, benchCpuS,
                    loadavg,
                    firstError == null ? "" : "; first error: " + firstError);
        }
    }

    static Slice slice(Target t, int seconds, String label, NodeProc node, Baseline baseline) throws Exception {
        long node0 = cpuTicks(node.process.pid());
        long pg0 = pgTicks(node.dir);
        long base0 = cpuTicks(baseline.process.pid());
        long self0 = selfAndReapedTicks();
        Slice s = client.equals("wrk") ? wrkSlice(t, seconds) : javaSlice(t, seconds);
        s.target = t;
        s.label = label;
        s.nodeCpuS = (cpuTicks(node.process.pid()) - node0) / 100.0;
        s.pgCpuS = (pgTicks(node.dir) - pg0) / 100.0;
        s.baselineCpuS = (cpuTicks(baseline.process.pid()) - base0) / 100.0;
        s.benchCpuS = (selfAndReapedTicks() - self0) / 100.0;
        return s;
    }

    /**
     * wrk -t2 -c(latency clients) for `seconds` (wrk 4.1: closed loop, one request in flight per connection,
     * latency from write to full response). The Lua script gives job/query and echo a random job id of this
     * run and checks `"retcode":0` in every body; wrk itself counts non-2xx. No ramp is dropped.
     */
    static Slice wrkSlice(Target t, int seconds) throws Exception {
        Path ids = work.resolve("jobs-bench-ids.txt");
        Files.write(ids, new ArrayList<>(jobIds));
        Path script = work.resolve("jobs-bench.lua");
        Files.writeString(script, WRK_LUA);
        ProcessBuilder pb = new ProcessBuilder("wrk", "-t2", "-c" + latencyClients, "-d" + seconds + "s",
                "--timeout", "30s", "-s", script.toString(), t.url);
        pb.environment().put("JB_KIND", !t.post ? "get" : t.jobBody ? "job" : "empty");
        pb.environment().put("JB_CHECK", t.checkRetcode ? "1" : "0");
        pb.environment().put("JB_IDS", ids.toString());
        pb.redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        long t1 = System.nanoTime();
        Slice s = new Slice();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("JBRESULT ([0-9 .e+-]+)").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("wrk gave no result:\n" + text);
        }
        String[] f = m.group(1).trim().split(" ");
        s.n = Long.parseLong(f[0]);
        s.measuredS = Long.parseLong(f[1]) / 1e6;
        long connect = Long.parseLong(f[2]), read = Long.parseLong(f[3]), write = Long.parseLong(f[4]);
        long status = Long.parseLong(f[5]), timeout = Long.parseLong(f[6]), bad = Long.parseLong(f[7]);
        s.errors = connect + read + write + status + timeout + bad;
        if (s.errors > 0) {
            s.firstError = "connect " + connect + " read " + read + " write " + write + " status " + status
                    + " timeout " + timeout + " bad body " + bad;
        }
        s.p50 = Double.parseDouble(f[8]) * 1000;
        s.p90 = Double.parseDouble(f[9]) * 1000;
        s.p99 = Double.parseDouble(f[10]) * 1000;
        s.max = Double.parseDouble(f[11]) * 1000;
        if (s.measuredS <= 0) {
            s.measuredS = (t1 - t0) / 1e9;
        }
        return s;
    }

    static final String WRK_LUA = """
            -- generated by bench/JobsBench.java
            local kind = os.getenv("JB_KIND")
            local check = os.getenv("JB_CHECK") == "1"
            local ids = {}
            local threads = {}
            bad = 0
            setup = function(thread)
              table.insert(threads, thread)
              thread:set("tid", #threads)
            end
            init = function(args)
              if kind == "job" then
                for line in io.lines(os.getenv("JB_IDS")) do ids[#ids + 1] = line end
              end
              math.randomseed(os.time() * 7919 + (tid or 0))
            end
            if kind == "job" then
              local headers = {["Content-Type"] = "application/json"}
              request = function()
                local id = ids[math.random(#ids)]
                return wrk.format("POST", nil, headers,
                  '{"job_id": "' .. id .. '", "role": "local", "party_id": 0}')
              end
            elseif kind == "empty" then
              wrk.method = "POST"
              wrk.body = "{}"
              wrk.headers["Content-Type"] = "application/json"
            end
            if check then
              response = function(status, headers, body)
                if status ~= 200 or not string.find(body, '"retcode":0', 1, true) then bad = bad + 1 end
              end
            end
            done = function(summary, latency, requests)
              local b = 0
              for _, t in ipairs(threads) do b = b + (t:get("bad") or 0) end
              local e = summary.errors
              io.write(string.format("JBRESULT %d %d %d %d %d %d %d %d %d %d %d %d\\n", summary.requests,
                summary.duration, e.connect, e.read, e.write, e.status, e.timeout, b,
                latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
            end
            """;

    /** --latency-clients threads hammer one target for `seconds`; samples of the first rampMs are dropped. */
    static Slice javaSlice(Target t, int seconds) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(rampMs);
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long[][] per = new long[latencyClients][];
        int[] counts = new int[latencyClients];
        AtomicLong errors = new AtomicLong();
        String[] firstError = new String[1];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < latencyClients; c++) {
            int ci = c;
            per[c] = new long[4096];
            Thread th = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (true) {
                    long now = System.nanoTime();
                    if (now >= end) {
                        return;
                    }
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url)).timeout(Duration.ofSeconds(30));
                    if (t.post) {
                        String body = "{}";
                        if (t.jobBody) {
                            String id = jobIds.get(rnd.nextInt(jobIds.size()));
                            body = "{\"job_id\": \"" + id + "\", \"role\": \"local\", \"party_id\": 0}";
                        }
                        b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
                    }
                    boolean ok;
                    String err = null;
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                        ok = r.statusCode() == 200 && (!t.checkRetcode || r.body().contains("\"retcode\":0"));
                        if (!ok) {
                            err = "HTTP " + r.statusCode() + " " + r.body().substring(0, Math.min(200, r.body().length()));
                        }
                    } catch (Exception e) {
                        ok = false;
                        err = e.toString();
                    }
                    long dt = System.nanoTime() - t0;
                    if (t0 < measureFrom) {
                        continue;
                    }
                    if (!ok) {
                        errors.incrementAndGet();
                        synchronized (firstError) {
                            if (firstError[0] == null) {
                                firstError[0] = err;
                            }
                        }
                        continue;
                    }
                    if (counts[ci] == per[ci].length) {
                        per[ci] = Arrays.copyOf(per[ci], per[ci].length * 2);
                    }
                    per[ci][counts[ci]++] = dt;
                }
            }, "latency-" + c);
            threads.add(th);
        }
        threads.forEach(Thread::start);
        for (Thread th : threads) {
            th.join();
        }
        long stop = System.nanoTime();
        Slice s = new Slice();
        s.measuredS = (stop - measureFrom) / 1e9;
        s.errors = errors.get();
        s.firstError = firstError[0];
        int n = Arrays.stream(counts).sum();
        long[] all = new long[n];
        int k = 0;
        for (int c = 0; c < latencyClients; c++) {
            System.arraycopy(per[c], 0, all, k, counts[c]);
            k += counts[c];
        }
        Arrays.sort(all);
        s.fromSamples(all);
        return s;
    }

    // ------------------------------------------------------------------ the baseline server (its own JVM)

    /** One annotated JSON POST route on a bare Armeria server: parse the body, answer a small envelope. */
    public static final class Echo {
        @Post("/v1/echo")
        @ProducesJson
        public ObjectNode echo(JsonNode body) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.putObject("data").put("job_id", body.path("job_id").asText());
            o.put("retcode", 0);
            o.put("retmsg", "success");
            return o;
        }
    }

    static void serveBaseline(int port) throws Exception {
        Server server = Server.builder().http(port).annotatedService(new Echo()).build();
        server.start().join();
        System.out.println("baseline ready on " + port);
        Thread.currentThread().join();
    }

    static final class Baseline {
        Process process;
        int port;

        static Baseline start() throws Exception {
            Baseline b = new Baseline();
            b.port = freePort();
            String java = ProcessHandle.current().info().command().orElse("java");
            Path self = root.resolve("bench/JobsBench.java");
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    self.toString(), "--serve-baseline", String.valueOf(b.port));
            Path log = work.resolve("jobs-bench-baseline.log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            b.process = pb.start();
            awaitHealthy(b.process, "http://127.0.0.1:" + b.port + "/v1/echo", true, log);
            return b;
        }
    }

    // ------------------------------------------------------------------ node process

    static final class NodeProc {
        Process process;
        Path dir;
        int port;
        long startMs;

        static NodeProc start(Path dir) throws Exception {
            NodeProc n = new NodeProc();
            n.dir = dir;
            n.port = freePort();
            ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/fedflow-node").toString(),
                    "--data-dir", dir.toString(), "--http-port", String.valueOf(n.port),
                    "--site-port", String.valueOf(freePort()), "--cores", String.valueOf(cores));
            if (nodeJavaOpts != null) {
                pb.environment().put("FEDFLOW_JAVA_OPTS", nodeJavaOpts);
            }
            Path log = work.resolve("node-jobs.log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            long t0 = System.nanoTime();
            n.process = pb.start();
            awaitHealthy(n.process, "http://127.0.0.1:" + n.port + "/health", false, log);
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

    static void awaitHealthy(Process p, String url, boolean post, Path log) throws Exception {
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2));
        if (post) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
        }
        HttpRequest req = b.build();
        long t0 = System.nanoTime();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("process exited with " + p.exitValue() + "; see " + log);
            }
            try {
                if (c.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(3)) {
                p.destroyForcibly();
                throw new IllegalStateException("not healthy after 3 min; see " + log);
            }
            Thread.sleep(50);
        }
    }

    // ------------------------------------------------------------------ helpers

    static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, exe)));
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** utime + stime of the whole process (all threads), in clock ticks (100 Hz on Linux). */
    static long cpuTicks(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** This JVM plus its reaped children (wrk), in clock ticks. */
    static long selfAndReapedTicks() {
        try {
            String s = Files.readString(Path.of("/proc/self/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** CPU of the embedded PostgreSQL: the postmaster, its live children and (cutime/cstime) reaped ones. */
    static long pgTicks(Path dir) {
        try {
            long pm = Long.parseLong(Files.readAllLines(dir.resolve("pg/postmaster.pid")).get(0).trim());
            String s = Files.readString(Path.of("/proc/" + pm + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long total = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            for (ProcessHandle c : ProcessHandle.of(pm).map(h -> h.children().toList()).orElse(List.of())) {
                total += cpuTicks(c.pid());
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static double pctOf(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static void pct(String name, long[] v) {
        Arrays.sort(v);
        out.printf("| %s | %.0f | %.0f | %d |%n", name, pctOf(v, 50), pctOf(v, 99), v[v.length - 1]);
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
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
}
