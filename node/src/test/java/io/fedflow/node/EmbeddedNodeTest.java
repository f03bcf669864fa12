package io.fedflow.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default mode: a node with its own embedded PostgreSQL in its data directory, across restarts. */
class EmbeddedNodeTest {
    @TempDir
    Path dir;

    @Test
    void tablesSurviveARestartOfAnEmbeddedNode() throws Exception {
        NodeConfig config = NodeConfig.builder("9999", dir).build();
        Path csv = Files.writeString(dir.resolve("t.csv"), "id,x\n1,2\n2,3\n3,4\n");
        try (Node node = Node.start(config)) {
            FlowHttp http = new FlowHttp(node.httpPort());
            JsonNode r = FlowHttp.JSON.readTree(http.pythonUpload(csv, "{\"head\": 1, \"partition\": 1, "
                    + "\"namespace\": \"e\", \"table_name\": \"t\"}").body());
            assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        }
        assertThat(dir.resolve("pg").resolve("PG_VERSION")).exists();
        try (Node node = Node.start(config)) {
            FlowHttp http = new FlowHttp(node.httpPort());
            JsonNode info = http.post("/v1/table/table_info", Map.of("namespace", "e", "table_name", "t"));
            assertThat(info.at("/data/count").asInt()).isEqualTo(3);
            JsonNode health = FlowHttp.JSON.readTree("{}");
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(http.base() + "/health")).build()).statusCode()).isEqualTo(200);
            assertThat(health).isNotNull();
        }
    }
}
