package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.TestNode;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.ListTasksRequest;
import io.fedflow.proto.v1.QueryJobRequest;
import io.fedflow.proto.v1.StopJobRequest;
import io.fedflow.proto.v1.SubmitJobRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real jobs on a real node: submitted over JSON, run by the scheduler, read back over JSON. */
class JobsApiTest {
    static final Set<String> END = Set.of("success", "failed", "canceled", "timeout");
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();
    static FlowHttp http;

    @BeforeAll
    static void upload() throws Exception {
        http = node.http();
        upload(http, "experiment", "breast_hetero_guest", Path.of("../examples/data/breast_hetero_guest.csv"));
    }

    static void upload(FlowHttp h, String ns, String name, Path file) throws IOException {
        JsonNode r = FlowHttp.JSON.readTree(h.pythonUpload(file, "{\"head\": 1, \"partition\": 4, \"namespace\": \""
                + ns + "\", \"table_name\": \"" + name + "\", \"id_delimiter\": \",\", \"drop\": 1}").body());
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
    }

    static final String DSL = LocalJobs.DSL;

    static String conf(String table, String lrParams, String jobParams) {
        return LocalJobs.conf(table, lrParams, jobParams);
    }

    static JsonNode submit(FlowHttp h, String dsl, String conf) {
        return h.post("/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": " + conf + "}");
    }

    static JsonNode job(FlowHttp h, String jobId) {
        JsonNode q = h.post("/v1/job/query", Map.of("job_id", jobId));
        assertThat(q.get("data")).as(q.toString()).isNotEmpty();
        return q.get("data").get(0);
    }

    static String await(FlowHttp h, String jobId, Duration timeout, Set<String> statuses) throws Exception {
        String[] last = {""};
        try {
            return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .until(() -> last[0] = job(h, jobId).get("f_status").asText(), statuses::contains);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("job " + jobId + " still " + last[0] + " after " + timeout);
        }
    }

