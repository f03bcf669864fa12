import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Memory bench of issue 14 goal 2 (run on demand, see bench/memory-bench.sh): per table size N, a two-party
 * Reader → DataTransform → Intersection (raw, sha256) → HeteroFeatureBinning → HeteroLR (3 iterations,
 * Paillier 1024) on bench/GenWide.java's N x 30 tables, with the guest (9999) and the host (10000, also the
 * arbiter, as in examples/breast_pipeline_conf.json) each a java process of its own ({@code -Xmx1g} by default,
 * exiting on OutOfMemoryError) with its own embedded PostgreSQL under the work directory. Both are started
 * afresh for each N (peak RSS is a high-water mark), peered over their /v1 API on random free ports.
 *
 * <p>Samples every 500 ms: each java process's VmRSS and VmHWM (/proc/PID/status), the proportional set size
 * (Pss, /proc/PID/smaps_rollup, so shared buffers count once) summed over the postgres processes of the node's
 * data directory, and which components run at each party. The JVM's heap after each collection comes from its
 * -Xlog:gc file; every {@code --mark-every-seconds} (default 60, 0 for never) and at the job's end a forced full
 * collection ({@code jcmd PID GC.run}) at each node gives its live heap ({@code GC.heap_info}). Reports per N: upload times, submit → success at the guest, each component's elapsed time per
 * party, peaks, and per-row figures. Fails (exit 1) naming the node and the component that ran when a node
 * process dies or the job fails.
 */
