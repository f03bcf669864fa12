import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Online inference benchmark, run on demand (not part of the Maven build): see bench/inference-bench.sh.
 * Starts the guest 9999 and the site 10000 (host and arbiter) in this JVM, each with its own embedded
 * PostgreSQL under bench/work/inference, trains examples/breast_pipeline_{dsl,conf}.json, scores the 569 breast
 * rows with a predict job of the model (submit -> success at the guest), loads the model at both sites and
 * binds service id "breast" at the guest, then over HTTP on loopback: single /federation/v1/inference requests
 * from 1 and from 16 concurrent clients (each row's features and id, rows in turn; p50 and p99 of the
 * request's round trip), and /federation/v1/batchInference requests of 1,000 rows (rows/s).
 */
public class InferenceBench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final Set<String> END = Set.of("success", "failed", "canceled", "timeout");

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".").toAbsolutePath().normalize();
        Path work = null;
        int requests = 2000;
        int batches = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--work" -> work = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--batches" -> batches = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (work == null) {
            work = root.resolve("bench/work/inference");
        }
        deleteTree(work);
        Files.createDirectories(work);
        System.out.printf("inference bench %s: nproc %d, java %s%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        String dsl = Files.readString(root.resolve("examples/breast_pipeline_dsl.json"));
        String conf = Files.readString(root.resolve("examples/breast_pipeline_conf.json"));
        List<ObjectNode> rows = rows(root.resolve("examples/data/breast_hetero_guest.csv"));
        try (Node guest = start("9999", work); Node other = start("10000", work)) {
            guest.peers().put(new Peer("10000", "127.0.0.1", other.sitePort(), other.siteKeys().publicKeyBase64(), false));
            other.peers().put(new Peer("9999", "127.0.0.1", guest.sitePort(), guest.siteKeys().publicKeyBase64(), false));
            String g = "http://127.0.0.1:" + guest.httpPort();
            String o = "http://127.0.0.1:" + other.httpPort();
            upload(g, root.resolve("examples/data/breast_hetero_guest.csv"), "breast_hetero_guest");
            upload(o, root.resolve("examples/data/breast_hetero_host.csv"), "breast_hetero_host");
            check(post(o + "/v1/permission/grant", "{\"party_id\": \"9999\", \"component\": \"*\", "
                    + "\"dataset\": [{\"namespace\": \"experiment\", \"name\": \"breast_hetero_host\"}]}"));
            String train = run(g, o, dsl, conf);
            String modelId = post(g + "/v1/job/query", "{\"job_id\": \"" + train + "\"}")
                    .at("/data/0/f_runtime_conf_on_party/job_parameters/common/model_id").asText();
            String predictConf = conf.replace("\"task_cores\": 1", "\"task_cores\": 1, \"job_type\": \"predict\", "
                    + "\"model_id\": \"" + modelId + "\", \"model_version\": \"" + train + "\"");
            long t0 = System.nanoTime();
            run(g, o, Files.readString(root.resolve("bench/inference-predict-dsl.json")), predictConf);
            double predictSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "predict job: %d rows, submit -> success %.2f s (%.0f rows/s)%n",
                    rows.size(), predictSeconds, rows.size() / predictSeconds);

            String target = "{\"initiator\": {\"role\": \"guest\", \"party_id\": \"9999\"}, \"role\": {\"guest\": "
                    + "[\"9999\"], \"host\": [\"10000\"], \"arbiter\": [\"10000\"]}, \"job_parameters\": "
                    + "{\"model_id\": \"" + modelId + "\", \"model_version\": \"" + train + "\"}";
            check(post(g + "/v1/model/load", target + "}"));
            check(post(g + "/v1/model/bind", target + ", \"service_id\": \"breast\"}"));

            String inference = g + "/federation/v1/inference";
            single(inference, rows, Math.max(200, requests / 10), 1); // warm-up
            for (int clients : new int[] {1, 16}) {
                double[] ms = single(inference, rows, requests, clients);
                System.out.printf(Locale.ROOT, "single requests, %d client%s: %d requests, p50 %.2f ms, p99 %.2f ms,"
                        + " %.0f requests/s%n", clients, clients == 1 ? "" : "s", ms.length - 1, pct(ms, 50),
                        pct(ms, 99), ms[ms.length - 1]);
            }
            String batch = g + "/federation/v1/batchInference";
            batchRun(batch, rows, 3); // warm-up
            long b0 = System.nanoTime();
            int scored = batchRun(batch, rows, batches);
            double seconds = (System.nanoTime() - b0) / 1e9;
            System.out.printf(Locale.ROOT, "batch requests of 1000 rows: %d batches, %.0f rows/s (%.1f ms a batch)%n",
                    batches, scored / seconds, seconds * 1000 / batches);
        }
    }

    /** Latencies in ms of {@code n} requests over {@code clients} threads, sorted, then requests/s last. */
    static double[] single(String url, List<ObjectNode> rows, int n, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<double[]>> parts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            parts.add(pool.submit(() -> {
                double[] out = new double[n / clients];
                for (int i = 0; i < out.length; i++) {
                    ObjectNode row = rows.get((client * 97 + i) % rows.size());
                    ObjectNode req = JSON.createObjectNode();
                    req.putObject("head").put("serviceId", "breast");
                    ObjectNode body = req.putObject("body");
                    body.set("featureData", row.get("features"));
                    body.putObject("sendToRemoteFeatureData").put("id", row.get("id").asText());
                    String text = req.toString();
                    long s = System.nanoTime();
                    JsonNode r = post(url, text);
                    out[i] = (System.nanoTime() - s) / 1e6;
                    if (r.path("retcode").asInt(-1) != 0) {
                        throw new IllegalStateException(r.toString());
                    }
                }
                return out;
            }));
        }
        List<Double> all = new ArrayList<>();
        for (Future<double[]> f : parts) {
            for (double d : f.get()) {
                all.add(d);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        Collections.sort(all);
        double[] out = new double[all.size() + 1];
        for (int i = 0; i < all.size(); i++) {
            out[i] = all.get(i);
        }
        out[all.size()] = all.size() / seconds;
        return out;
    }

    static double pct(double[] sortedWithRate, int p) {
        int n = sortedWithRate.length - 1;
        return sortedWithRate[Math.min(n - 1, (int) Math.ceil(p / 100.0 * n) - 1)];
    }

    static int batchRun(String url, List<ObjectNode> rows, int batches) throws Exception {
        int scored = 0;
        for (int b = 0; b < batches; b++) {
            ObjectNode req = JSON.createObjectNode();
            req.putObject("head").put("serviceId", "breast");
            ArrayNode list = req.putObject("body").putArray("batchDataList");
            for (int i = 0; i < 1000; i++) {
                ObjectNode row = rows.get((b * 1000 + i) % rows.size());
                ObjectNode r = list.addObject();
                r.put("index", i);
                r.set("featureData", row.get("features"));
                r.putObject("sendToRemoteFeatureData").put("id", row.get("id").asText());
            }
            JsonNode answer = post(url, req.toString());
            if (answer.path("retcode").asInt(-1) != 0 || answer.path("batchDataList").size() != 1000) {
                throw new IllegalStateException(answer.toString().substring(0, 500));
            }
            for (JsonNode r : answer.path("batchDataList")) {
                scored += r.path("retcode").asInt() == 0 ? 1 : 0;
            }
        }
        return scored;
    }

    static List<ObjectNode> rows(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] names = lines.get(0).split(",");
        List<ObjectNode> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] v = line.split(",");
            ObjectNode row = JSON.createObjectNode();
            row.put("id", v[0]);
            ObjectNode f = row.putObject("features");
            for (int j = 2; j < v.length; j++) {
                f.put(names[j], Double.parseDouble(v[j]));
            }
            out.add(row);
        }
        return out;
    }

    static String run(String g, String o, String dsl, String conf) throws Exception {
        JsonNode sub = check(post(g + "/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": " + conf + "}"));
        String jobId = sub.get("jobId").asText();
        String status = await(g, jobId);
        String otherStatus = await(o, jobId);
        if (!"success".equals(status) || !"success".equals(otherStatus)) {
            throw new IllegalStateException("job " + jobId + ": " + status + " / " + otherStatus);
        }
        return jobId;
    }

    static String await(String base, String jobId) throws Exception {
        while (true) {
            JsonNode q = post(base + "/v1/job/query", "{\"job_id\": \"" + jobId + "\"}");
            String status = q.at("/data/0/f_status").asText("");
            if (END.contains(status)) {
                return status;
            }
            Thread.sleep(100);
        }
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
