package io.fedflow.node.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.v1.ComponentRequest;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ProviderServiceGrpc;
import io.fedflow.proto.v1.VersionRequest;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FATE's version, provider and component listing calls, over JSON and gRPC. */
class ProviderApiTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    @Test
    void versionGetAnswersFateByDefaultAndAnyModuleNamed() {
        JsonNode fate = ok(post("/v1/version/get", Map.of())).get("data");
        assertThat(fate.get("FATE").asText()).isEqualTo("1.11.2");
        assertThat(fate.get("API").asText()).isEqualTo("v1");
        assertThat(fate.size()).isEqualTo(2);
        JsonNode fedflow = ok(post("/v1/info/version", Map.of("module", "Fedflow"))).get("data");
        assertThat(fedflow.get("Fedflow").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
        refused(post("/v1/version/get", Map.of("module", "EGGROLL")), 101, "EGGROLL", "FATE && FATEFlow");
    }

    @Test
    void serverVersionsAreNotTakenForARegisteredServerNamedVersion() {
        JsonNode all = ok(post("/v1/server/version/get", Map.of())).get("data");
        assertThat(all.fieldNames()).toIterable().contains("FATE", "FATEFlow", "Fedflow", "JDK", "API");
        assertThat(all.get("JDK").asText()).isEqualTo(System.getProperty("java.version"));
        JsonNode one = ok(post("/v1/server/version/get", Map.of("module", "FATEFlow"))).get("data");
        assertThat(one.get("FATEFlow").asText()).isEqualTo("1.11.2");
    }

    @Test
    void theBuiltInProviderListsItsComponents() {
        JsonNode providers = ok(post("/v1/provider/get", Map.of())).get("data");
        assertThat(providers.at("/fate/default/version").asText()).isEqualTo("1.11.2");
        assertThat(providers.at("/fate/1.11.2/components")).extracting(JsonNode::asText)
                .contains("reader", "datatransform", "intersection", "heterolr", "evaluation");
        JsonNode fate = ok(post("/v1/provider/fate/get", Map.of())).get("data");
        assertThat(fate.at("/1.11.2/components/heterolr/module").asText()).isEqualTo("HeteroLR");
        refused(post("/v1/provider/fate_flow_x/get", Map.of()), 100, "fate_flow_x", "built in");
        JsonNode registry = ok(post("/v1/provider/registry/get", Map.of())).get("data");
        assertThat(registry.at("/components/lr/module").asText()).isEqualTo("LR");
    }

    @Test
    void registeringAProviderIsRefusedAfterTheFieldChecks() {
        refused(post("/v1/provider/register", Map.of("name", "fate", "version", "1.11.3")), 101, "path");
        refused(post("/v1/provider/register", Map.of("name", "fate", "version", "1.11.3", "path", "/data/fate")),
                103, "built into the node");
        refused(post("/v1/provider/update", Map.of("name", "fate", "version", "1.11.3", "path", "/data/fate")),
                103, "built into the node");
    }

    @Test
    void componentsCarryTheirAliasesRolesAndParameters() {
        JsonNode all = ok(post("/v1/component/get", Map.of())).get("data");
        assertThat(all.at("/datatransform/alias")).extracting(JsonNode::asText).contains("DataIO");
        assertThat(all.at("/heterolr/roles")).extracting(JsonNode::asText).contains("guest", "host", "arbiter");
        JsonNode lr = ok(post("/v1/component/HeteroLR/get", Map.of())).get("data");
        assertThat(lr.at("/parameters/max_iter").asText()).startsWith("an integer");
        assertThat(lr.at("/parameters/optimizer").asText()).contains("sgd");
        refused(post("/v1/component/HeteroSecureBoost/get", Map.of()), 100, "HeteroSecureBoost", "heterolr");
    }

    @Test
    void theSameOverGrpc() {
        var stub = ProviderServiceGrpc.newBlockingStub(node.channel());
        FlowResponse version = stub.getVersion(VersionRequest.getDefaultInstance());
        assertThat(version.getData().getStructValue().getFieldsOrThrow("FATE").getStringValue()).isEqualTo("1.11.2");
        FlowResponse reader = stub.getComponent(ComponentRequest.newBuilder().setComponentName("reader").build());
        assertThat(reader.getData().getStructValue().getFieldsOrThrow("module").getStringValue())
                .isEqualTo("Reader");
        try {
            stub.getComponent(ComponentRequest.newBuilder().setComponentName("nope").build());
            throw new AssertionError("an unknown component must be refused");
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode().name()).isEqualTo("NOT_FOUND");
        }
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
