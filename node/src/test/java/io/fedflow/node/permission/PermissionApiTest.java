package io.fedflow.node.permission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.NodeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Both FATE permission APIs, as the flow CLI (1.9+) and the Python SDK (1.7) send them, over one model. */
class PermissionApiTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    @Test
    void partyGrantsAsTheFlowCliSendsThem() {
        JsonNode granted = node.http().post("/v1/permission/grant", "{\"party_id\": \"10000\", \"component\": \"reader,dataio\", "
                + "\"dataset\": [{\"namespace\": \"experiment\", \"name\": \"breast_hetero_host\"}]}");
        assertThat(granted.get("retcode").asInt()).as(granted.toString()).isZero();
        JsonNode q = node.http().post("/v1/permission/query", "{\"party_id\": 10000}");
        assertThat(q.get("retcode").asInt()).isZero();
        assertThat(q.at("/data/component").toString()).contains("reader", "dataio");
        assertThat(q.at("/data/dataset/0/name").asText()).isEqualTo("breast_hetero_host");
        assertThat(q.at("/data/dataset/0/namespace").asText()).isEqualTo("experiment");

        JsonNode unknown = node.http().post("/v1/permission/grant", "{\"party_id\": \"10000\", \"component\": \"magic\"}");
        assertThat(unknown.get("retcode").asInt()).isEqualTo(100);
        assertThat(unknown.get("retmsg").asText()).contains("magic");
        JsonNode noParty = node.http().post("/v1/permission/grant", "{\"component\": \"reader\"}");
        assertThat(noParty.get("retcode").asInt()).isEqualTo(100);
        assertThat(noParty.get("retmsg").asText()).contains("party_id");

        JsonNode deleted = node.http().post("/v1/permission/delete", "{\"party_id\": \"10000\", \"component\": \"reader\"}");
        assertThat(deleted.get("retcode").asInt()).isZero();
        assertThat(node.http().post("/v1/permission/query", "{\"party_id\": \"10000\"}").at("/data/component").toString())
                .doesNotContain("reader").contains("dataio");
    }

    @Test
    void privilegesAsThePythonSdkSendsThem() {
        JsonNode granted = node.http().post("/v1/permission/grant/privilege", "{\"src_party_id\": 10001, \"src_role\": "
                + "\"guest\", \"privilege_role\": \"host\", \"privilege_command\": \"create,stop\", "
                + "\"privilege_component\": \"reader\", \"local\": {\"role\": \"guest\", \"party_id\": 10001}}");
        assertThat(granted.get("retcode").asInt()).as(granted.toString()).isZero();
        JsonNode q = node.http().post("/v1/permission/query/privilege", "{\"src_party_id\": \"10001\", \"src_role\": \"guest\"}");
        assertThat(q.at("/data/privilege_role").toString()).isEqualTo("[\"host\"]");
        assertThat(q.at("/data/privilege_command").toString()).contains("create", "stop");
        assertThat(q.at("/data/privilege_component").toString()).contains("reader");
        // a 1.7 privilege holds for its source role only, so the role-free 1.9 view does not list it
        assertThat(node.http().post("/v1/permission/query", "{\"party_id\": \"10001\"}").at("/data/component").toString())
                .doesNotContain("reader");
        JsonNode notGranted = node.http().post("/v1/permission/delete/privilege", "{\"src_party_id\": \"10001\", "
                + "\"src_role\": \"guest\", \"privilege_command\": \"run\"}");
        assertThat(notGranted.get("retcode").asInt()).isEqualTo(100);
        assertThat(notGranted.get("retmsg").asText()).contains("run");
        JsonNode missing = node.http().post("/v1/permission/query/privilege", "{\"src_role\": \"guest\"}");
        assertThat(missing.get("retcode").asInt()).isEqualTo(101);
    }
}