public class MemoryBench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final Set<String> END = Set.of("success", "failed", "canceled", "timeout");
    static final String[] COMPONENTS = {"reader_0", "data_transform_0", "intersection_0", "hetero_feature_binning_0",
            "hetero_lr_0"};

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".").toAbsolutePath().normalize();
        Path work = null;
        Path cpFile = null;
        List<Long> sizes = List.of(10_000L, 100_000L);
        String xmx = "1g";
        long seed = 14;
        int batchSize = 20_000;
        int timeoutMinutes = 120;
        int markEverySeconds = 60;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--work" -> work = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--classpath-file" -> cpFile = Path.of(args[++i]);
                case "--rows" -> sizes = Stream.of(args[++i].split(",")).map(s -> Long.parseLong(s.strip()
                        .replace("_", "").replace("k", "000").replace("M", "000000"))).toList();
                case "--xmx" -> xmx = args[++i];
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--batch-size" -> batchSize = Integer.parseInt(args[++i]);
                case "--timeout-minutes" -> timeoutMinutes = Integer.parseInt(args[++i]);
                case "--mark-every-seconds" -> markEverySeconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (work == null) {
            work = root.resolve("bench/work/memory");
        }
        Files.createDirectories(work);
        String cp = Files.readString(cpFile).strip();
        System.out.printf("memory bench %s: rows %s, -Xmx%s, HeteroLR batch_size %d, seed %d, nproc %d, load %s, "
                        + "java %s%n", Instant.now(), sizes, xmx, batchSize, seed,
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip(),
                System.getProperty("java.version"));
        List<Result> results = new ArrayList<>();
        for (long n : sizes) {
            Path data = work.resolve("data");
            if (!Files.exists(data.resolve("wide_guest_" + n + ".csv"))
                    || !Files.exists(data.resolve("wide_host_" + n + ".csv"))) {
                run(work.resolve("gen-" + n + ".log"), "java", "-Xmx256m", root.resolve("bench/GenWide.java")
                        .toString(), "--rows", Long.toString(n), "--seed", Long.toString(seed), "--out", data.toString());
            }
            results.add(runSize(n, work, data, cp, xmx, batchSize, timeoutMinutes, markEverySeconds));
        }
        System.out.println();
        System.out.println("| rows | job wall s | µs/row | guest peak RSS MB | host peak RSS MB | guest heap after GC MB "
                + "| host heap after GC MB | guest PG MB | host PG MB | guest RSS KB/1k rows | host RSS KB/1k rows |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %,d | %.1f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %.1f |%n",
                    r.rows, r.wallSeconds, r.wallSeconds * 1e6 / r.rows, r.guest.hwmKb / 1024.0, r.host.hwmKb / 1024.0,
                    r.guest.heapAfterGcMb, r.host.heapAfterGcMb, r.guest.pgPeakKb / 1024.0, r.host.pgPeakKb / 1024.0,
                    r.guest.hwmKb * 1000.0 / r.rows, r.host.hwmKb * 1000.0 / r.rows);
        }
    }

    record Result(long rows, double wallSeconds, NodeProc guest, NodeProc host) {}

    static Result runSize(long n, Path work, Path data, String cp, String xmx, int batchSize, int timeoutMinutes,
                          int markEverySeconds) throws Exception {
        System.out.printf("%n== %,d rows ==%n", n);
        try (NodeProc guest = NodeProc.start("9999", work, cp, xmx, n);
             NodeProc host = NodeProc.start("10000", work, cp, xmx, n)) {
            guest.awaitUp();
            host.awaitUp();
            peer(guest, host);
            peer(host, guest);
            String gt = "wide_guest_" + n;
            String ht = "wide_host_" + n;
            check(post(host.base() + "/v1/permission/grant", "{\"party_id\": \"9999\", \"component\": \"*\", "
                    + "\"dataset\": [{\"namespace\": \"experiment\", \"name\": \"" + ht + "\"}]}"));
            upload(guest, data.resolve(gt + ".csv"), gt);
            upload(host, data.resolve(ht + ".csv"), ht);
            Sampler sampler = new Sampler(List.of(guest, host));
            Thread t = new Thread(sampler, "sampler");
            t.setDaemon(true);
            t.start();
            long t0 = System.nanoTime();
            JsonNode sub = check(post(guest.base() + "/v1/job/submit", submitBody(gt, ht, batchSize)));
            String jobId = sub.get("jobId").asText();
            sampler.jobId = jobId;
            Marker marker = new Marker(List.of(guest, host), sampler, markEverySeconds, work);
            Thread mt = new Thread(marker, "marker");
            mt.setDaemon(true);
            if (markEverySeconds > 0) {
                mt.start();
            }
            System.out.println("job " + jobId + " submitted at the guest");
            long deadline = System.nanoTime() + timeoutMinutes * 60_000_000_000L;
            String status;
            while (true) {
                for (NodeProc p : List.of(guest, host)) {
                    if (!p.process.isAlive()) {
                        sampler.stop.set(true);
                        fail(p, sampler, "died (exit code " + p.process.exitValue() + ")");
                    }
                }
                try {
                    status = post(guest.base() + "/v1/job/query", "{\"job_id\": \"" + jobId + "\"}")
                            .at("/data/0/f_status").asText("");
                } catch (IOException e) {
                    // the guest going away: name it (and what it ran) rather than the refused connection
                    guest.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
                    if (!guest.process.isAlive()) {
                        sampler.stop.set(true);
                        fail(guest, sampler, "died (exit code " + guest.process.exitValue() + ")");
                    }
                    throw e;
                }
                if (END.contains(status) || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(500);
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            marker.stop.set(true);
            mt.interrupt();
            mt.join();
            sampler.stop.set(true);
            t.join();
            // the live heap once the job is over: what stays after a full collection
            for (NodeProc p : List.of(guest, host)) {
                marker.mark(p, "end of job");
            }
            if (!"success".equals(status)) {
                if (!END.contains(status)) {
                    // a partial run (--timeout-minutes shorter than the job) still says what memory it took so far
                    System.out.printf(Locale.ROOT, "stopped by --timeout-minutes after %.1f s; memory so far:%n", wall);
                    printMemory(List.of(guest, host), xmx, n);
                }
                fail(guest, sampler, "job " + jobId + " ended " + (status.isEmpty() ? "(timeout of the bench)" : status)
                        + " at the guest");
            }
            System.out.printf(Locale.ROOT, "submit → success at the guest: %.1f s (%.1f µs per row)%n", wall,
                    wall * 1e6 / n);
            Map<String, Map<String, Long>> elapsed = new LinkedHashMap<>();
            for (String c : COMPONENTS) {
                elapsed.put(c, new LinkedHashMap<>());
            }
            for (Object[] at : new Object[][] {{guest, "guest"}, {host, "host"}, {host, "arbiter"}}) {
                for (JsonNode task : post(((NodeProc) at[0]).base() + "/v1/job/task/query", "{\"job_id\": \""
                        + jobId + "\", \"role\": \"" + at[1] + "\"}").path("data")) {
                    elapsed.computeIfAbsent(task.path("f_component_name").asText(), k -> new LinkedHashMap<>())
                            .putIfAbsent((String) at[1], task.path("f_elapsed").asLong());
                }
            }
            elapsed.forEach((c, v) -> System.out.println("  " + c + ": " + v + " ms"));
            printMemory(List.of(guest, host), xmx, n);
            return new Result(n, wall, guest, host);
        }
    }

    static void printMemory(List<NodeProc> nodes, String xmx, long n) throws IOException {
        for (NodeProc p : nodes) {
            p.heapAfterGcMb = p.maxHeapAfterGcMb();
            System.out.printf(Locale.ROOT, "  party %s: peak RSS (VmHWM) %.0f MB, heap after GC at most %.0f MB "
                            + "(-Xmx%s), its embedded PostgreSQL at most %.0f MB (Pss over %d processes)%n",
                    p.party, p.hwmKb / 1024.0, p.heapAfterGcMb, xmx, p.pgPeakKb / 1024.0, p.pgProcesses);
            System.out.printf(Locale.ROOT, "    peak RSS per row %.0f bytes; peak RSS per component %s%n",
                    p.hwmKb * 1024.0 / n, p.peakByComponent);
            if (!p.liveMb.isEmpty()) {
                System.out.printf(Locale.ROOT, "    live heap after each forced full GC (MB): %s%n", p.liveMb.stream()
                        .map(v -> String.format(Locale.ROOT, "%.1f", v)).toList());
            }
        }
    }

    static void fail(NodeProc p, Sampler s, String what) throws IOException {
        String running = s.running.getOrDefault(p.party, "nothing (or before the first sample)");
        System.out.println("FAILED: party " + p.party + " " + what + " while running " + running
                + "; components running at each party at the last sample: " + s.running);
        List<String> lines = Files.readAllLines(p.log);
        boolean oom = lines.stream().anyMatch(l -> l.contains("OutOfMemoryError"));
        System.out.println("  " + (oom ? "OutOfMemoryError in its log " : "its log ") + p.log + ", last lines:");
        lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> System.out.println("    " + l));
        System.exit(1);
    }

    static String submitBody(String guestTable, String hostTable, int batchSize) {
        String dsl = """
                {"components": {
                  "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
                  "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                    "output": {"data": ["data"], "model": ["model"]}},
                  "intersection_0": {"module": "Intersection", "input": {"data": {"data": ["data_transform_0.data"]}},
                    "output": {"data": ["data"]}},
                  "hetero_feature_binning_0": {"module": "HeteroFeatureBinning",
                    "input": {"data": {"data": ["intersection_0.data"]}}, "output": {"data": ["data"], "model": ["model"]}},
                  "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"train_data": ["hetero_feature_binning_0.data"]}},
                    "output": {"data": ["data"], "model": ["model"]}}}}""";
        String conf = """
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
                 "role": {"guest": [9999], "host": [10000], "arbiter": [10000]},
                 "job_parameters": {"common": {"task_cores": 1, "timeout": 86400}},
                 "component_parameters": {
                   "common": {
                     "intersection_0": {"intersect_method": "raw", "sync_intersect_ids": true, "only_output_key": false,
                                        "with_encode": true, "encode_params": {"encode_method": "sha256"}},
                     "hetero_feature_binning_0": {"transform_param": {"transform_type": null}},
                     "hetero_lr_0": {"penalty": "L2", "optimizer": "rmsprop", "alpha": 0.01, "max_iter": 3,
                                     "batch_size": BATCH, "learning_rate": 0.15, "init_param": {"init_method": "zeros"},
                                     "encrypt_param": {"method": "Paillier", "key_length": 1024}}},
                   "role": {
                     "guest": {"0": {"reader_0": {"table": {"name": "GUEST", "namespace": "experiment"}},
                                     "data_transform_0": {"with_label": true, "label_name": "y", "label_type": "int",
                                                          "output_format": "dense"}}},
                     "host": {"0": {"reader_0": {"table": {"name": "HOST", "namespace": "experiment"}},
                                    "data_transform_0": {"with_label": false, "output_format": "dense"}}}}}}"""
                .replace("BATCH", Integer.toString(batchSize)).replace("GUEST", guestTable).replace("HOST", hostTable);
        return "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": " + conf + "}";
    }

    static void peer(NodeProc at, NodeProc other) throws IOException {
        String key = check(post(other.base() + "/v1/site/key", "{}")).at("/data/public_key_base64").asText();
        ObjectNode body = JSON.createObjectNode().put("party_id", other.party).put("host", "127.0.0.1")
                .put("port", other.sitePort).put("public_key", key);
        check(post(at.base() + "/v1/site/peer/add", body.toString()));
    }

    /** One node: a java process of its own, its data directory kept across runs (its database is reused). */
    static final class NodeProc implements AutoCloseable {
        final String party;
        final Path dataDir;
        final Path log;
        final Path gcLog;
        final int httpPort;
        final int sitePort;
        final Process process;
        volatile long hwmKb;
        volatile long pgPeakKb;
        volatile int pgProcesses;
        double heapAfterGcMb;
        final Map<String, Long> peakByComponent = new TreeMap<>();
        /** The live heap (MB) after each forced full collection, in order. */
        final List<Double> liveMb = new java.util.concurrent.CopyOnWriteArrayList<>();

        NodeProc(String party, Path dataDir, Path log, Path gcLog, int httpPort, int sitePort, Process process) {
            this.party = party;
            this.dataDir = dataDir;
            this.log = log;
            this.gcLog = gcLog;
            this.httpPort = httpPort;
            this.sitePort = sitePort;
            this.process = process;
        }

        static NodeProc start(String party, Path work, String cp, String xmx, long rows) throws IOException {
            Path dataDir = work.resolve(party);
            Path log = work.resolve("node-" + party + "-" + rows + ".log");
            Path gcLog = work.resolve("gc-" + party + "-" + rows + ".log");
            Files.deleteIfExists(gcLog);
            int http = freePort();
            int site = freePort();
            List<String> cmd = List.of("java", "-Xmx" + xmx, "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + gcLog,
                    "--add-opens", "java.base/java.math=ALL-UNNAMED",
                    "-cp", cp, "io.fedflow.node.NodeMain", "--party-id", party, "--http-port", Integer.toString(http),
                    "--site-port", Integer.toString(site), "--data-dir", dataDir.toString(), "--cores", "4");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            System.out.printf("party %s: pid %d, http %d, site %d, data %s, log %s%n", party, p.pid(), http, site,
                    dataDir, log);
            return new NodeProc(party, dataDir, log, gcLog, http, site, p);
        }

        String base() {
            return "http://127.0.0.1:" + httpPort;
        }

        void awaitUp() throws Exception {
            long deadline = System.nanoTime() + 300_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("party " + party + " exited at start; see " + log);
                }
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/health"))
                            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            throw new IllegalStateException("party " + party + " not up in 300 s; see " + log);
        }

        static final Pattern GC = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

        double maxHeapAfterGcMb() throws IOException {
            if (!Files.exists(gcLog)) {
                return Double.NaN;
            }
            double max = 0;
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = GC.matcher(line);
                if (m.find()) {
                    max = Math.max(max, mb(Long.parseLong(m.group(3)), m.group(4)));
                }
            }
            return max;
        }

        static double mb(long v, String unit) {
            return switch (unit) {
                case "K" -> v / 1024.0;
                case "G" -> v * 1024.0;
                default -> v;
            };
        }

        /** Stops the node (SIGTERM: it stops its PostgreSQL) and, if the JVM died first, its PostgreSQL. */
        @Override
        public void close() throws Exception {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            for (long pid : postgresPids(dataDir)) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    if (h.parent().map(pp -> pp.pid() == 1).orElse(false)) {
                        h.destroy(); // an orphaned postmaster: SIGTERM is PostgreSQL's smart shutdown
                    }
                });
            }
        }
    }

    /** Samples every node's memory and the components running at each party. */
    static final class Sampler implements Runnable {
        final List<NodeProc> nodes;
        final AtomicBoolean stop = new AtomicBoolean();
        final Map<String, String> running = new java.util.concurrent.ConcurrentHashMap<>();
        final long t0 = System.nanoTime();
        volatile String jobId;

        Sampler(List<NodeProc> nodes) {
            this.nodes = nodes;
        }

        @Override
        public void run() {
            int tick = 0;
            while (!stop.get()) {
                try {
                    for (NodeProc p : nodes) {
                        long[] st = status(p.process.pid());
                        if (st[1] > p.hwmKb) {
                            p.hwmKb = st[1];
                        }
                        List<Long> pg = postgresPids(p.dataDir);
                        long pss = 0;
                        for (long pid : pg) {
                            pss += pss(pid);
                        }
                        p.pgProcesses = Math.max(p.pgProcesses, pg.size());
                        p.pgPeakKb = Math.max(p.pgPeakKb, pss);
                        String c = running.get(p.party);
                        if (c != null) {
                            p.peakByComponent.merge(c, st[0] / 1024, Math::max);
                        }
                    }
                    if (jobId != null && tick++ % 2 == 0) {
                        for (NodeProc p : nodes) {
                            if (p.process.isAlive()) {
                                String now = runningAt(p);
                                String before = running.put(p.party, now);
                                if (!now.equals(before)) {
                                    System.out.printf(Locale.ROOT, "  [%5.0f s] party %s runs %s (peak RSS so far %d MB,"
                                                    + " PostgreSQL %d MB)%n", (System.nanoTime() - t0) / 1e9, p.party,
                                            now, p.hwmKb / 1024, p.pgPeakKb / 1024);
                                }
                            }
                        }
                    }
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // a node going away between two reads: the main loop reports it
                }
            }
        }

        String runningAt(NodeProc p) throws IOException {
            List<String> names = new ArrayList<>();
            for (JsonNode t : post(p.base() + "/v1/job/task/query", "{\"job_id\": \"" + jobId + "\"}")
                    .path("data")) {
                if ("running".equals(t.path("f_status").asText()) && p.party.equals(t.path("f_party_id").asText())) {
                    names.add(t.path("f_component_name").asText() + "(" + t.path("f_role").asText() + ")");
                }
            }
            return names.isEmpty() ? "-" : String.join(",", names);
        }
    }

    /**
     * Forces a full collection at each node every {@code everySeconds} ({@code jcmd PID GC.run}: System.gc(), a
     * full, compacting collection in G1) and prints the heap it leaves ({@code GC.heap_info}'s "used"): the live
     * heap at that moment, which the heap after young collections only bounds from above. A series of these marks
     * during HeteroLR's batches shows whether anything per batch stays live.
     */
    static final class Marker implements Runnable {
        static final Pattern USED = Pattern.compile("garbage-first heap\\s+total (\\d+)K, used (\\d+)K");
        final List<NodeProc> nodes;
        final Sampler sampler;
        final int everySeconds;
        final AtomicBoolean stop = new AtomicBoolean();
        final Path commands;

        Marker(List<NodeProc> nodes, Sampler sampler, int everySeconds, Path work) throws IOException {
            this.nodes = nodes;
            this.sampler = sampler;
            this.everySeconds = everySeconds;
            // both commands from one file: one jcmd launch (a JVM of its own) per node and mark
            this.commands = work.resolve("mark.jcmd");
            Files.writeString(commands, "GC.run\nGC.heap_info\n");
        }

        @Override
        public void run() {
            while (!stop.get()) {
                try {
                    Thread.sleep(everySeconds * 1000L);
                } catch (InterruptedException e) {
                    return;
                }
                for (NodeProc p : nodes) {
                    if (!stop.get() && p.process.isAlive()) {
                        mark(p, sampler.running.getOrDefault(p.party, "-"));
                    }
                }
            }
        }

        void mark(NodeProc p, String during) {
            try {
                String info = jcmd(p, commands);
                Matcher m = USED.matcher(info);
                if (m.find()) {
                    double used = Long.parseLong(m.group(2)) / 1024.0;
                    p.liveMb.add(used);
                    System.out.printf(Locale.ROOT, "  [%5.0f s] party %s live heap after a full GC: %.1f MB"
                                    + " (committed %.0f MB) during %s%n", (System.nanoTime() - sampler.t0) / 1e9,
                            p.party, used, Long.parseLong(m.group(1)) / 1024.0, during);
                }
            } catch (Exception e) {
                // the node going away: the main loop reports it
            }
        }

        static String jcmd(NodeProc p, Path commands) throws Exception {
            Process j = new ProcessBuilder("jcmd", "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC",
                    Long.toString(p.process.pid()), "-f", commands.toString()).redirectErrorStream(true).start();
            String out = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            j.waitFor();
            return out;
        }
    }

    /** {VmRSS, VmHWM} in kB, zeros once the process is gone. */
    static long[] status(long pid) {
        long[] out = new long[2];
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    out[0] = kb(line);
                } else if (line.startsWith("VmHWM:")) {
                    out[1] = kb(line);
                }
            }
        } catch (IOException gone) {
            // exited
        }
        return out;
    }

    static long pss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return kb(line);
                }
            }
        } catch (IOException gone) {
            // exited
        }
        return 0;
    }

    static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** The postmaster of the node's embedded PostgreSQL (its command line names the data dir) and its children. */
    static List<Long> postgresPids(Path dataDir) {
        List<Long> out = new ArrayList<>();
        String dir = dataDir.toString();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.toList()) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                    String argv0 = cmd.indexOf('\0') < 0 ? cmd : cmd.substring(0, cmd.indexOf('\0'));
                    if (argv0.endsWith("/postgres") && cmd.contains(dir)) {
                        long pid = Long.parseLong(name);
                        out.add(pid);
                        ProcessHandle.of(pid).ifPresent(h -> h.children().forEach(c -> out.add(c.pid())));
                    }
                } catch (IOException gone) {
                    // exited
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void run(Path log, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed; see " + log);
        }
        System.out.println(Files.readString(log).strip());
    }

    static JsonNode check(JsonNode r) {
        if (r.path("retcode").asInt(-1) != 0) {
            throw new IllegalStateException(r.toString());
        }
        return r;
    }

    static JsonNode post(String url, String body) throws IOException {
        try {
            HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(resp.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static void upload(NodeProc node, Path file, String table) throws Exception {
        String conf = "{\"file\": \"" + file.getFileName() + "\", \"id_delimiter\": \",\", \"head\": 1, "
                + "\"partition\": 4, \"namespace\": \"experiment\", \"table_name\": \"" + table + "\", \"drop\": 1}";
        String boundary = "fedflowbench0123456789";
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        long t0 = System.nanoTime();
        HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(node.base() + "/v1/data/upload?"
                        + URLEncoder.encode(conf, StandardCharsets.UTF_8).replace("+", "%20")))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
                        HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString(tail)))
                .build(), HttpResponse.BodyHandlers.ofString());
        check(JSON.readTree(resp.body()));
        System.out.printf(Locale.ROOT, "uploaded %s as experiment.%s at party %s in %.1f s%n", file.getFileName(), table,
                node.party, (System.nanoTime() - t0) / 1e9);
    }
}
