import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.federation.Peer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Stop-and-rerun reliability loop, run on demand (not part of the Maven build): see bench/rerun-loop.sh.
 * Starts guest 20001 and the site 10001 (host and arbiter) in this JVM, each with its own embedded
 * PostgreSQL under bench/work/rerun, peers them over their signed site ports on loopback, uploads the breast
 * tables, and submits the seed pipeline (examples/breast_pipeline_{dsl,conf}.json with guest 20001, host and
 * arbiter 10001, auto_retries 1). Then, --cycles times: wait until hetero_lr_0 runs at the guest, wait a
 * random 0..--max-stop-delay-ms more, stop the job at the guest, wait for canceled at both sites, rerun it,
 * and wait for its end (at most --cycle-timeout-s). A cycle passes when the rerun ends in success at both
 * sites with every party's hetero_lr_0 task on one version; the next cycle starts HeteroLR again with a
 * forced rerun of hetero_lr_0. Prints each cycle and the totals (cycles, successes, time per rerun).
 */
public class RerunLoop {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final Set<String> END = Set.of("success", "failed", "canceled", "timeout");

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".").toAbsolutePath().normalize();
        Path work = null;
        int cycles = 20;
        int maxStopDelayMs = 4000;
        long seed = 1;
        int cycleTimeoutS = 600;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--work" -> work = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--cycles" -> cycles = Integer.parseInt(args[++i]);
                case "--max-stop-delay-ms" -> maxStopDelayMs = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--cycle-timeout-s" -> cycleTimeoutS = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (work == null) {
            work = root.resolve("bench/work/rerun");
        }
        deleteTree(work);
        Files.createDirectories(work);
        System.out.printf("rerun loop %s: %d cycles, stop 0..%d ms after hetero_lr_0 starts (seed %d), nproc %d, "
                        + "java %s%n", Instant.now(), cycles, maxStopDelayMs, seed,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        String dsl = Files.readString(root.resolve("examples/breast_pipeline_dsl.json"));
        String conf = Files.readString(root.resolve("examples/breast_pipeline_conf.json"))
                .replace("\"party_id\": 9999", "\"party_id\": 20001")
                .replace("\"guest\": [9999], \"host\": [10000], \"arbiter\": [10000]",
                        "\"guest\": [20001], \"host\": [10001], \"arbiter\": [10001]")
                .replace("\"task_cores\": 1", "\"task_cores\": 1, \"auto_retries\": 1");
        if (!conf.contains("20001") || !conf.contains("auto_retries")) {
            throw new IllegalStateException("the seed conf changed shape: " + conf);
        }
        Random random = new Random(seed);
        try (Node guest = start("20001", work); Node other = start("10001", work)) {
            guest.peers().put(new Peer("10001", "127.0.0.1", other.sitePort(), other.siteKeys().publicKeyBase64(), false));
            other.peers().put(new Peer("20001", "127.0.0.1", guest.sitePort(), guest.siteKeys().publicKeyBase64(), false));
            String g = "http://127.0.0.1:" + guest.httpPort();
            String o = "http://127.0.0.1:" + other.httpPort();
            upload(g, root.resolve("examples/data/breast_hetero_guest.csv"), "breast_hetero_guest");
            upload(o, root.resolve("examples/data/breast_hetero_host.csv"), "breast_hetero_host");
            check(post(o + "/v1/permission/grant", "{\"party_id\": \"20001\", \"component\": \"*\", \"dataset\": "
                    + "[{\"namespace\": \"experiment\", \"name\": \"breast_hetero_host\"}]}"));
            String jobId = check(post(g + "/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": "
                    + conf + "}")).get("jobId").asText();
            System.out.println("job " + jobId);
            int successes = 0;
            List<Double> reruns = new ArrayList<>();
            for (int c = 1; c <= cycles; c++) {
                if (c > 1) {
                    check(post(g + "/v1/job/rerun", "{\"job_id\": \"" + jobId
                            + "\", \"component_name\": [\"hetero_lr_0\"], \"force\": true}"));
                }
                awaitTaskRunning(g, jobId, "hetero_lr_0");
                int delay = random.nextInt(maxStopDelayMs + 1);
                Thread.sleep(delay);
                long t0 = System.nanoTime();
                check(post(g + "/v1/job/stop", "{\"job_id\": \"" + jobId + "\"}"));
                String stopped = await(g, jobId, 60) + "/" + await(o, jobId, 60);
                double stopS = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                check(post(g + "/v1/job/rerun", "{\"job_id\": \"" + jobId + "\"}"));
                String atGuest = await(g, jobId, cycleTimeoutS);
                double rerunS = (System.nanoTime() - t1) / 1e9;
                String atOther = await(o, jobId, 60);
                String versions = versions(g, o, jobId);
                boolean ok = "success".equals(atGuest) && "success".equals(atOther) && !versions.contains(",");
                if (ok) {
                    successes++;
                    reruns.add(rerunS);
                }
                System.out.printf(Locale.ROOT, "cycle %2d: stopped %d ms into hetero_lr_0 -> %s in %.2f s; rerun -> %s/%s"
                                + " in %.2f s; hetero_lr_0 versions %s%s%n", c, delay, stopped, stopS, atGuest, atOther,
                        rerunS, versions, ok ? "" : "  FAILED: " + waitingFor(g, jobId));
                if (!ok && !END.contains(atGuest)) {
                    break; // a rerun that never ends: the defect this loop is for
                }
            }
            Collections.sort(reruns);
            System.out.printf(Locale.ROOT, "cycles %d, reruns ending in success %d", cycles, successes);
            if (!reruns.isEmpty()) {
                int n = reruns.size();
                double median = n % 2 == 1 ? reruns.get(n / 2) : (reruns.get(n / 2 - 1) + reruns.get(n / 2)) / 2;
                System.out.printf(Locale.ROOT, "; rerun -> success median %.2f s (min %.2f, max %.2f)", median,
                        reruns.get(0), reruns.get(n - 1));
            }
            System.out.println();
            if (successes != cycles) {
                System.exit(1);
            }
        }
    }

    /** The distinct versions of every party's latest hetero_lr_0 task, at both sites ("1" when all agree). */
    static String versions(String g, String o, String jobId) throws IOException {
        java.util.TreeSet<Long> seen = new java.util.TreeSet<>();
        for (String base : List.of(g, o)) {
            for (JsonNode t : post(base + "/v1/job/task/query", "{\"job_id\": \"" + jobId
                    + "\", \"component_name\": \"hetero_lr_0\"}").path("data")) {
                seen.add(t.path("f_task_version").asLong());
            }
        }
        return seen.toString().replaceAll("[\\[\\] ]", "");
    }

    static String waitingFor(String base, String jobId) throws IOException {
        JsonNode row = post(base + "/v1/job/query", "{\"job_id\": \"" + jobId + "\"}").at("/data/0");
        return row.path("f_status").asText() + ", waiting for: " + row.path("f_waiting_for").asText("?")
                + ", error: " + row.path("f_error_report").asText("");
    }

    static void awaitTaskRunning(String base, String jobId, String component) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode t = post(base + "/v1/job/task/query", "{\"job_id\": \"" + jobId + "\", \"component_name\": \""
                    + component + "\", \"role\": \"guest\"}");
            if ("running".equals(t.at("/data/0/f_status").asText())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(component + " of " + jobId + " never ran: " + waitingFor(base, jobId));
    }

    /** The job's end status at that site, or its status when it did not end within {@code seconds}. */
    static String await(String base, String jobId, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        String status = "";
        while (System.nanoTime() < deadline) {
            status = post(base + "/v1/job/query", "{\"job_id\": \"" + jobId + "\"}").at("/data/0/f_status").asText("");
            if (END.contains(status)) {
                return status;
            }
            Thread.sleep(100);
        }
        return status + " (after " + seconds + " s)";
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
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(resp.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static void upload(String base, Path file, String table) throws Exception {
        String conf = "{\"file\": \"" + file.getFileName() + "\", \"id_delimiter\": \",\", \"head\": 1, "
                + "\"partition\": 4, \"namespace\": \"experiment\", \"table_name\": \"" + table + "\", \"drop\": 1}";
        String boundary = "fedflowbench0123456789";
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/data/upload?"
                        + URLEncoder.encode(conf, StandardCharsets.UTF_8).replace("+", "%20")))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
                        HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString(tail)))
                .build(), HttpResponse.BodyHandlers.ofString());
        check(JSON.readTree(resp.body()));
        System.out.println("uploaded " + file.getFileName() + " as experiment." + table);
    }

    static Node start(String party, Path work) throws IOException {
        return Node.start(NodeConfig.builder(party, work.resolve(party)).build());
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
