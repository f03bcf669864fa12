import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Board benchmark, run on demand (not part of the Maven build): see bench/board-bench.sh.
 *
 * <ol>
 *   <li>Starts bin/fedflow-node on a fresh data dir under bench/work/ (random free ports, embedded PostgreSQL).</li>
 *   <li>Fills it with --jobs jobs through its own API, not by running them: uploads of a three-line CSV from
 *       its import directory (FATE's JSON form, {@code use_local_data: 0}), each a real job (t_job and t_task
 *       rows, in the upload history), --fill-clients at once, each client re-loading its own table (drop=1).</li>
 *   <li>Measures each board JSON route, one client, --calls calls each after --warmup: the job list's first and
 *       last page, with and without filters, one job, tables, sites, models. Prints p50/p99/max in ms.</li>
 * </ol>
 */
public class BoardBench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>(Map.of("--jobs", "10000", "--calls", "200", "--warmup", "20",
                "--fill-clients", "4"));
        Path root = Path.of(".").toAbsolutePath().normalize();
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--root")) {
                root = Path.of(args[i + 1]);
            } else {
                opts.put(args[i], args[i + 1]);
            }
        }
        int jobs = Integer.parseInt(opts.get("--jobs"));
        int calls = Integer.parseInt(opts.get("--calls"));
        int warmup = Integer.parseInt(opts.get("--warmup"));
        int clients = Integer.parseInt(opts.get("--fill-clients"));
        Path work = root.resolve("bench/work/board-" + System.currentTimeMillis());
        Files.createDirectories(work.resolve("import"));
        Files.writeString(work.resolve("import/board.csv"), "id,y,x0\na,1,0.5\nb,0,0.25\nc,1,0.75\n");
        System.out.printf("board bench %s; jobs=%d calls=%d warmup=%d; nproc=%d; java %s; loadavg %s%n",
                Instant.now(), jobs, calls, warmup, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), loadavg());

        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/fedflow-node").toString(), "--data-dir",
                work.toString(), "--http-port", String.valueOf(port), "--site-port", String.valueOf(freePort()));
        pb.environment().put("FEDFLOW_SKIP_BUILD", "1");
        pb.redirectErrorStream(true).redirectOutput(work.resolve("node.log").toFile());
        Process node = pb.start();
        String base = "http://127.0.0.1:" + port;
        try {
            awaitHealthy(node, base + "/health");
            long t0 = System.nanoTime();
            fill(base, jobs, clients);
            System.out.printf("filled %d upload jobs in %.1f s; loadavg %s%n", jobs, (System.nanoTime() - t0) / 1e9,
                    loadavg());

            JsonNode all = get(base, "jobs?limit=20");
            int count = all.path("count").asInt();
            String oneJob = all.path("jobs").get(0).path("job_id").asText();
            int lastPage = Math.max(1, (count + 19) / 20);
            System.out.printf("the node holds %d job rows; measuring %d calls per route%n%n", count, calls);
            Map<String, String> routes = new LinkedHashMap<>();
            routes.put("jobs, first page", "jobs?page=1&limit=20");
            routes.put("jobs, last page", "jobs?page=" + lastPage + "&limit=20");
            routes.put("jobs, filtered, first page", "jobs?status=success&role=local&party_id=0&page=1&limit=20");
            routes.put("jobs, filtered, last page", "jobs?status=success&role=local&party_id=0&page=" + lastPage
                    + "&limit=20");
            routes.put("jobs, filter matching none", "jobs?status=failed&tag=no_such_tag&page=1&limit=20");
            routes.put("one job", "jobs/" + oneJob);
            routes.put("tables (and upload history), first page", "tables?page=1&limit=20");
            routes.put("tables (and upload history), last page", "tables?page=" + lastPage + "&limit=20");
            routes.put("sites", "sites");
            routes.put("models", "models?page=1&limit=20");
            System.out.println("| route (GET /board/api/...) | p50 ms | p99 ms | max ms |");
            System.out.println("|---|---|---|---|");
            for (Map.Entry<String, String> r : routes.entrySet()) {
                for (int i = 0; i < warmup; i++) {
                    get(base, r.getValue());
                }
                List<Double> ms = new ArrayList<>();
                for (int i = 0; i < calls; i++) {
                    long s = System.nanoTime();
                    get(base, r.getValue());
                    ms.add((System.nanoTime() - s) / 1e6);
                }
                Collections.sort(ms);
                System.out.printf(Locale.ROOT, "| %s `%s` | %.1f | %.1f | %.1f |%n", r.getKey(), r.getValue(),
                        pct(ms, 50), pct(ms, 99), ms.get(ms.size() - 1));
            }
            System.out.printf("%nloadavg after %s%n", loadavg());
        } finally {
            node.destroy(); // SIGTERM: the node's shutdown hook stops its embedded PostgreSQL
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
    }

    /** {@code jobs} uploads, {@code clients} at once, each client to its own table. */
    static void fill(String base, int jobs, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            done.add(pool.submit(() -> {
                String body = "{\"file\": \"board.csv\", \"head\": 1, \"partition\": 1, \"namespace\": \"bench\", "
                        + "\"table_name\": \"board_" + client + "\", \"use_local_data\": 0, \"drop\": 1}";
                while (next.getAndIncrement() < jobs) {
                    JsonNode answer = post(base + "/v1/data/upload", body);
                    if (answer.path("retcode").asInt(-1) != 0) {
                        throw new IllegalStateException("upload refused: " + answer);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    static JsonNode get(String base, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/board/api/" + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode envelope = JSON.readTree(r.body());
        if (envelope.path("retcode").asInt(-1) != 0) {
            throw new IllegalStateException("GET " + path + ": " + r.body());
        }
        return envelope.path("data");
    }

    static JsonNode post(String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    static double pct(List<Double> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static void awaitHealthy(Process p, String url) throws Exception {
        long t0 = System.nanoTime();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the node exited with " + p.exitValue() + "; see bench/work/");
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(3)) {
                throw new IllegalStateException("the node did not become healthy within 3 minutes");
            }
            Thread.sleep(200);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
