package io.fedflow.node.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.TarReader;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.ComponentRef;
import io.fedflow.proto.v1.DataChunk;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.JobRef;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.TrackingServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real local job (Reader → DataTransform → FeatureScale → LR → Evaluation on an uploaded CSV), then
 * everything FATE's tracking API shows of it, over JSON (FATE's client's requests) and over gRPC.
 */
class TrackingApiTest {
    static final int ROWS = 120;
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    static String jobId;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void setUp() throws Exception {
        upload("tracking", "breast", csv(ROWS));
        jobId = submit(DSL, conf("tracking", "breast"));
        waitFor(jobId, "success");
    }

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
                               "output": {"data": ["data"]}}
            }}""";

    static String conf(String namespace, String name) {
        return """
                {"dsl_version": 2, "initiator": {"role": "local", "party_id": 0}, "role": {"local": [0]},
                 "job_parameters": {"common": {"task_cores": 1}},
                 "component_parameters": {
                   "common": {"lr_0": {"max_iter": 8, "learning_rate": 0.3, "batch_size": -1},
                              "evaluation_0": {"eval_type": "binary"}},
                   "role": {"local": {"0": {"reader_0": {"table": {"name": "%s", "namespace": "%s"}},
                                            "data_transform_0": {"with_label": true, "label_name": "y"}}}}}}
                """.formatted(name, namespace);
    }

    /** Two separable classes: y = 1 when x0 + x1 is large. */
    static String csv(int rows) {
        Random rnd = new Random(7);
        StringBuilder sb = new StringBuilder("id,y,x0,x1,x2\n");
        for (int i = 0; i < rows; i++) {
            double x0 = rnd.nextGaussian();
            double x1 = rnd.nextGaussian();
            int y = x0 + x1 + 0.3 * rnd.nextGaussian() > 0 ? 1 : 0;
            sb.append(String.format(Locale.ROOT, "%d,%d,%.4f,%.4f,%.4f%n", i, y, x0 * 3 + 10, x1, rnd.nextDouble()));
        }
        return sb.toString();
    }

    static void upload(String ns, String name, String content) throws IOException {
        Path f = tmp.resolve(ns + "_" + name + ".csv");
        Files.writeString(f, content);
        JsonNode r = FlowHttp.JSON.readTree(node.http().pythonUpload(f, "{\"head\": 1, \"partition\": 1, \"namespace\": \""
                + ns + "\", \"table_name\": \"" + name + "\", \"id_delimiter\": \",\", \"drop\": 1}").body());
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
    }

    /** As FATE's CLI submits: job_dsl + job_runtime_conf. */
    static String submit(String dsl, String conf) throws IOException {
        ObjectNode body = FlowHttp.JSON.createObjectNode();
        body.set("job_dsl", FlowHttp.JSON.readTree(dsl));
        body.set("job_runtime_conf", FlowHttp.JSON.readTree(conf));
        JsonNode r = node.http().post("/v1/job/submit", body.toString());
        assertThat(r.path("retcode").asInt()).as(r.toString()).isZero();
        return r.path("jobId").asText();
    }

    static void waitFor(String job, String status) throws InterruptedException {
        String last;
        try {
            last = await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(300))
                    .until(() -> node.http().post("/v1/job/query", Map.of("job_id", job)).at("/data/0/f_status").asText(),
                            s -> s.equals(status) || List.of("failed", "canceled", "timeout", "success").contains(s));
        } catch (ConditionTimeoutException e) {
            last = "still not " + status;
        }
        if (last.equals(status)) {
            return;
        }
        JsonNode tasks = node.http().post("/v1/job/task/query", Map.of("job_id", job));
        throw new AssertionError("job " + job + " is " + last + ", expected " + status + "; tasks: " + tasks);
    }

    static Map<String, Object> cpn(String component) {
        return Map.of("job_id", jobId, "role", "local", "party_id", "0", "component_name", component);
    }

    /** FATE's client sends this download as a GET with a JSON body. */
    static HttpResponse<byte[]> getWithBody(String path, String json) {
        try {
            return node.http().client().send(HttpRequest.newBuilder(URI.create(node.http().base() + path))
                    .header("Content-Type", "application/json")
                    .method("GET", HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<byte[]> postBytes(String path, String json) {
        try {
            return node.http().client().send(HttpRequest.newBuilder(URI.create(node.http().base() + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(byte[] body) throws IOException {
        return FlowHttp.JSON.readTree(body);
    }

    // ---- JSON ----

    @Test
    void metricAllHasTheLossCurveAndTheEvaluation() {
        JsonNode lr = node.http().post("/v1/tracking/component/metric/all", cpn("lr_0"));
        assertThat(lr.path("retcode").asInt()).as(lr.toString()).isZero();
        JsonNode loss = lr.at("/data/train/loss");
        assertThat(loss.at("/meta/metric_type").asText()).isEqualTo("LOSS");
        assertThat(loss.path("data")).hasSize(8);
        assertThat(loss.at("/data/0/0").asInt()).isZero();
        assertThat(loss.at("/data/7/1").asDouble()).isLessThan(loss.at("/data/0/1").asDouble());

        JsonNode eval = node.http().post("/v1/tracking/component/metric/all", cpn("evaluation_0"));
        assertThat(eval.path("retcode").asInt()).as(eval.toString()).isZero();
        JsonNode points = eval.at("/data/train/lr_0/data");
        double auc = -1;
        for (JsonNode p : points) {
            if (p.get(0).asText().equals("auc")) {
                auc = p.get(1).asDouble();
            }
        }
        assertThat(auc).as(points.toString()).isGreaterThan(0.8);
        assertThat(eval.at("/data/train/lr_0/meta/metric_type").asText()).isEqualTo("EVALUATION_SUMMARY");
    }

    @Test
    void roleAndPartyDefaultToTheInitiators() {
        JsonNode r = node.http().post("/v1/tracking/component/metric/all", Map.of("job_id", jobId,
                "component_name", "lr_0"));
        assertThat(r.at("/data/train/loss/data")).hasSize(8);
        JsonNode none = node.http().post("/v1/tracking/component/metric/all", cpn("reader_9"));
        assertThat(none.path("retcode").asInt()).isZero();
        assertThat(none.path("retmsg").asText()).isEqualTo("no data");
        assertThat(none.path("data").isObject() && none.path("data").isEmpty()).isTrue();
    }

    @Test
    void metricsListNamesAndMetricDataIsSortedWithTopLevelMeta() {
        JsonNode names = node.http().post("/v1/tracking/component/metrics", cpn("lr_0"));
        assertThat(names.at("/data/train").toString()).contains("loss");

        Map<String, Object> req = new HashMap<>(cpn("lr_0"));
        req.put("metric_namespace", "train");
        req.put("metric_name", "loss");
        JsonNode r = node.http().post("/v1/tracking/component/metric_data", req);
        assertThat(r.path("retcode").asInt()).as(r.toString()).isZero();
        assertThat(r.path("meta").path("metric_type").asText()).isEqualTo("LOSS");
        List<Integer> keys = new ArrayList<>();
        r.path("data").forEach(p -> keys.add(p.get(0).asInt()));
        assertThat(keys).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);

        JsonNode missing = node.http().post("/v1/tracking/component/metric_data", cpn("lr_0"));
        assertThat(missing.path("retcode").asInt()).isEqualTo(101);
        assertThat(missing.path("retmsg").asText()).contains("metric_namespace");
    }

    @Test
    void outputModelHasTheWeightsAndItsMeta() {
        JsonNode r = node.http().post("/v1/tracking/component/output/model", cpn("lr_0"));
        assertThat(r.path("retcode").asInt()).as(r.toString()).isZero();
        assertThat(r.at("/data/weight").fieldNames()).toIterable().containsExactlyInAnyOrder("x0", "x1", "x2");
        assertThat(r.at("/meta/module_name").asText()).isEqualTo("LR");
        assertThat(r.at("/meta/meta_data").isObject()).isTrue();

        JsonNode none = node.http().post("/v1/tracking/component/output/model", cpn("reader_0"));
        assertThat(none.path("retmsg").asText()).isEqualTo("no data");
        assertThat(none.path("retcode").asInt()).isZero();
    }

    @Test
    void outputDataShowsRowsHeaderAndTotal() {
        JsonNode r = node.http().post("/v1/tracking/component/output/data", cpn("data_transform_0"));
        assertThat(r.path("retcode").asInt()).as(r.toString()).isZero();
        assertThat(r.path("data")).hasSize(1);
        assertThat(r.at("/data/0")).hasSize(100);
        assertThat(r.at("/data/0/0")).hasSize(5); // id, y, x0, x1, x2
        assertThat(r.at("/meta/header/0").toString()).isEqualTo("[\"id\",\"y\",\"x0\",\"x1\",\"x2\"]");
        assertThat(r.at("/meta/total/0").asInt()).isEqualTo(ROWS);
        assertThat(r.at("/meta/names/0").asText()).isEqualTo("data");

        JsonNode limited = node.http().post("/v1/tracking/component/output/data",
                Map.of("job_id", jobId, "component_name", "lr_0", "limit", 3));
        assertThat(limited.at("/data/0")).hasSize(3);
        assertThat(limited.at("/meta/header/0").toString()).contains("predict_score");
    }

    @Test
    void outputDataTableListsTheTables() {
        JsonNode r = node.http().post("/v1/tracking/component/output/data/table", cpn("feature_scale_0"));
        assertThat(r.path("retcode").asInt()).as(r.toString()).isZero();
        assertThat(r.path("data")).hasSize(1);
        assertThat(r.at("/data/0/data_name").asText()).isEqualTo("data");
        String ns = r.at("/data/0/table_namespace").asText();
        String name = r.at("/data/0/table_name").asText();
        JsonNode info = node.http().post("/v1/table/table_info", Map.of("namespace", ns, "table_name", name));
        assertThat(info.at("/data/count").asInt()).isEqualTo(ROWS);

        JsonNode none = node.http().post("/v1/tracking/component/output/data/table", cpn("nope_0"));
        assertThat(none.path("retcode").asInt()).isEqualTo(100);
    }

    @Test
    void parametersSummaryListAndDataView() {
        JsonNode p = node.http().post("/v1/tracking/component/parameters", cpn("lr_0"));
        assertThat(p.path("retcode").asInt()).as(p.toString()).isZero();
        assertThat(p.at("/data/module").asText()).isEqualTo("LR");
        assertThat(p.at("/data/ComponentParam/max_iter").asInt()).isEqualTo(8);
        assertThat(node.http().post("/v1/tracking/component/parameters", cpn("nope_0")).path("retcode").asInt())
                .isEqualTo(101);

        JsonNode list = node.http().post("/v1/tracking/component/list", Map.of("job_id", jobId));
        assertThat(list.at("/data/components").toString()).isEqualTo(
                "[\"reader_0\",\"data_transform_0\",\"feature_scale_0\",\"lr_0\",\"evaluation_0\"]");
        assertThat(node.http().post("/v1/tracking/component/list", Map.of("job_id", "20200101000000000000"))
                .path("retcode").asInt()).isEqualTo(100);

        JsonNode summary = node.http().post("/v1/tracking/component/summary/download", cpn("reader_0"));
        assertThat(summary.path("retcode").asInt()).as(summary.toString()).isZero();
        assertThat(summary.at("/data/count").asInt()).isEqualTo(ROWS);
        JsonNode noSummary = node.http().post("/v1/tracking/component/summary/download", cpn("nope_0"));
        assertThat(noSummary.path("retcode").asInt()).isEqualTo(210);

        JsonNode view = node.http().post("/v1/tracking/job/data_view", Map.of("job_id", jobId));
        assertThat(view.path("retcode").asInt()).as(view.toString()).isZero();
        assertThat(view.at("/data/dataset/local/0/reader_0").asText()).isEqualTo("tracking.breast");
        assertThat(view.at("/data/roles/local").toString()).contains("0");
        assertThat(view.at("/data/model_summary").isObject()).isTrue();
        assertThat(node.http().post("/v1/tracking/job/data_view", Map.of("job_id", "20200101000000000000"))
                .path("retcode").asInt()).isEqualTo(101);
    }

    @Test
    void summaryDownloadWithAFilenameAnswersTheFile() throws IOException {
        Map<String, Object> asFile = new HashMap<>(cpn("reader_0"));
        asFile.put("filename", "reader_summary.json");
        HttpResponse<String> file = node.http().postRaw("/v1/tracking/component/summary/download",
                FlowHttp.JSON.writeValueAsString(asFile));
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=reader_summary.json");
        JsonNode summary = FlowHttp.JSON.readTree(file.body());
        assertThat(summary.has("retcode")).isFalse();
        assertThat(summary.get("count").asInt()).isEqualTo(ROWS);
        assertThat(file.body()).contains("\n    \"count\": " + ROWS); // as Python's json.dumps(indent=4)

        Map<String, Object> missing = new HashMap<>(cpn("nope_0"));
        missing.put("filename", "nope.json");
        HttpResponse<String> none = node.http().postRaw("/v1/tracking/component/summary/download",
                FlowHttp.JSON.writeValueAsString(missing));
        assertThat(none.statusCode()).isEqualTo(210);
        assertThat(FlowHttp.JSON.readTree(none.body()).get("retcode").asInt()).isEqualTo(210);

        asFile.put("filename", "bad\r\nSet-Cookie: x=1");
        JsonNode refused = node.http().post("/v1/tracking/component/summary/download",
                FlowHttp.JSON.writeValueAsString(asFile));
        assertThat(refused.get("retcode").asInt()).isEqualTo(101);
        assertThat(refused.get("retmsg").asText()).contains("filename");
    }

    @Test
    void dslGenerateWithAFilenameAnswersThePredictDsl() throws IOException {
        JsonNode trainDsl = node.http().post("/v1/job/config", Map.of("job_id", jobId, "role", "local",
                "party_id", "0")).at("/data/dsl");
        String body = FlowHttp.JSON.writeValueAsString(Map.of("train_dsl", trainDsl.toString(),
                "cpn_str", List.of("reader_0", "data_transform_0", "lr_0"), "filename", "predict_dsl.json"));
        HttpResponse<String> file = node.http().postRaw("/v1/job/dsl/generate", body);
        assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=predict_dsl.json");
        assertThat(FlowHttp.JSON.readTree(file.body()).at("/components/lr_0/module").asText()).isEqualTo("LR");
    }

    @Test
    void outputDataDownloadIsARealTarGz() throws IOException {
        String body = FlowHttp.JSON.writeValueAsString(cpn("data_transform_0"));
        HttpResponse<byte[]> r = getWithBody("/v1/tracking/component/output/data/download", body);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.headers().firstValue("content-disposition").orElse("")).isEqualTo(
                "attachment; filename=job_" + jobId + "_data_transform_0_local_0_output_data.tar.gz");
        Map<String, byte[]> entries = TarReader.read(r.body());
        assertThat(entries.keySet()).containsExactly("data.csv", "data.meta");
        List<String> lines = new String(entries.get("data.csv"), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(ROWS + 1);
        assertThat(lines.get(0)).isEqualTo("id,y,x0,x1,x2");
        assertThat(lines.get(1).split(",")).hasSize(5);
        assertThat(json(entries.get("data.meta")).path("header").toString())
                .isEqualTo("[\"id\",\"y\",\"x0\",\"x1\",\"x2\"]");

        // POST works too; limit and head as FATE's client sends them
        HttpResponse<byte[]> limited = postBytes("/v1/tracking/component/output/data/download",
                "{\"job_id\": \"" + jobId + "\", \"component_name\": \"lr_0\", \"limit\": 10, \"head\": false, "
                        + "\"output_path\": \"/tmp/x\"}");
        assertThat(limited.statusCode()).isEqualTo(200);
        List<String> rows = new String(TarReader.read(limited.body()).get("data.csv"), StandardCharsets.UTF_8)
                .lines().toList();
        assertThat(rows).hasSize(10);
        assertThat(rows.get(0)).doesNotContain("predict_score");
    }

    @Test
    void outputDataDownloadErrorsAreNot200() throws IOException {
        HttpResponse<byte[]> unknown = getWithBody("/v1/tracking/component/output/data/download",
                FlowHttp.JSON.writeValueAsString(cpn("nope_0")));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).path("retcode").asInt()).isEqualTo(100);

        Map<String, Object> zero = new HashMap<>(cpn("lr_0"));
        zero.put("limit", 0);
        HttpResponse<byte[]> limit0 = getWithBody("/v1/tracking/component/output/data/download",
                FlowHttp.JSON.writeValueAsString(zero));
        assertThat(limit0.statusCode()).isEqualTo(210);
        assertThat(json(limit0.body()).path("retcode").asInt()).isEqualTo(210);

        // Evaluation declares an output but writes none: FATE's "no data"
        HttpResponse<byte[]> none = getWithBody("/v1/tracking/component/output/data/download",
                FlowHttp.JSON.writeValueAsString(cpn("evaluation_0")));
        assertThat(none.statusCode()).isEqualTo(210);
        assertThat(json(none.body()).path("retmsg").asText()).isEqualTo("no data");

        HttpResponse<byte[]> noJob = getWithBody("/v1/tracking/component/output/data/download", "{}");
        assertThat(noJob.statusCode()).isEqualTo(400);
        assertThat(json(noJob.body()).path("retcode").asInt()).isEqualTo(101);
    }

    @Test
    void jobLogDownloadHasTheScheduleLog() throws IOException {
        HttpResponse<byte[]> r = postBytes("/v1/job/log/download", "{\"job_id\": \"" + jobId + "\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-disposition").orElse(""))
                .isEqualTo("attachment; filename=job_" + jobId + "_log.tar.gz");
        Map<String, byte[]> entries = TarReader.read(r.body());
        assertThat(entries).containsKey(jobId + "/fate_flow_schedule.log");
        assertThat(entries.keySet()).anyMatch(n -> n.endsWith("/lr_0/INFO.log"));
        assertThat(new String(entries.get(jobId + "/fate_flow_schedule.log"), StandardCharsets.UTF_8))
                .contains("job success");

        HttpResponse<byte[]> unknown = postBytes("/v1/job/log/download", "{\"job_id\": \"20200101000000000000\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).path("retcode").asInt()).isEqualTo(101);
    }

    @Test
    void entryNamesPastUstarsHundredBytesKeepTheirFullName() throws Exception {
        // the DSL names the data output (120 bytes of UTF-8, no '/') and the component; both end up in names
        String dataName = "训练数据".repeat(10);
        String component = "data_transform_" + "x".repeat(60);
        String dsl = """
                {"components": {
                  "reader_0": {"module": "Reader", "output": {"data": ["%s"]}},
                  "%s": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.%s"]}},
                         "output": {"data": ["data"], "model": ["model"]}}
                }}""".formatted(dataName, component, dataName);
        String conf = """
                {"dsl_version": 2, "initiator": {"role": "local", "party_id": 0}, "role": {"local": [0]},
                 "component_parameters": {"role": {"local": {"0": {
                   "reader_0": {"table": {"name": "breast", "namespace": "tracking"}},
                   "%s": {"with_label": true, "label_name": "y"}}}}}}
                """.formatted(component);
        String job = submit(dsl, conf);
        waitFor(job, "success");

        HttpResponse<byte[]> data = getWithBody("/v1/tracking/component/output/data/download",
                FlowHttp.JSON.writeValueAsString(Map.of("job_id", job, "role", "local", "party_id", "0",
                        "component_name", "reader_0")));
        assertThat(data.statusCode()).isEqualTo(200);
        Map<String, byte[]> entries = TarReader.read(data.body());
        assertThat(entries.keySet()).containsExactly(dataName + ".csv", dataName + ".meta");
        assertThat((dataName + ".csv").getBytes(StandardCharsets.UTF_8)).hasSizeGreaterThan(100);
        assertThat(new String(entries.get(dataName + ".csv"), StandardCharsets.UTF_8).lines()).hasSize(ROWS + 1);

        HttpResponse<byte[]> logs = postBytes("/v1/job/log/download", "{\"job_id\": \"" + job + "\"}");
        assertThat(logs.statusCode()).isEqualTo(200);
        String log = job + "/local/0/" + component + "/INFO.log";
        assertThat(log.length()).isGreaterThan(100);
        assertThat(TarReader.read(logs.body())).containsKey(log);
    }

    @Test
    void deleteMetricsRemovesThem() throws Exception {
        // on a job of its own, so the other tests keep their metrics
        String job = submit(DSL, conf("tracking", "breast"));
        waitFor(job, "success");
        JsonNode r = node.http().post("/v1/tracking/component/metric/delete",
                Map.of("job_id", job, "component_name", "lr_0"));
        assertThat(r.path("retcode").asInt()).as(r.toString()).isZero();
        assertThat(r.path("retmsg").asText()).isEqualTo("delete status: True");
        JsonNode after = node.http().post("/v1/tracking/component/metric/all", Map.of("job_id", job,
                "component_name", "lr_0"));
        assertThat(after.path("retmsg").asText()).isEqualTo("no data");
        JsonNode other = node.http().post("/v1/tracking/component/metric/all", Map.of("job_id", job,
                "component_name", "evaluation_0"));
        assertThat(other.path("retmsg").asText()).isEqualTo("success");
        assertThat(node.http().post("/v1/tracking/component/metric/delete", Map.of("model", "20200101"))
                .path("retcode").asInt()).isEqualTo(101);
    }

    // ---- gRPC ----

    @Test
    void grpcReadsTheSameAnswers() {
        var stub = TrackingServiceGrpc.newBlockingStub(node.channel());
        FlowResponse all = stub.metricAll(ComponentRef.newBuilder().setJobId(jobId).setComponentName("lr_0").build());
        assertThat(all.getRetcode()).isZero();
        assertThat(all.getData().getStructValue().getFieldsOrThrow("train").getStructValue()
                .getFieldsOrThrow("loss").getStructValue().getFieldsOrThrow("meta").getStructValue()
                .getFieldsOrThrow("metric_type").getStringValue()).isEqualTo("LOSS");

        FlowResponse data = stub.metricData(ComponentRef.newBuilder().setJobId(jobId).setComponentName("lr_0")
                .setMetricNamespace("train").setMetricName("loss").build());
        assertThat(data.getMeta().getFieldsOrThrow("metric_type").getStringValue()).isEqualTo("LOSS");
        assertThat(data.getData().getListValue().getValuesCount()).isEqualTo(8);

        FlowResponse list = stub.componentList(ComponentRef.newBuilder().setJobId(jobId).build());
        assertThat(list.getData().getStructValue().getFieldsOrThrow("components").getListValue().getValuesCount())
                .isEqualTo(5);

        assertThatThrownBy(() -> stub.componentParameters(ComponentRef.newBuilder().setJobId(jobId)
                .setComponentName("nope_0").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("101");
                });
    }

    @Test
    void grpcDownloadsAreTheSameArchives() throws IOException {
        var stub = TrackingServiceGrpc.newBlockingStub(node.channel());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Iterator<DataChunk> chunks = stub.downloadOutputData(ComponentRef.newBuilder().setJobId(jobId)
                .setComponentName("data_transform_0").setRole("local").setPartyId("0").build());
        chunks.forEachRemaining(c -> buf.writeBytes(c.getContent().toByteArray()));
        Map<String, byte[]> entries = TarReader.read(buf.toByteArray());
        assertThat(new String(entries.get("data.csv"), StandardCharsets.UTF_8).lines()).hasSize(ROWS + 1);

        assertThatThrownBy(() -> stub.downloadOutputData(ComponentRef.newBuilder().setJobId(jobId)
                .setComponentName("evaluation_0").build()).forEachRemaining(c -> { }))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("210");
                });

        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        JobServiceGrpc.newBlockingStub(node.channel()).downloadJobLog(JobRef.newBuilder().setJobId(jobId).build())
                .forEachRemaining(c -> logs.writeBytes(c.getContent().toByteArray()));
        assertThat(TarReader.read(logs.toByteArray())).containsKey(jobId + "/fate_flow_schedule.log");
    }
}
