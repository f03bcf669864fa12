package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.FeatureService;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.PipelineCsv;
import io.fedflow.node.testing.Uploads;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FATE's ApiReader over a real third-party data service (seed 003) on loopback, registered with
 * /v1/service/registry: a guest job Reader -> ApiReader -> DataTransform -> LR trains on the features the
 * service answered for the ids it was sent; each way a service can fail fails the task with the service's own
 * answer and leaves no output table.
 */
class ApiReaderTest {
    /** The download cap of this node: the served features of 280 ids fit, a service's flood does not. */
    private static final long DOWNLOAD_CAP = 64 * 1024;
    private static final Path FEATURES = Path.of("../examples/data/breast_hetero_guest.csv");
    /** The ids the guest's table holds: every other id of the breast data, 280 of them. */
    private static final List<String> IDS = IntStream.range(0, 280).mapToObj(i -> Integer.toString(2 * i)).toList();

    private static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "api_reader_0": {"module": "ApiReader", "input": {"data": {"data": ["reader_0.data"]}},
                               "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["api_reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "lr_0": {"module": "LR", "input": {"data": {"train_data": ["data_transform_0.data"]}},
                       "output": {"data": ["data"], "model": ["model"]}}}}""";

    /** ApiReader alone after the Reader, for a run whose output is not trained on. */
    private static final String READ_ONLY_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "api_reader_0": {"module": "ApiReader", "input": {"data": {"data": ["reader_0.data"]}},
                               "output": {"data": ["data"]}}}}""";

    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().configure(b -> b.limits(Limits.builder()
            .apiReaderMaxDownload(DOWNLOAD_CAP).apiReaderPollInterval(Duration.ofMillis(50)).build())).build();

    @BeforeAll
    static void uploadIds() throws IOException {
        Uploads.csv(node.http(), "experiment", "api_ids",
                "id,batch\n" + IDS.stream().map(id -> id + ",1\n").collect(Collectors.joining()));
    }

    /** The conf: guest 9999 alone, ApiReader's parameters as given (a JSON object's fields). */
    private static String conf(String apiReaderParams) {
        return """
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999}, "role": {"guest": [9999]},
                 "job_parameters": {"common": {"task_cores": 1}},
                 "component_parameters": {"common": {"lr_0": {"max_iter": 5}},
                   "role": {"guest": {"0": {"reader_0": {"table": {"name": "api_ids", "namespace": "experiment"}},
                                            "api_reader_0": {%s},
                                            "data_transform_0": {"with_label": true, "label_name": "y"}}}}}}"""
                .formatted(apiReaderParams);
    }

    private static String params(String server) {
        return "\"server_name\": \"" + server + "\", \"parameters\": {\"stat_month\": \"202201\", \"version\": \"v1\"}";
    }

    private static JsonNode submit(String conf) {
        return submit(DSL, conf);
    }

    private static JsonNode submit(String dsl, String conf) {
        return node.http().post("/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": " + conf + "}");
    }

    private static String run(String conf, String status) {
        return run(DSL, conf, status);
    }

    /** Submits, waits for the job to end, answers its job id; the job must end as {@code status}. */
    private static String run(String dsl, String conf, String status) {
        JsonNode submitted = submit(dsl, conf);
        assertThat(submitted.get("retcode").asInt()).as(submitted.toString()).isZero();
        String jobId = submitted.get("jobId").asText();
        await().atMost(Duration.ofMinutes(2)).until(() -> Set.of("success", "failed", "canceled", "timeout")
                .contains(job(jobId).path("f_status").asText()));
        assertThat(job(jobId).path("f_status").asText()).as(job(jobId).toString()).isEqualTo(status);
        return jobId;
    }

    private static JsonNode job(String jobId) {
        return node.http().post("/v1/job/query", Map.of("job_id", jobId)).at("/data/0");
    }

    private static JsonNode task(String jobId, String component) {
        return node.http().post("/v1/job/task/query", Map.of("job_id", jobId, "component_name", component))
                .at("/data/0");
    }

    /** ApiReader's failed task, with its report; its output table must not exist. */
    private static String failure(String jobId) {
        JsonNode t = task(jobId, "api_reader_0");
        assertThat(t.path("f_status").asText()).as(t.toString()).isEqualTo("failed");
        JsonNode table = node.http().post("/v1/table/table_info", Map.of("namespace", "output_data_" + jobId,
                "table_name", "api_reader_0_0_guest_9999_data"));
        assertThat(table.at("/data/exist").asInt()).as(table.toString()).isZero();
        JsonNode tables = node.http().post("/v1/tracking/component/output/data/table", Map.of("job_id", jobId,
                "role", "guest", "party_id", "9999", "component_name", "api_reader_0"));
        assertThat(tables.path("data").toString()).doesNotContain("api_reader_0_0_guest_9999_data");
        return t.path("f_error_report").asText();
    }

    @Test
    void aJobTrainsOnTheFeaturesTheServiceAnsweredForTheIdsItWasSent() {
        try (FeatureService service = FeatureService.start(FeatureService.Mode.SERVE, FEATURES)) {
            service.register(node.http(), "featsrv");
            String jobId = run(conf(params("featsrv")), "success");

            // the service got the ids of the input table, the parameters as requestBody, then its jobId back
            assertThat(service.uploadedIds).containsExactlyInAnyOrderElementsOf(IDS);
            assertThat(service.requestBodies).hasSize(1);
            assertThat(parse(service.requestBodies.get(0)))
                    .isEqualTo(parse("{\"stat_month\": \"202201\", \"version\": \"v1\"}"));
            // running, then success: polled twice, and downloaded once
            assertThat(service.queried).containsExactly(FeatureService.JOB_ID, FeatureService.JOB_ID);
            assertThat(service.downloaded).containsExactly(FeatureService.JOB_ID);

            // the output table holds exactly the ids sent, each with the features served for it
            Map<String, byte[]> out = PipelineCsv.download(node.http(), Map.of("job_id", jobId, "role", "guest",
                    "party_id", "9999", "component_name", "api_reader_0"));
            List<String> lines = new String(out.get("data.csv"), StandardCharsets.UTF_8).lines().toList();
            assertThat(lines.get(0)).isEqualTo(service.header());
            List<String> rows = lines.subList(1, lines.size());
            assertThat(rows.stream().map(l -> l.substring(0, l.indexOf(','))).toList())
                    .containsExactlyInAnyOrderElementsOf(IDS);
            rows.forEach(r -> assertThat(r).isEqualTo(service.row(r.substring(0, r.indexOf(',')))));

            JsonNode metric = node.http().post("/v1/tracking/component/metric_data", Map.of("job_id", jobId,
                    "role", "guest", "party_id", "9999", "component_name", "api_reader_0",
                    "metric_namespace", "api_reader", "metric_name", "upload"));
            assertThat(metric.at("/data/0/0").asText()).as(metric.toString()).isEqualTo("count");
            assertThat(metric.at("/data/0/1").asInt()).isEqualTo(IDS.size());

            // DataTransform read y and x0..x9 from what was fetched, and LR trained on all of it
            JsonNode dt = node.http().post("/v1/table/table_info", Map.of("namespace", "output_data_" + jobId,
                    "table_name", "lr_0_0_guest_9999_data"));
            assertThat(dt.at("/data/count").asInt()).as(dt.toString()).isEqualTo(IDS.size());
            JsonNode model = node.http().post("/v1/tracking/component/output/model", Map.of("job_id", jobId,
                    "role", "guest", "party_id", "9999", "component_name", "lr_0"));
            assertThat(model.at("/data/header").toString()).as(model.toString())
                    .contains("x0", "x9").doesNotContain("batch");
        }
    }

    @Test
    void withoutServerNameTheInputPassesThrough() {
        String jobId = run(READ_ONLY_DSL, """
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999}, "role": {"guest": [9999]},
                 "job_parameters": {"common": {"task_cores": 1}},
                 "component_parameters": {"role": {"guest": {"0": {
                   "reader_0": {"table": {"name": "api_ids", "namespace": "experiment"}},
                   "api_reader_0": {"server_name": "", "parameters": {}}}}}}}""", "success");
        Map<String, byte[]> out = PipelineCsv.download(node.http(), Map.of("job_id", jobId, "role", "guest",
                "party_id", "9999", "component_name", "api_reader_0"));
        List<String> lines = new String(out.get("data.csv"), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).isEqualTo("id,batch");
        assertThat(lines.subList(1, lines.size())).containsExactlyInAnyOrderElementsOf(
                IDS.stream().map(id -> id + ",1").toList());
    }

    @Test
    void withExtendSidEveryServedColumnIsAFeatureUnderGeneratedIds() {
        try (FeatureService service = FeatureService.start(FeatureService.Mode.SERVE, FEATURES)) {
            service.register(node.http(), "extsrv");
            String jobId = run(READ_ONLY_DSL, """
                    {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999}, "role": {"guest": [9999]},
                     "job_parameters": {"common": {"task_cores": 1}},
                     "component_parameters": {"role": {"guest": {"0": {
                       "reader_0": {"table": {"name": "api_ids", "namespace": "experiment"}},
                       "api_reader_0": {"server_name": "extsrv", "extend_sid": true}}}}}}""", "success");
            Map<String, byte[]> out = PipelineCsv.download(node.http(), Map.of("job_id", jobId, "role", "guest",
                    "party_id", "9999", "component_name", "api_reader_0"));
            List<String> lines = new String(out.get("data.csv"), StandardCharsets.UTF_8).lines().toList();
            assertThat(lines.get(0)).isEqualTo("sid," + service.header());
            List<String> rows = lines.subList(1, lines.size());
            assertThat(rows.stream().map(l -> l.substring(0, l.indexOf(','))).distinct()).hasSize(IDS.size())
                    .doesNotContainAnyElementsOf(IDS);
            assertThat(rows.stream().map(l -> l.substring(l.indexOf(',') + 1)).toList())
                    .containsExactlyInAnyOrderElementsOf(IDS.stream().map(service::row).toList());
        }
    }

    @Test
    void anUploadAnsweringANonZeroCodeFailsTheTaskWithTheServicesMessage() {
        try (FeatureService service = FeatureService.start(FeatureService.Mode.UPLOAD_REFUSED, FEATURES)) {
            service.register(node.http(), "refusing");
            String report = failure(run(conf(params("refusing")), "failed"));
            assertThat(report).contains("upload service of server REFUSING", "POST http://127.0.0.1:" + service.port()
                    + "/api/upload", "code 1001", "quota exceeded for this month");
            assertThat(service.queried).isEmpty();
        }
    }

    @Test
    void aQueryThatSaysFailedFailsTheTaskWithTheServicesMessage() {
        try (FeatureService service = FeatureService.start(FeatureService.Mode.QUERY_FAILED, FEATURES)) {
            service.register(node.http(), "failing");
            String report = failure(run(conf(params("failing")), "failed"));
            assertThat(report).contains("query service of server FAILING", FeatureService.JOB_ID, "is failed",
                    "source table feature_202201 is missing");
            assertThat(service.downloaded).isEmpty();
        }
    }

    @Test
    void aQueryThatNeverSaysSuccessFailsTheTaskAtTheComponentsTimeout() {
        try (FeatureService service = FeatureService.start(FeatureService.Mode.QUERY_RUNNING_FOREVER, FEATURES)) {
            service.register(node.http(), "slow");
            String report = failure(run(conf(params("slow") + ", \"timeout\": 1"), "failed"));
            assertThat(report).contains("query service of server SLOW", "did not say success",
                    "timeout of 1 s", "last status: running");
            // polled more than once, backing off up to the node's interval, and never downloaded
            assertThat(service.queried.size()).isGreaterThan(1);
            assertThat(service.downloaded).isEmpty();
        }
    }

    @Test
    void aDownloadPastTheCapFailsTheTaskAndWritesNothing() {
        try (FeatureService service = FeatureService.start(FeatureService.Mode.DOWNLOAD_HUGE, FEATURES)) {
            service.register(node.http(), "flood");
            String report = failure(run(conf(params("flood")), "failed"));
            assertThat(report).contains("download service of server FLOOD", "more than " + DOWNLOAD_CAP + " bytes",
                    Limits.API_READER_MAX_DOWNLOAD_FLAG);
        }
    }

    @Test
    void aServiceThatIsDownFailsTheTaskNamingTheCall() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        FeatureService.register(node.http(), "gone", closedPort);
        String report = failure(run(conf(params("gone")), "failed"));
        assertThat(report).contains("upload service of server GONE", "127.0.0.1:" + closedPort, "could not be called",
                "ConnectException");
    }

    @Test
    void anUnknownServerNameIsRefusedAtSubmitNamingIt() {
        int jobs = jobCount();
        JsonNode r = submit(conf(params("nosuchsrv")));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(101);
        assertThat(r.get("retmsg").asText()).contains("api_reader_0", "ApiReader", "role guest party 9999",
                "server_name", "NOSUCHSRV", "not registered");

        // a server with only some of the three services will not do either
        node.http().post("/v1/server/halfsrv/register", "{\"host\": \"127.0.0.1\", \"port\": 9}");
        node.http().post("/v1/service/registry", "{\"server_name\": \"halfsrv\", \"service_name\": \"upload\", "
                + "\"uri\": \"/u\"}");
        JsonNode half = submit(conf(params("halfsrv")));
        assertThat(half.get("retcode").asInt()).as(half.toString()).isEqualTo(101);
        assertThat(half.get("retmsg").asText()).contains("HALFSRV", "no query, download service");
        assertThat(jobCount()).as("jobs after refused submits").isEqualTo(jobs);
    }

    @Test
    void badParametersAreRefusedAtSubmit() {
        int jobs = jobCount();
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"\"server_name\": 7", "parameter server_name must be a string"});
        cases.add(new String[] {"\"parameters\": \"x\"", "parameter parameters must be an object"});
        cases.add(new String[] {"\"timeout\": 0", "parameter timeout must be at least 1"});
        cases.add(new String[] {"\"head\": \"yes\"", "parameter head"});
        cases.add(new String[] {"\"id_delimiter\": \"\"", "parameter id_delimiter"});
        cases.add(new String[] {"\"extend_sid\": 2", "parameter extend_sid must be a boolean"});
        cases.add(new String[] {"\"service_name\": \"x\"", "unknown parameter service_name"});
        for (String[] c : cases) {
            JsonNode r = submit(conf(c[0]));
            assertThat(r.get("retcode").asInt()).as(c[0] + " " + r).isEqualTo(101);
            assertThat(r.get("retmsg").asText()).as(c[0]).contains("api_reader_0", c[1]);
        }
        assertThat(jobCount()).as("jobs after refused submits").isEqualTo(jobs);
    }

    @Test
    void theComponentIsListedWithFatesParametersAndRoles() {
        JsonNode c = node.http().post("/v1/component/ApiReader/get", Map.of());
        assertThat(c.get("retcode").asInt()).as(c.toString()).isZero();
        assertThat(c.at("/data/roles")).extracting(JsonNode::asText).containsExactlyInAnyOrder("guest", "host");
        List<String> names = new ArrayList<>();
        c.at("/data/parameters").fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("server_name", "parameters", "id_delimiter", "head", "extend_sid",
                "timeout");
    }

    private static int jobCount() {
        return node.http().post("/v1/job/query", "{}").get("data").size();
    }

    private static JsonNode parse(String json) {
        try {
            return FlowHttp.JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
    }
}
