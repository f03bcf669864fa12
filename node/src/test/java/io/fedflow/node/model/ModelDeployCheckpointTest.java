package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deploy from a chosen checkpoint (FATE's components_checkpoint): the child holds that step's model. */
class ModelDeployCheckpointTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static final String MODEL_ID = "local-0#model";
    private static final List<String> CPNS = List.of("reader_0", "data_transform_0", "feature_scale_0", "lr_0");

    private static String trainJob;

    @BeforeAll
    static void trainWithCheckpoints() {
        assertThat(LocalJobs.uploadBreast(node.http()).get("retcode").asInt()).isZero();
        JsonNode submitted = node.http().post("/v1/job/submit", "{\"job_dsl\": " + LocalJobs.DSL
                + ", \"job_runtime_conf\": " + LocalJobs.conf(LocalJobs.TABLE, "\"max_iter\": 10, \"callback_param\": "
                + "{\"callbacks\": [\"ModelCheckpoint\"], \"save_freq\": 3}", "") + "}");
        assertThat(submitted.get("retcode").asInt()).as(submitted.toString()).isZero();
        trainJob = submitted.get("jobId").asText();
        Awaitility.await().atMost(Duration.ofMinutes(3)).until(
                () -> LocalJobs.query(node.http(), trainJob).at("/data/0/f_status").asText(), "success"::equals);
    }

    @Test
    void theChildHoldsTheChosenStepsModel() throws IOException, InterruptedException {
        JsonNode answer = deploy(Map.of("lr_0", Map.of("step_index", 3)));
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isZero();
        String child = answer.at("/data/model_version").asText();

        JsonNode step = node.http().post("/v1/checkpoint/get", Map.of("role", "local", "party_id", "0",
                "model_id", MODEL_ID, "model_version", trainJob, "component_name", "lr_0", "step_index", 3));
        assertThat(step.get("retcode").asInt()).as(step.toString()).isZero();
        JsonNode stepParam = step.at("/data/models/LogisticRegressionParam");
        assertThat(stepParam.isObject()).as(step.toString()).isTrue();

        JsonNode childParam = exportedParam(child, "lr_0");
        assertThat(childParam).isEqualTo(stepParam);
        assertThat(childParam).isNotEqualTo(exportedParam(trainJob, "lr_0"));
        // the other components keep their final models
        assertThat(exportedParam(child, "feature_scale_0")).isEqualTo(exportedParam(trainJob, "feature_scale_0"));
    }

    @Test
    void aStepNotSavedOrAMalformedChoiceIsRefusedAndLeavesNoChild() {
        int before = node.http().post("/v1/model/query", Map.of("model_id", MODEL_ID)).get("data").size();
        refused(deploy(Map.of("lr_0", Map.of("step_index", 4))), 404, "lr_0");
        refused(deploy(Map.of("lr_0", Map.of())), 101, "step_index");
        refused(deploy(Map.of("lr_0", Map.of("step_index", 3, "step_name", "step_name"))), 101, "one of them");
        refused(deploy(Map.of("evaluation_0", Map.of("step_index", 3))), 101, "evaluation_0");
        assertThat(node.http().post("/v1/model/query", Map.of("model_id", MODEL_ID)).get("data").size())
                .isEqualTo(before);
    }

    private static JsonNode deploy(Map<String, Object> checkpoints) {
        Map<String, Object> body = new HashMap<>();
        body.put("model_id", MODEL_ID);
        body.put("model_version", trainJob);
        body.put("cpn_list", CPNS);
        body.put("components_checkpoint", checkpoints);
        return node.http().post("/v1/model/deploy", body);
    }

    /** The Param a component model has in the model's export archive, read as FATE's client would get it. */
    private static JsonNode exportedParam(String version, String component)
            throws IOException, InterruptedException {
        String body = FlowHttp.JSON.writeValueAsString(Map.of("role", "local", "party_id", "0", "model_id", MODEL_ID,
                "model_version", version));
        HttpResponse<byte[]> zip = node.http().client().send(HttpRequest.newBuilder(
                        URI.create(node.http().base() + "/v1/model/export"))
                .method("GET", HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(200);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().startsWith("components/")) {
                    JsonNode c = FlowHttp.JSON.readTree(in.readAllBytes());
                    if (c.get("component_name").asText().equals(component)) {
                        return c.get("param");
                    }
                }
            }
        }
        throw new AssertionError("no " + component + " in the archive of " + version);
    }

    private static void refused(JsonNode answer, int retcode, String... mentions) {
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isEqualTo(retcode);
        assertThat(answer.get("retmsg").asText()).contains(mentions);
    }
}