    static void awaitTask(FlowHttp h, String jobId, String component, String status) throws Exception {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> h.post("/v1/job/task/query", Map.of("job_id", jobId, "component_name", component)),
                            t -> t.get("retcode").asInt() == 0 && status.equals(t.at("/data/0/f_status").asText()));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("task " + component + " of " + jobId + " never became " + status);
        }
    }

    @Test
    void localBreastJobRunsToSuccessWithAGoodModel() throws Exception {
        JsonNode r = submit(http, DSL, conf("breast_hetero_guest", "\"penalty\": \"L2\", \"optimizer\": \"rmsprop\", \"alpha\": 0.01, "
                + "\"max_iter\": 30, \"learning_rate\": 0.15, \"init_param\": {\"init_method\": \"random_uniform\"}", ""));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(r.at("/data/model_info/model_id").asText()).isEqualTo("local-0#model");
        assertThat(r.at("/data/model_info/model_version").asText()).isEqualTo(jobId);
        assertThat(r.at("/data/logs_directory").asText()).endsWith(jobId);

        assertThat(await(http, jobId, Duration.ofSeconds(120), END)).isEqualTo("success");
        JsonNode row = job(http, jobId);
        assertThat(row.get("f_progress").asInt()).isEqualTo(100);
        assertThat(row.get("f_end_time").asLong()).isGreaterThanOrEqualTo(row.get("f_start_time").asLong());

        JsonNode tasks = http.post("/v1/job/task/query", Map.of("job_id", jobId));
        assertThat(tasks.get("data")).hasSize(5);
        tasks.get("data").forEach(t -> assertThat(t.get("f_status").asText()).isEqualTo("success"));

        // the evaluation's summary holds the AUC, computed from the LR's predictions
        double auc = node.node().database().dsl().fetchOne("SELECT f_summary::text FROM t_component_summary "
                        + "WHERE f_job_id = ? AND f_component_name = 'evaluation_0'", jobId)
                .get(0, String.class).transform(s -> {
                    try {
                        return FlowHttp.JSON.readTree(s).findValue("auc").asDouble();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
        assertThat(auc).isGreaterThanOrEqualTo(0.97);

        JsonNode list = http.post("/v1/job/list/job", Map.of("limit", 5, "job_id", jobId));
        assertThat(list.at("/data/count").asInt()).isEqualTo(1);
        assertThat(list.at("/data/jobs/0/status").asText()).isEqualTo("success");
        assertThat(list.at("/data/jobs/0/partners").isArray()).isTrue();

        JsonNode config = http.post("/v1/job/config", Map.of("job_id", jobId));
        assertThat(config.at("/data/dsl/components").size()).isEqualTo(5);
        assertThat(config.at("/data/runtime_conf/role/local/0").asText()).isEqualTo("0");

        JsonNode dag = http.post("/v1/pipeline/dag/dependency", Map.of("job_id", jobId, "role", "local",
                "party_id", "0"));
        assertThat(dag.at("/data/component_list").toString())
                .isEqualTo("[\"reader_0\",\"data_transform_0\",\"feature_scale_0\",\"lr_0\",\"evaluation_0\"]");
        assertThat(dag.at("/data/dependencies/lr_0/0/component_name").asText()).isEqualTo("feature_scale_0");

        Path logs = Path.of(http.post("/v1/job/log/path", Map.of("job_id", jobId)).at("/data/logs_directory").asText());
        assertThat(Files.readString(logs.resolve("fate_flow_schedule.log"))).contains("job success");
        assertThat(logs.resolve("local/0/lr_0/INFO.log")).exists();

        JsonNode notes = http.post("/v1/job/update", Map.of("job_id", jobId, "role", "local", "party_id", "0",
                "notes", "breast baseline"));
        assertThat(notes.get("retcode").asInt()).isZero();
        assertThat(job(http, jobId).get("f_description").asText()).isEqualTo("breast baseline");
    }

    @Test
    void uploadAndDownloadAreComponentsOfOrdinaryJobs() throws Exception {
        Files.createDirectories(node.config().importDir());
        Files.copy(Path.of("../examples/data/breast_hetero_guest.csv"),
                node.config().importDir().resolve("guest.csv"), StandardCopyOption.REPLACE_EXISTING);
        String dsl = "{\"components\": {\"upload_0\": {\"module\": \"Upload\"}, "
                + "\"download_0\": {\"module\": \"Download\"}}}";
        String conf = "{\"dsl_version\": 2, \"initiator\": {\"role\": \"local\", \"party_id\": 0}, "
                + "\"role\": {\"local\": [0]}, \"job_parameters\": {\"common\": {\"task_cores\": 1}}, "
                + "\"component_parameters\": {\"common\": {"
                + "\"upload_0\": {\"file\": \"guest.csv\", \"head\": 1, \"partition\": 2, "
                + "\"namespace\": \"dsl\", \"table_name\": \"guest\"}, "
                + "\"download_0\": {\"namespace\": \"experiment\", \"table_name\": \"breast_hetero_guest\", "
                + "\"output_path\": \"dsl/guest.csv\"}}}}";
        JsonNode r = submit(http, dsl, conf);
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(await(http, jobId, Duration.ofSeconds(60), END)).isEqualTo("success");
        assertThat(http.post("/v1/table/table_info", Map.of("namespace", "dsl", "table_name", "guest"))
                .at("/data/count").asInt()).isEqualTo(569);
        assertThat(Files.readAllLines(node.config().exportDir().resolve("dsl/guest.csv"))).hasSize(570);
        JsonNode refused = submit(http, dsl, conf.replace("\"guest.csv\"", "\"../../etc/passwd\"")
                .replace("\"table_name\": \"guest\"", "\"table_name\": \"escape\""));
        assertThat(refused.get("retcode").asInt()).isZero(); // accepted; the task refuses the path
        String bad = refused.get("jobId").asText();
        assertThat(await(http, bad, Duration.ofSeconds(60), END)).isEqualTo("failed");
        assertThat(http.post("/v1/job/task/query", Map.of("job_id", bad, "component_name", "upload_0"))
                .at("/data/0/f_error_report").asText()).contains("outside the import directory");
    }

    @Test
    void theSameJobOverGrpc() throws Exception {
        var channel = NettyChannelBuilder.forAddress("127.0.0.1", node.httpPort())
                .usePlaintext().build();
        try {
            var stub = JobServiceGrpc.newBlockingStub(channel);
            var dsl = Struct.newBuilder();
            JsonFormat.parser().merge(DSL, dsl);
            var conf = Struct.newBuilder();
            JsonFormat.parser().merge(conf("breast_hetero_guest",
                    "\"max_iter\": 3", ""), conf);
            var submitted = stub.submitJob(SubmitJobRequest.newBuilder()
                    .setDsl(dsl).setRuntimeConf(conf).build());
            assertThat(submitted.getRetcode()).isZero();
            String jobId = submitted.getJobId();
            assertThat(await(http, jobId, Duration.ofSeconds(60), END)).isEqualTo("success");
            var rows = stub.queryJob(QueryJobRequest.newBuilder().setJobId(jobId).build());
            assertThat(rows.getData().getListValue().getValues(0).getStructValue().getFieldsOrThrow("f_status")
                    .getStringValue()).isEqualTo("success");
            var tasks = stub.listTasks(ListTasksRequest.newBuilder().setJobId(jobId).build());
            assertThat(tasks.getData().getStructValue().getFieldsOrThrow("count").getNumberValue()).isEqualTo(5);
            var bad = Assertions.catchThrowableOfType(StatusRuntimeException.class,
                    () -> stub.stopJob(StopJobRequest.newBuilder().setJobId(jobId).build()));
            assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(bad.getTrailers().get(RetCode.TRAILER)).isEqualTo("103");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void submitRefusesBadJobsBeforeCreatingAnything() {
        JsonNode unknownModule = submit(http, DSL.replace("\"module\": \"LR\"", "\"module\": \"Magic\""),
                conf("breast_hetero_guest", "", ""));
        assertThat(unknownModule.get("retcode").asInt()).isEqualTo(101);
        assertThat(unknownModule.get("retmsg").asText()).contains("lr_0", "Magic");
        JsonNode missingTable = submit(http, DSL, conf("no_such_table", "", ""));
        assertThat(missingTable.get("retcode").asInt()).isEqualTo(102);
        assertThat(missingTable.get("retmsg").asText()).contains("reader_0", "experiment.no_such_table");
        JsonNode wrongType = submit(http, DSL, conf("breast_hetero_guest", "\"max_iter\": \"many\"", ""));
        assertThat(wrongType.get("retcode").asInt()).isEqualTo(101);
        assertThat(wrongType.get("retmsg").asText()).contains("lr_0", "max_iter");
        JsonNode otherSite = submit(http, DSL, conf("breast_hetero_guest", "", "")
                .replace("\"local\": [0]", "\"guest\": [10000]").replace("\"role\": \"local\"", "\"role\": \"guest\"")
                .replace("\"party_id\": 0", "\"party_id\": 10000").replace("\"local\": {\"0\"", "\"guest\": {\"0\""));
        assertThat(otherSite.get("retcode").asInt()).isEqualTo(103);
        assertThat(otherSite.get("retmsg").asText()).contains("10000");
        JsonNode noBody = http.post("/v1/job/submit", "{}");
        assertThat(noBody.get("retcode").asInt()).isEqualTo(101);
        assertThat(http.post("/v1/job/query", Map.of("status", "waiting")).get("data")).isEmpty();
    }

    @Test
    void stopCancelsARunningJobPromptly() throws Exception {
        JsonNode r = submit(http, DSL, conf("breast_hetero_guest",
                "\"max_iter\": 1000000, \"tol\": 0.0, \"batch_size\": 32", ""));
        String jobId = r.get("jobId").asText();
        awaitTask(http, jobId, "lr_0", "running");
        long t0 = System.nanoTime();
        JsonNode stop = http.post("/v1/job/stop", Map.of("job_id", jobId));
        assertThat(stop.get("retcode").asInt()).as(stop.toString()).isZero();
        assertThat(await(http, jobId, Duration.ofSeconds(5), END)).isEqualTo("canceled");
        awaitTask(http, jobId, "lr_0", "canceled");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(http.post("/v1/job/stop", Map.of("job_id", jobId)).get("retcode").asInt()).isEqualTo(103);
        assertThat(http.post("/v1/job/stop", Map.of("job_id", "1")).get("retcode").asInt()).isEqualTo(102);
    }

    @Test
    void aFailedJobCanBeFixedAndRerun() throws Exception {
        String bad = conf("breast_hetero_guest", "\"max_iter\": 5", "")
                .replace("\"label_name\": \"y\"", "\"label_name\": \"no_such_column\"");
        String jobId = submit(http, DSL, bad).get("jobId").asText();
        assertThat(await(http, jobId, Duration.ofSeconds(60), END)).isEqualTo("failed");
        JsonNode failedTask = http.post("/v1/job/task/query", Map.of("job_id", jobId,
                "component_name", "data_transform_0"));
        assertThat(failedTask.at("/data/0/f_status").asText()).isEqualTo("failed");
        assertThat(failedTask.at("/data/0/f_error_report").asText()).contains("no_such_column");
        assertThat(job(http, jobId).get("f_error_report").asText()).contains("no_such_column");

        JsonNode update = http.post("/v1/job/parameter/update", "{\"job_id\": \"" + jobId + "\", "
                + "\"component_parameters\": {\"role\": {\"local\": {\"0\": {\"data_transform_0\": "
                + "{\"label_name\": \"y\"}}}}}}");
        assertThat(update.get("retcode").asInt()).as(update.toString()).isZero();
        JsonNode rerun = http.post("/v1/job/rerun", Map.of("job_id", jobId));
        assertThat(rerun.get("retcode").asInt()).as(rerun.toString()).isZero();
        assertThat(rerun.at("/data/components").toString()).doesNotContain("reader_0").contains("data_transform_0");
        assertThat(await(http, jobId, Duration.ofSeconds(60), END)).isEqualTo("success");
        JsonNode versions = http.post("/v1/job/task/query", Map.of("job_id", jobId,
                "component_name", "data_transform_0", "only_latest", false));
        assertThat(versions.get("data")).hasSize(2);
        // rerun while running, or of a job that succeeded without force, is refused
        assertThat(http.post("/v1/job/rerun", Map.of("job_id", jobId)).get("retcode").asInt()).isEqualTo(103);
        assertThat(http.post("/v1/job/rerun", Map.of("job_id", jobId, "component_name", "lr_0", "force", true))
                .get("retcode").asInt()).isZero();
        assertThat(await(http, jobId, Duration.ofSeconds(60), END)).isEqualTo("success");
    }

    @Test
    void timeoutAndAutoRetriesAreHonoured() throws Exception {
        String slow = conf("breast_hetero_guest", "\"max_iter\": 1000000, \"tol\": 0.0, \"batch_size\": 32",
                ", \"timeout\": 2");
        String timedOut = submit(http, DSL, slow).get("jobId").asText();
        assertThat(await(http, timedOut, Duration.ofSeconds(20), END)).isEqualTo("timeout");

        // a task that fails is retried auto_retries times, each try a new task version
        String failing = conf("breast_hetero_guest", "\"max_iter\": 5", ", \"auto_retries\": 1")
                .replace("\"label_name\": \"y\"", "\"label_name\": \"no_such_column\"");
        String retried = submit(http, DSL, failing).get("jobId").asText();
        assertThat(await(http, retried, Duration.ofSeconds(60), END)).isEqualTo("failed");
        JsonNode versions = http.post("/v1/job/task/query", Map.of("job_id", retried,
                "component_name", "data_transform_0", "only_latest", false));
        assertThat(versions.get("data")).hasSize(2);
        versions.get("data").forEach(v -> assertThat(v.get("f_status").asText()).isEqualTo("failed"));
        assertThat(http.post("/v1/job/task/query", Map.of("job_id", retried, "component_name", "lr_0"))
                .at("/data/0/f_status").asText()).isEqualTo("waiting");
    }

    @Test
    void jobsWaitInTheQueueWhileCoresAreShort() throws Exception {
        TestNode small = TestNode.builder("9999").configure(b -> b.cores(2)).build().start();
        try {
            FlowHttp h = small.http();
            upload(h, "experiment", "breast_hetero_guest", Path.of("../examples/data/breast_hetero_guest.csv"));
            String slow = conf("breast_hetero_guest", "\"max_iter\": 1000000, \"tol\": 0.0, \"batch_size\": 32", "")
                    .replace("\"task_cores\": 1", "\"task_cores\": 2");
            String first = submit(h, DSL, slow).get("jobId").asText();
            awaitTask(h, first, "reader_0", "success");
            String second = submit(h, DSL, slow).get("jobId").asText();
            // while the first holds both cores, the second stays in the queue
            Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                    .until(() -> job(h, second).get("f_status").asText(), "waiting"::equals);
            JsonNode queued = job(h, second);
            assertThat(queued.get("f_status").asText()).isEqualTo("waiting");
            assertThat(queued.get("f_queue_position").asInt()).isEqualTo(1);
            JsonNode res = h.post("/v1/resource/query", "{}");
            assertThat(res.at("/data/computing_engine_resource/f_remaining_cores").asInt()).isZero();
            assertThat(res.at("/data/use_resource_job/0/job_id").asText()).isEqualTo(first);
            assertThat(res.at("/data/use_resource_job/0/role").asText()).isEqualTo("local");
            assertThat(res.at("/data/use_resource_job/0/party_id").asText()).isEqualTo("0");
            assertThat(res.at("/data/use_resource_job/0/core").asInt()).isEqualTo(2);
            JsonNode tooBig = submit(h, DSL, slow.replace("\"task_cores\": 2", "\"task_cores\": 3"));
            assertThat(tooBig.get("retcode").asInt()).isEqualTo(103);

            assertThat(h.post("/v1/job/stop", Map.of("job_id", first)).get("retcode").asInt()).isZero();
            await(h, second, Duration.ofSeconds(10), Set.of("running"));
            JsonNode cleaned = h.post("/v1/job/clean/queue", "{}");
            assertThat(cleaned.get("retcode").asInt()).isZero();
            assertThat(h.post("/v1/job/stop", Map.of("job_id", second)).get("retcode").asInt()).isZero();
            assertThat(h.post("/v1/resource/query", "{}").at("/data/computing_engine_resource/f_remaining_cores")
                    .asInt()).isEqualTo(2);
        } finally {
            small.stop();
        }
    }

    @Test
    void aRestartMidJobFailsTheRunningTaskWithTheReason() throws Exception {
        TestNode site = TestNode.builder("9999").build().start();
        String jobId;
        try {
            FlowHttp h = site.http();
            upload(h, "experiment", "breast_hetero_guest", Path.of("../examples/data/breast_hetero_guest.csv"));
            jobId = submit(h, DSL, conf("breast_hetero_guest",
                    "\"max_iter\": 1000000, \"tol\": 0.0, \"batch_size\": 32", "")).get("jobId").asText();
            awaitTask(h, jobId, "lr_0", "running");
            site.restart();
            h = site.http();
            assertThat(await(h, jobId, Duration.ofSeconds(20), END)).isEqualTo("failed");
            JsonNode lr = h.post("/v1/job/task/query", Map.of("job_id", jobId, "component_name", "lr_0"));
            assertThat(lr.at("/data/0/f_status").asText()).isEqualTo("failed");
            assertThat(lr.at("/data/0/f_error_report").asText()).contains("restarted");
            // nothing stays running, and the job can be rerun to the end with fewer iterations
            JsonNode upd = h.post("/v1/job/parameter/update", "{\"job_id\": \"" + jobId + "\", \"component_parameters\": "
                    + "{\"common\": {\"lr_0\": {\"max_iter\": 5}}}}");
            assertThat(upd.get("retcode").asInt()).as(upd.toString()).isZero();
            assertThat(h.post("/v1/job/rerun", Map.of("job_id", jobId)).get("retcode").asInt()).isZero();
            assertThat(await(h, jobId, Duration.ofSeconds(60), END)).isEqualTo("success");
        } finally {
            site.stop();
        }
    }

}
