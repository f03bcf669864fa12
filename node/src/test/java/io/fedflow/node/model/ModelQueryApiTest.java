package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ModelQueryRequest;
import io.fedflow.proto.v1.ModelServiceGrpc;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FATE's /v1/model/query and /v1/model/query/detail over JSON and gRPC, on a real local LR job. */
class ModelQueryApiTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static final String MODEL_ID = "local-0#model";

    private static String jobId;

    @BeforeAll
    static void trainAModel() {
        jobId = LocalJobs.trainBreast(node.http());
    }

    @Test
    void everyFilterFindsTheModel() {
        for (Map<String, ?> filter : List.<Map<String, ?>>of(Map.of(), Map.of("model_id", MODEL_ID),
                Map.of("model_version", jobId), Map.of("role", "local"), Map.of("party_id", "0"),
                Map.of("job_id", jobId),
                Map.of("model_id", MODEL_ID, "model_version", jobId, "role", "local", "party_id", "0"))) {
            JsonNode rows = ok(post("/v1/model/query", filter)).get("data");
            assertThat(rows.findValuesAsText("f_model_version")).as(filter.toString()).contains(jobId);
        }
        JsonNode row = ok(post("/v1/model/query", Map.of("job_id", jobId))).at("/data/0");
        assertThat(row.get("f_model_id").asText()).isEqualTo(MODEL_ID);
        assertThat(row.get("f_role").asText()).isEqualTo("local");
        assertThat(row.get("f_party_id").asText()).isEqualTo("0");
        assertThat(row.get("f_job_status").asText()).isEqualTo("success");
        assertThat(row.at("/f_train_dsl/components").isObject()).isTrue();
    }

    @Test
    void queryFiltersChooseTheFields() {
        JsonNode row = ok(post("/v1/model/query",
                Map.of("job_id", jobId, "query_filters", List.of("role", "f_party_id")))).at("/data/0");
        assertThat(row.size()).isEqualTo(2);
        assertThat(row.get("f_role").asText()).isEqualTo("local");
        assertThat(row.get("f_party_id").asText()).isEqualTo("0");
        refused(post("/v1/model/query", Map.of("query_filters", List.of("role", "colour"))), 101, "colour");
    }

    @Test
    void nothingFoundIs100() {
        refused(post("/v1/model/query", Map.of("model_id", "guest-9999#model")), 100, "guest-9999#model");
        refused(post("/v1/model/query", Map.of("model_version", "202612040000000000001")), 100,
                "202612040000000000001");
        refused(post("/v1/model/query", Map.of("role", "guest")), 100, "guest");
        refused(post("/v1/model/query", Map.of("party_id", "9999")), 100, "9999");
        refused(post("/v1/model/query", Map.of("job_id", "202612040000000000001")), 100, "job_id");
        refused(post("/v1/model/query/detail", Map.of("model_id", MODEL_ID, "model_version", "202612040000000000001")),
                100, "202612040000000000001");
    }

    @Test
    void detailAnswersTheConfigurationAndNeedsBothFields() {
        JsonNode data = ok(post("/v1/model/query/detail", Map.of("model_id", MODEL_ID, "model_version", jobId)))
                .get("data");
        assertThat(data.at("/dsl/components").isObject()).isTrue();
        assertThat(data.get("runtime_conf").isObject()).isTrue();
        assertThat(data.get("component_info").findValuesAsText("module")).isNotEmpty();
        assertThat(data.has("inference_dsl")).isTrue();
        assertThat(data.has("inference_component_info")).isTrue();
        refused(post("/v1/model/query/detail", Map.of("model_version", jobId)), 101, "model_id");
        refused(post("/v1/model/query/detail", Map.of("model_id", MODEL_ID)), 101, "model_version");
    }

    @Test
    void theModelServiceAnswersOverGrpc() {
        FlowResponse answer = ModelServiceGrpc.newBlockingStub(node.channel())
                .query(ModelQueryRequest.newBuilder().setModelVersion(jobId).addQueryFilters("model_id").build());
        assertThat(answer.getRetcode()).as(answer.toString()).isZero();
        assertThat(answer.getData().getListValue().getValues(0).getStructValue().getFieldsOrThrow("f_model_id")
                .getStringValue()).isEqualTo(MODEL_ID);
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
