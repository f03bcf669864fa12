package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.checkpoint.CheckpointStore;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.v1.CheckpointRequest;
import io.fedflow.proto.v1.CheckpointServiceGrpc;
import io.fedflow.proto.v1.FlowResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FATE's ModelCheckpoint callback in LR (callback_param save_freq) and /v1/checkpoint/list|get over JSON and gRPC,
 * on real local LR jobs run by the scheduler.
 */
class CheckpointApiTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static final String MODEL_ID = "local-0#model";
    /** 10 iterations whatever the loss does (abs with tol 0 never converges), a checkpoint every 3. */
    private static final String LR_PARAMS = "\"max_iter\": 10, \"early_stop\": \"abs\", \"tol\": 0, "
            + "\"callback_param\": {\"callbacks\": [\"ModelCheckpoint\"], \"save_freq\": %s}";

    private static String jobId;

    @BeforeAll
    static void trainWithCheckpoints() {
        assertThat(LocalJobs.uploadBreast(node.http()).get("retcode").asInt()).isZero();
        jobId = train(LR_PARAMS.formatted("3"));
    }

    @Test
    void everySaveFreqIterationsFromTheFirstIsAStep() {
        JsonNode steps = ok(post("/v1/checkpoint/list", request(jobId, "lr_0"))).get("data");
        assertThat(steps.findValuesAsText("step_index")).containsExactly("0", "3", "6", "9");
        for (JsonNode step : steps) {
            assertThat(step.get("step_name").asText()).isEqualTo("step_name");
            assertThat(step.get("create_time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
            JsonNode models = step.get("models");
            assertThat(models.fieldNames()).toIterable()
                    .containsExactlyInAnyOrder("LogisticRegressionMeta", "LogisticRegressionParam");
            assertThat(models.at("/LogisticRegressionMeta/buffer_name").asText()).isEqualTo("LRModelMeta");
            assertThat(models.at("/LogisticRegressionParam/buffer_name").asText()).isEqualTo("LRModelParam");
            assertThat(models.at("/LogisticRegressionParam/sha1").asText()).matches("[0-9a-f]{40}");
        }
        // the weights move between steps, the meta does not
        assertThat(steps.at("/0/models/LogisticRegressionParam/sha1"))
                .isNotEqualTo(steps.at("/1/models/LogisticRegressionParam/sha1"));
        assertThat(steps.at("/0/models/LogisticRegressionMeta/sha1"))
                .isEqualTo(steps.at("/3/models/LogisticRegressionMeta/sha1"));
    }

    @Test
    void theLastIterationsCheckpointIsTheFinalModel() {
        JsonNode finalModel = ok(post("/v1/tracking/component/output/model",
                Map.of("job_id", jobId, "role", "local", "party_id", "0", "component_name", "lr_0")));
        JsonNode step = ok(post("/v1/checkpoint/get", request(jobId, "lr_0", "step_index", 9))).get("data");
        assertThat(step.get("step_index").asInt()).isEqualTo(9);
        assertThat(step.at("/models/LogisticRegressionParam")).isEqualTo(finalModel.get("data"));
        assertThat(step.at("/models/LogisticRegressionMeta")).isEqualTo(finalModel.at("/meta/meta_data"));
        assertThat(finalModel.at("/data/iters").asInt()).isEqualTo(10);
    }

    @Test
    void anEarlierStepHoldsThatIterationsModel() {
        JsonNode step = ok(post("/v1/checkpoint/get", request(jobId, "lr_0", "step_index", 3))).get("data");
        JsonNode param = step.at("/models/LogisticRegressionParam");
        assertThat(param.get("iters").asInt()).isEqualTo(4);
        assertThat(param.get("loss_history")).hasSize(4);
        JsonNode last = ok(post("/v1/checkpoint/get", request(jobId, "lr_0", "step_index", 9))).get("data");
        assertThat(param.get("weight")).isNotEqualTo(last.at("/models/LogisticRegressionParam/weight"));
        assertThat(param.get("loss_history").get(3))
                .isEqualTo(last.at("/models/LogisticRegressionParam/loss_history/3"));
    }

    @Test
    void theSdksBodyWithLocalAndAStringStepIndexIsRead() {
        Map<String, Object> body = request(jobId, "lr_0", "step_index", "6");
        body.put("local", Map.of("role", "local", "party_id", 0));
        JsonNode step = ok(post("/v1/checkpoint/get", body)).get("data");
        assertThat(step.get("step_index").asInt()).isEqualTo(6);
    }

    @Test
    void byStepNameTheLatestStepOfThatNameAnswers() {
        JsonNode step = ok(post("/v1/checkpoint/get", request(jobId, "lr_0", "step_name", "step_name")))
                .get("data");
        assertThat(step.get("step_index").asInt()).isEqualTo(9);
        assertThat(step.get("step_name").asText()).isEqualTo("step_name");
    }

    @Test
    void aComponentWithoutCheckpointsListsNone() {
        JsonNode steps = ok(post("/v1/checkpoint/list", request(jobId, "data_transform_0"))).get("data");
        assertThat(steps.isArray()).isTrue();
        assertThat(steps).isEmpty();
        refused(post("/v1/checkpoint/get", request(jobId, "data_transform_0", "step_index", 0)), 404,
                "data_transform_0", "no checkpoint");
    }

    @Test
    void whatIsNotThereIs404NamingIt() {
        refused(post("/v1/checkpoint/list", request("202612040000000000001", "lr_0")), 404,
                "202612040000000000001");
        Map<String, Object> wrongModelId = request(jobId, "lr_0");
        wrongModelId.put("model_id", "guest-9999#model");
        refused(post("/v1/checkpoint/list", wrongModelId), 404, "guest-9999#model");
        Map<String, Object> wrongParty = request(jobId, "lr_0");
        wrongParty.put("party_id", "9999");
        refused(post("/v1/checkpoint/list", wrongParty), 404, "9999");
        Map<String, Object> wrongRole = request(jobId, "lr_0");
        wrongRole.put("role", "guest");
        refused(post("/v1/checkpoint/get", wrongRole), 404, "guest");
        refused(post("/v1/checkpoint/list", request(jobId, "lr_9")), 404, "lr_9");
        refused(post("/v1/checkpoint/get", request(jobId, "lr_0", "step_index", 4)), 404, "step_index 4",
                "0, 3, 6, 9");
        refused(post("/v1/checkpoint/get", request(jobId, "lr_0", "step_name", "round_1")), 404, "round_1");
    }

    @Test
    void aMissingFieldIs101NamingIt() {
        for (String field : List.of("role", "party_id", "model_id", "model_version", "component_name")) {
            Map<String, Object> body = request(jobId, "lr_0");
            body.remove(field);
            refused(post("/v1/checkpoint/list", body), 101, field);
            refused(post("/v1/checkpoint/get", body), 101, field);
        }
        refused(post("/v1/checkpoint/get", request(jobId, "lr_0")), 101, "step_index or step_name");
        refused(post("/v1/checkpoint/get", request(jobId, "lr_0", "step_index", "three")), 101, "step_index");
    }

    @Test
    void aBadSaveFreqIsRefusedAtSubmitNamingIt() {
        for (String bad : List.of("0", "-2", "\"daily\"", "1.5", "4294967296")) {
            JsonNode answer = submit(LR_PARAMS.formatted(bad));
            refused(answer, 101, "save_freq");
        }
        JsonNode notAList = submit("\"callback_param\": {\"callbacks\": \"ModelCheckpoint\"}");
        refused(notAList, 101, "callbacks");
    }

    @Test
    void aRerunReplacesTheComponentsCheckpoints() {
        String rerunJob = train(LR_PARAMS.formatted("3"));
        JsonNode update = node.http().post("/v1/job/parameter/update", "{\"job_id\": \"" + rerunJob + "\", "
                + "\"component_parameters\": {\"common\": {\"lr_0\": {\"callback_param\": "
                + "{\"callbacks\": [\"ModelCheckpoint\"], \"save_freq\": 4}}}}}");
        ok(update);
        ok(post("/v1/job/rerun", Map.of("job_id", rerunJob, "component_name", "lr_0", "force", true)));
        // the job still reads success until the scheduler takes the rerun: wait for lr_0's second version to end
        Awaitility.await().atMost(Duration.ofMinutes(3)).until(() -> {
            JsonNode task = post("/v1/job/task/query", Map.of("job_id", rerunJob, "component_name", "lr_0"))
                    .at("/data/0");
            return task.get("f_task_version").asLong() == 1 && "success".equals(task.get("f_status").asText())
                    && "success".equals(LocalJobs.query(node.http(), rerunJob).at("/data/0/f_status").asText());
        });
        JsonNode steps = ok(post("/v1/checkpoint/list", request(rerunJob, "lr_0"))).get("data");
        assertThat(steps.findValuesAsText("step_index")).containsExactly("0", "4", "8");
    }

    @Test
    void theDeployReadAnswersAStepsModelsAsTheRegistryHoldsTheFinalOnes() {
        var dsl = node.node().database().dsl();
        ModelRegistry registry = new ModelRegistry(new ModelRegistryStore(dsl));
        ModelCheckpoints checkpoints = new ModelCheckpoints(registry, new CheckpointStore(dsl, Clock.systemUTC()));
        List<ComponentModel> finalModels = registry.components(MODEL_ID, jobId, "local", "0").stream()
                .filter(c -> c.componentName().equals("lr_0")).toList();
        assertThat(finalModels).hasSize(1);

        List<ComponentModel> last = checkpoints.checkpoint(jobId, "lr_0", "local", "0", 9, null);
        assertThat(last).usingRecursiveFieldByFieldElementComparator().isEqualTo(finalModels);
        assertThat(checkpoints.checkpoint(MODEL_ID, jobId, "local", "0", "lr_0", null, "step_name"))
                .usingRecursiveFieldByFieldElementComparator().isEqualTo(finalModels);
        List<ComponentModel> third = checkpoints.checkpoint(jobId, "lr_0", "local", "0", 6, null);
        assertThat(third.get(0).module()).isEqualTo("LR");
        assertThat(third.get(0).modelName()).isEqualTo("model");
        assertThat(third.get(0).param().get("iters").asInt()).isEqualTo(7);

        FlowException missing = Assertions.catchThrowableOfType(
                () -> checkpoints.checkpoint(jobId, "lr_0", "local", "0", 5, null), FlowException.class);
        assertThat(missing.retcode()).isEqualTo(404);
        assertThat(missing.getMessage()).contains("step_index 5");
        FlowException unknownModel = Assertions.catchThrowableOfType(() -> checkpoints.checkpoint(MODEL_ID,
                "202612040000000000001", "local", "0", "lr_0", 9, null), FlowException.class);
        assertThat(unknownModel.retcode()).isEqualTo(404);
        assertThat(unknownModel.getMessage()).contains("202612040000000000001");
    }

    @Test
    void theCheckpointServiceAnswersOverGrpc() {
        CheckpointServiceGrpc.CheckpointServiceBlockingStub stub = CheckpointServiceGrpc.newBlockingStub(node.channel());
        CheckpointRequest.Builder r = CheckpointRequest.newBuilder().setRole("local").setPartyId("0")
                .setModelId(MODEL_ID).setModelVersion(jobId).setComponentName("lr_0");
        FlowResponse list = stub.list(r.build());
        assertThat(list.getRetcode()).as(list.toString()).isZero();
        assertThat(list.getData().getListValue().getValuesCount()).isEqualTo(4);
        FlowResponse step = stub.get(r.setStepIndex(6).build());
        assertThat(step.getRetcode()).as(step.toString()).isZero();
        assertThat(step.getData().getStructValue().getFieldsOrThrow("step_index").getNumberValue()).isEqualTo(6);
        StatusRuntimeException missing = Assertions.catchThrowableOfType(
                () -> stub.get(r.setStepIndex(5).build()), StatusRuntimeException.class);
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    // ---------------------------------------------------------------------------------------------------

    private static String train(String lrParams) {
        JsonNode submitted = submit(lrParams);
        assertThat(submitted.get("retcode").asInt()).as(submitted.toString()).isZero();
        String id = submitted.get("jobId").asText();
        Awaitility.await().atMost(Duration.ofMinutes(3)).until(
                () -> LocalJobs.query(node.http(), id).at("/data/0/f_status").asText(), "success"::equals);
        // the registry records the model as the job ends: the checkpoint calls resolve the version through it
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                () -> post("/v1/model/query", Map.of("model_version", id)).get("retcode").asInt() == 0);
        return id;
    }

    private static JsonNode submit(String lrParams) {
        return node.http().post("/v1/job/submit", "{\"job_dsl\": " + LocalJobs.DSL + ", \"job_runtime_conf\": "
                + LocalJobs.conf(LocalJobs.TABLE, lrParams, "") + "}");
    }

    /** FATE's CLI's fields (party_id as the number it sends), plus {@code more} key/value pairs. */
    private static Map<String, Object> request(String version, String component, Object... more) {
        Map<String, Object> body = new HashMap<>(Map.of("role", "local", "party_id", 0, "model_id", MODEL_ID,
                "model_version", version, "component_name", component));
        List<Object> extra = new ArrayList<>(List.of(more));
        for (int i = 0; i < extra.size(); i += 2) {
            body.put((String) extra.get(i), extra.get(i + 1));
        }
        return body;
    }

    private static JsonNode post(String path, Map<String, ?> body) {
        return node.http().post(path, body);
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
