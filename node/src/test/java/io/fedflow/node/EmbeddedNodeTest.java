package io.fedflow.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.TestNode;
import java.net.URI;
import java.net.http.HttpRequest;
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
        TestNode site = TestNode.builder("9999").ownEmbeddedDatabase().build().start();
        Path csv = Files.writeString(dir.resolve("t.csv"), "id,x\n1,2\n2,3\n3,4\n");
        try {
            FlowHttp http = site.http();
            JsonNode r = FlowHttp.JSON.readTree(http.pythonUpload(csv, "{\"head\": 1, \"partition\": 1, "
                    + "\"namespace\": \"e\", \"table_name\": \"t\"}").body());
            assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
            site.stop();
            assertThat(site.dataDir().resolve("pg").resolve("PG_VERSION")).exists();
            site.start();
            http = site.http();
            JsonNode info = http.post("/v1/table/table_info", Map.of("namespace", "e", "table_name", "t"));
            assertThat(info.at("/data/count").asInt()).isEqualTo(3);
            JsonNode health = FlowHttp.JSON.readTree("{}");
            assertThat(http.send(HttpRequest.newBuilder(
                    URI.create(http.base() + "/health")).build()).statusCode()).isEqualTo(200);
            assertThat(health).isNotNull();
        } finally {
            site.stop();
        }
    }
}
