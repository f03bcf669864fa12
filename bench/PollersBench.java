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
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Pollers benchmark, run on demand (not part of the Maven build): see bench/pollers-bench.sh. JDK only, so
 * that the same file measures any checkout (--root) of the node, before and after a change.
 *
 * <ol>
 *   <li>Starts {@code <root>/bin/fedflow-node} (FEDFLOW_SKIP_BUILD=1, extra flags from --node-args) on a fresh
 *       data dir and free ports, uploads examples/data/breast_hetero_guest.csv, runs one warm-up job.</li>
 *   <li>For each poller count P of --pollers (0 = idle): starts {@code wrk -t2 -cP} (closed loop, one request in
 *       flight per connection, --timeout 60 s) posting /v1/job/query for the jobs of this run, waits
 *       --settle s, then runs --rounds local LR jobs one after the other (the LR job of JobsApiTest:
 *       Reader, DataTransform, FeatureScale, LR 10 iterations, Evaluation), each submitted and then watched
 *       by this JVM every 100 ms; then stops wrk (SIGINT) and reads its summary.</li>
 * </ol>
 * A job's time is the node's own record: f_end_time - f_create_time of its row (submit accepted to end), so
 * that this JVM's polls, queued with the others, do not add their wait; the wall time as this JVM saw it is
 * reported too. Poller errors are wrk's (connect, read, write, timeout, non-2xx) plus bodies without
 * "retcode":0. Node RSS is sampled every 200 ms (VmRSS of the node JVM; its PostgreSQL not included).
 */
