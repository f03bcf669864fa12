package io.fedflow.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.Uploads;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with its embedded PostgreSQL killed with SIGKILL: its postmaster outlives it, and the next start
 * over the same data directory still comes up the first time, with the tables it had.
 */
class EmbeddedKillNineTest {
    @TempDir
    Path dir;

    @Test
    void theFirstStartAfterKillNineComesUpWithTheTables() throws Exception {
        int port;
        int sitePort;
        try (ServerSocket s = new ServerSocket(0); ServerSocket t = new ServerSocket(0)) {
            port = s.getLocalPort();
            sitePort = t.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.fedflow.node.NodeMain", "--party-id", "9999", "--http-port", Integer.toString(port),
                "--site-port", Integer.toString(sitePort), "--data-dir", dir.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("node.out").toFile()).start();
        long postmasterPid;
        try {
            FlowHttp http = new FlowHttp(port);
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(
                    URI.create(http.base() + "/health")).build()).statusCode() == 200);
            Uploads.csv(http, "kill", "t", "id,x\n1,2\n2,3\n3,4\n");
            postmasterPid = Long.parseLong(Files.readAllLines(dir.resolve("pg/postmaster.pid")).get(0).trim());
        } finally {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, PostgreSQL is not stopped
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(postmasterPid);
        assertThat(orphan).as("the postmaster outlives the killed node").isPresent();

        try (Node node = Node.start(NodeConfig.builder("9999", dir).build())) {
            FlowHttp http = new FlowHttp(node.httpPort());
            JsonNode info = http.post("/v1/table/table_info", Map.of("namespace", "kill", "table_name", "t"));
            assertThat(info.at("/data/count").asInt()).as(info.toString()).isEqualTo(3);
            assertThat(orphan.get().isAlive()).as("the left-over postmaster was stopped").isFalse();
        }
    }
}
