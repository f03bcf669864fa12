package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The model registry: a train job that succeeds becomes a model with its components' models, and a predict
 * job reads its models from there; uploads, failed jobs and predict jobs make no model.
 */
class ModelRegistryTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static final String MODEL_ID = LocalJobs.MODEL_ID;
    private static final String PREDICT_DSL = LocalJobs.PREDICT_DSL;
    private static String uploadJob;
    private static String trainJob;

    @BeforeAll
    static void trainAModel() {
        JsonNode upload = LocalJobs.uploadBreast(node.http());
        assertThat(upload.get("retcode").asInt()).isZero();
        uploadJob = upload.get("jobId").asText();
        trainJob = runToEnd(LocalJobs.submit(node.http()));
    }

    @Test
    void aTrainJobThatSucceedsIsAParentModel() {
        JsonNode row = ok(node.http().post("/v1/model/query", Map.of("model_version", trainJob))).at("/data/0");
        assertThat(row.get("f_model_id").asText()).isEqualTo(MODEL_ID);
        assertThat(row.get("f_job_id").asText()).isEqualTo(trainJob);
        assertThat(row.get("f_parent").asBoolean()).isTrue();
        assertThat(row.get("f_inference_dsl").isEmpty()).isTrue();
        assertThat(row.at("/f_train_dsl/components/lr_0/module").asText()).isEqualTo("LR");
    }

    @Test
    void anUploadIsNotAModel() {
        refused(node.http().post("/v1/model/query", Map.of("job_id", uploadJob)), 100, uploadJob);
    }

    @Test
    void aJobThatDoesNotSucceedIsNotAModel() {
        JsonNode submitted = LocalJobs.submit(node.http());
        assertThat(submitted.get("retcode").asInt()).as(submitted.toString()).isZero();
        String jobId = submitted.get("jobId").asText();
        JsonNode stopped = node.http().post("/v1/job/stop", Map.of("job_id", jobId));
        assertThat(stopped.get("retcode").asInt()).as(stopped.toString()).isZero();
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(
                () -> LocalJobs.query(node.http(), jobId).at("/data/0/f_status").asText(), "canceled"::equals);
        refused(node.http().post("/v1/model/query", Map.of("job_id", jobId)), 100, jobId);
    }

    @Test
    void aPredictJobReadsTheModelAndIsNotOne() {
        String predictJob = runToEnd(node.http().post("/v1/job/submit", "{\"job_dsl\": " + PREDICT_DSL
                + ", \"job_runtime_conf\": " + LocalJobs.conf(LocalJobs.TABLE, "",
                ", \"job_type\": \"predict\", \"model_id\": \"" + MODEL_ID + "\", \"model_version\": \"" + trainJob
                        + "\"") + "}"));
        JsonNode scored = node.http().post("/v1/tracking/component/output/data", Map.of("job_id", predictJob,
                "role", "local", "party_id", "0", "component_name", "lr_0"));
        assertThat(scored.get("retcode").asInt()).as(scored.toString()).isZero();
        assertThat(scored.at("/data/0").size()).isPositive();
        refused(node.http().post("/v1/model/query", Map.of("job_id", predictJob)), 100, predictJob);
    }

    @Test
    void aPredictJobOnAModelThisNodeDoesNotHoldIsRefused() {
        JsonNode answer = node.http().post("/v1/job/submit", "{\"job_dsl\": " + PREDICT_DSL
                + ", \"job_runtime_conf\": " + LocalJobs.conf(LocalJobs.TABLE, "",
                ", \"job_type\": \"predict\", \"model_id\": \"" + MODEL_ID
                        + "\", \"model_version\": \"202612040000000000001\"") + "}");
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isNotZero();
        assertThat(answer.get("retmsg").asText()).contains("202612040000000000001").contains("not a model");
    }

    private static String runToEnd(JsonNode submitted) {
        return LocalJobs.awaitSuccess(node.http(), submitted);
    }

    private static JsonNode ok(JsonNode answer) {
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isZero();
        return answer;
    }

    private static void refused(JsonNode answer, int retcode, String... mentions) {
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isEqualTo(retcode);
        assertThat(answer.get("retmsg").asText()).contains(mentions);
    }
}