public class PollersBench {
    static final PrintStream out = System.out;
    static Path root = Path.of(".").toAbsolutePath().normalize();
    static Path work;
    static String label = "node";
    static List<Integer> pollers = List.of(0, 100, 500);
    static int rounds = 3;
    static int settleS = 5;
    static String nodeArgs = "";
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "feature_scale_0": {"module": "FeatureScale", "input": {"data": {"data": ["data_transform_0.data"]}},
                                  "output": {"data": ["data"], "model": ["model"]}},
              "lr_0": {"module": "LR", "input": {"data": {"train_data": ["feature_scale_0.data"]}},
                       "output": {"data": ["data"], "model": ["model"]}},
              "evaluation_0": {"module": "Evaluation", "input": {"data": {"data": ["lr_0.data"]}},
                               "output": {"data": ["data"]}}}}""";
    static final String CONF = """
            {"dsl_version": 2, "initiator": {"role": "local", "party_id": 0}, "role": {"local": [0]},
             "job_parameters": {"common": {"task_cores": 1}},
             "component_parameters": {
               "common": {"lr_0": {"max_iter": 10}},
               "role": {"local": {"0": {"reader_0": {"table": {"name": "breast_hetero_guest", "namespace": "experiment"}},
                                        "data_transform_0": {"with_label": true, "label_name": "y"}}}}}}""";

    record JobTime(String status, long nodeMs, long wallMs) {}

    record Phase(int pollers, List<JobTime> jobs, long requests, double seconds, long errors, String errorDetail,
                 double p50Ms, double p99Ms, long maxRssKb, String load) {}

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--work" -> work = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--label" -> label = args[++i];
                case "--pollers" -> pollers = Stream.of(args[++i].split(",")).map(String::trim).map(Integer::valueOf)
                        .toList();
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--settle" -> settleS = Integer.parseInt(args[++i]);
                case "--node-args" -> nodeArgs = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (work == null) {
            work = Path.of(System.getProperty("user.dir")).resolve("bench/work");
        }
        Files.createDirectories(work);
        out.printf("pollers bench %s: %s (%s); node args '%s'; rounds %d; nproc %d; loadavg %s%n", Instant.now(),
                label, root, nodeArgs, rounds, Runtime.getRuntime().availableProcessors(), loadavg());
        Path dir = work.resolve("node-pollers");
        deleteTree(dir);
        Files.createDirectories(dir);
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(root.resolve("bin/fedflow-node").toString(), "--data-dir",
                dir.toString(), "--http-port", String.valueOf(port), "--site-port", String.valueOf(freePort())));
        if (!nodeArgs.isBlank()) {
            cmd.addAll(List.of(nodeArgs.trim().split("\\s+")));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("FEDFLOW_SKIP_BUILD", "1");
        Path log = work.resolve("node-pollers.log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process node = pb.start();
        String base = "http://127.0.0.1:" + port;
        List<Phase> phases = new ArrayList<>();
        try {
            awaitUp(node, base + "/v1/job/query", log);
            upload(base, root.resolve("examples/data/breast_hetero_guest.csv"));
            List<String> ids = new ArrayList<>();
            JobTime warm = runJob(base, ids);
            out.printf("warm-up job: %s in %d ms%n", warm.status, warm.nodeMs);
            for (int p : pollers) {
                phases.add(phase(node, base, p, ids));
                Phase ph = phases.get(phases.size() - 1);
                out.printf(Locale.ROOT, "  %d pollers: jobs %s; %d requests (%.0f/s), errors %d%s, p50 %.1f ms, "
                                + "p99 %.1f ms, max RSS %d MiB, load %s%n", p, ph.jobs, ph.requests,
                        ph.requests / Math.max(ph.seconds, 1e-9), ph.errors,
                        ph.errorDetail.isEmpty() ? "" : " (" + ph.errorDetail + ")", ph.p50Ms, ph.p99Ms,
                        ph.maxRssKb / 1024, ph.load);
            }
        } finally {
            node.destroy(); // SIGTERM: the node's shutdown hook stops its embedded PostgreSQL
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
        double idle = phases.stream().filter(p -> p.pollers == 0).findFirst().map(p -> medianNode(p.jobs))
                .orElse(Double.NaN);
        out.println();
        out.printf("| %s | pollers | job s (node, median) | vs idle | job s (wall, median) | jobs ok | poller "
                + "requests/s | poller errors | poller p50 ms | poller p99 ms | node RSS MiB |%n", "code");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Phase p : phases) {
            double m = medianNode(p.jobs);
            long ok = p.jobs.stream().filter(j -> j.status.equals("success")).count();
            out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1fx | %.2f | %d/%d | %s | %s | %s | %s | %d |%n", label,
                    p.pollers, m / 1000, m / idle, median(p.jobs.stream().map(j -> (double) j.wallMs).toList()) / 1000,
                    ok, p.jobs.size(), p.pollers == 0 ? "-" : String.format(Locale.ROOT, "%.0f", p.requests / p.seconds),
                    p.pollers == 0 ? "-" : Long.toString(p.errors),
                    p.pollers == 0 ? "-" : String.format(Locale.ROOT, "%.1f", p.p50Ms),
                    p.pollers == 0 ? "-" : String.format(Locale.ROOT, "%.1f", p.p99Ms), p.maxRssKb / 1024);
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

    static Phase phase(Process node, String base, int n, List<String> ids) throws Exception {
        AtomicLong maxRss = new AtomicLong(rssKb(node.pid()));
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                maxRss.accumulateAndGet(rssKb(node.pid()), Math::max);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        Process wrk = null;
        Path wrkOut = work.resolve("pollers-wrk.txt");
        if (n > 0) {
            Path idFile = work.resolve("pollers-ids.txt");
            Files.write(idFile, ids);
            Path script = work.resolve("pollers.lua");
            Files.writeString(script, LUA);
            ProcessBuilder pb = new ProcessBuilder("wrk", "-t2", "-c" + n, "-d3600s", "--timeout", "60s", "-s",
                    script.toString(), base + "/v1/job/query");
            pb.environment().put("PB_IDS", idFile.toString());
            pb.redirectErrorStream(true).redirectOutput(wrkOut.toFile());
            wrk = pb.start();
            Thread.sleep(settleS * 1000L);
        }
        List<JobTime> jobs = new ArrayList<>();
        String load = loadavg().split(" ")[0];
        for (int r = 0; r < rounds; r++) {
            jobs.add(runJob(base, ids));
        }
        sampler.interrupt();
        if (wrk == null) {
            return new Phase(0, jobs, 0, 0, 0, "", Double.NaN, Double.NaN, maxRss.get(), load);
        }
        new ProcessBuilder("kill", "-INT", Long.toString(wrk.pid())).start().waitFor();
        if (!wrk.waitFor(120, TimeUnit.SECONDS)) {
            wrk.destroyForcibly();
            throw new IllegalStateException("wrk did not stop");
        }
        String text = Files.readString(wrkOut);
        Matcher m = Pattern.compile("PBRESULT ([0-9 .e+-]+)").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("wrk gave no result:\n" + text);
        }
        String[] f = m.group(1).trim().split(" ");
        long requests = Long.parseLong(f[0]);
        double seconds = Long.parseLong(f[1]) / 1e6;
        long connect = Long.parseLong(f[2]), read = Long.parseLong(f[3]), write = Long.parseLong(f[4]);
        long status = Long.parseLong(f[5]), timeout = Long.parseLong(f[6]), bad = Long.parseLong(f[7]);
        long errors = connect + read + write + status + timeout + bad;
        String detail = errors == 0 ? "" : "connect " + connect + " read " + read + " write " + write + " status "
                + status + " timeout " + timeout + " bad body " + bad;
        return new Phase(n, jobs, requests, seconds, errors, detail, Double.parseDouble(f[8]) / 1000,
                Double.parseDouble(f[9]) / 1000, maxRss.get(), load);
    }

    static final String LUA = """
            -- generated by bench/PollersBench.java: POST /v1/job/query for a random job of this run
            local ids = {}
            local threads = {}
            bad = 0
            setup = function(thread)
              table.insert(threads, thread)
              thread:set("tid", #threads)
            end
            init = function(args)
              for line in io.lines(os.getenv("PB_IDS")) do ids[#ids + 1] = line end
              math.randomseed(os.time() * 7919 + (tid or 0))
            end
            local headers = {["Content-Type"] = "application/json"}
            request = function()
              return wrk.format("POST", nil, headers,
                '{"job_id": "' .. ids[math.random(#ids)] .. '", "role": "local", "party_id": 0}')
            end
            response = function(status, headers, body)
              if status ~= 200 or not string.find(body, '"retcode":0', 1, true) then bad = bad + 1 end
            end
            done = function(summary, latency, requests)
              local b = 0
              for _, t in ipairs(threads) do b = b + (t:get("bad") or 0) end
              local e = summary.errors
              io.write(string.format("PBRESULT %d %d %d %d %d %d %d %d %d %d\\n", summary.requests,
                summary.duration, e.connect, e.read, e.write, e.status, e.timeout, b,
                latency:percentile(50), latency:percentile(99)))
            end
            """;

    /** Submits the LR job and watches it to its end; its id joins those the pollers query. */
    static JobTime runJob(String base, List<String> ids) throws Exception {
        long t0 = System.nanoTime();
        String r = post(base + "/v1/job/submit", "{\"job_dsl\": " + DSL + ", \"job_runtime_conf\": " + CONF + "}");
        String id = field(r, "jobId");
        if (id == null) {
            throw new IllegalStateException("submit failed: " + r);
        }
        ids.add(id);
        String body = "{\"job_id\": \"" + id + "\", \"role\": \"local\", \"party_id\": 0}";
        long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            String q = post(base + "/v1/job/query", body);
            String status = field(q, "f_status");
            if (status != null && List.of("success", "failed", "canceled", "timeout").contains(status)) {
                long wall = (System.nanoTime() - t0) / 1_000_000;
                long nodeMs = Long.parseLong(field(q, "f_end_time")) - Long.parseLong(field(q, "f_create_time"));
                return new JobTime(status, nodeMs, wall);
            }
            Thread.sleep(100);
        }
        return new JobTime("stuck", -1, -1);
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\"([^\"]*)\"|(-?[0-9]+))").matcher(json);
        return m.find() ? (m.group(2) != null ? m.group(2) : m.group(3)) : null;
    }

    static String post(String url, String body) throws Exception {
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new IOException("HTTP " + resp.statusCode() + " from " + url + ": " + resp.body());
        }
        return resp.body();
    }

    static void upload(String base, Path file) throws Exception {
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
        if (!resp.body().contains("\"retcode\":0")) {
            throw new IllegalStateException("upload failed: " + resp.body());
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

    static void awaitUp(Process p, String url, Path log) throws Exception {
        long t0 = System.nanoTime();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("node exited with " + p.exitValue() + "; see " + log);
            }
            try {
                post(url, "{\"job_id\": \"0\"}");
                return;
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(3)) {
                p.destroyForcibly();
                throw new IllegalStateException("node not up after 3 min; see " + log);
            }
            Thread.sleep(100);
        }
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended
        }
        return 0;
    }

    static double medianNode(List<JobTime> jobs) {
        return median(jobs.stream().map(j -> (double) j.nodeMs).toList());
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
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
}
