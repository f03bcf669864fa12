package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.TestNodes;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/** A node process killed with SIGKILL mid-job: the next start leaves nothing running forever. */
class KillNineTest {
    @Test
    void aNodeKilledMidJobRecoversItsJobsOnTheNextStart() throws Exception {
        Path dir = Files.createTempDirectory("fedflow-kill9");
        String db = TestNodes.newDatabase();
        int port;
        int sitePort;
        // both ports free ones: the default site port 9360 may be a running node's or the demo's
        try (ServerSocket s = new ServerSocket(0); ServerSocket t = new ServerSocket(0)) {
            port = s.getLocalPort();
            sitePort = t.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.fedflow.node.NodeMain", "--party-id", "9999", "--http-port", Integer.toString(port),
                "--site-port", Integer.toString(sitePort),
                "--data-dir", dir.toString(), "--db-url", db, "--db-user", "postgres"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("node.out").toFile()).start();
        String jobId;
        try {
            FlowHttp http = new FlowHttp(port);
            awaitUp(http);
            FederatedSites.upload(http, "breast_hetero_guest");
            jobId = Jobs.submit(http, LocalJobs.DSL, LocalJobs.conf("breast_hetero_guest",
                    "\"max_iter\": 1000000, \"tol\": 0.0, \"batch_size\": 32", "")).get("jobId").asText();
            FederatedSites.awaitTask(http, jobId, "lr_0", "local", "running");
        } finally {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        NodeConfig cfg = NodeConfig.builder("9999", dir).dbUrl(db).dbUser("postgres").build();
        try (Node node = TestNodes.start(cfg)) {
            FlowHttp http = new FlowHttp(node.httpPort());
            assertThat(FederatedSites.awaitStatus(http, jobId, Duration.ofSeconds(20), FederatedSites.END)).isEqualTo("failed");
            JsonNode lr = http.post("/v1/job/task/query", Map.of("job_id", jobId, "component_name", "lr_0"));
            assertThat(lr.at("/data/0/f_error_report").asText()).contains("restarted");
            JsonNode all = http.post("/v1/job/task/query", Map.of("job_id", jobId));
            all.get("data").forEach(t -> assertThat(t.get("f_status").asText()).isNotEqualTo("running"));
        }
    }

    private static void awaitUp(FlowHttp http) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> http.send(HttpRequest.newBuilder(URI.create(http.base() + "/health"))
                            .build()).statusCode() == 200);
        } catch (ConditionTimeoutException e) {
            throw new IOException("the node process did not start");
        }
    }
}
