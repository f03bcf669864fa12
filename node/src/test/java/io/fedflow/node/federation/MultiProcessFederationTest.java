package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.TestNodes;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Two node processes (guest 9999, host 10000), each with its own database and data directory, set up
 * only as an operator would: over the public HTTP API, with nothing shared but what the API hands out.
 */
class MultiProcessFederationTest {
    @Test
    void twoNodeProcessesFederatedOverTheHttpApiRunATwoPartyJob() throws Exception {
        List<Process> processes = new ArrayList<>();
        try {
            int[] guestPorts = freePorts(2);
            int[] hostPorts = freePorts(2);
            processes.add(startNode("9999", guestPorts[0], guestPorts[1]));
            processes.add(startNode("10000", hostPorts[0], hostPorts[1]));
            FlowHttp guest = new FlowHttp(guestPorts[0]);
            FlowHttp host = new FlowHttp(hostPorts[0]);
            awaitUp(guest, processes.get(0));
            awaitUp(host, processes.get(1));

            // Each site reads the other's key from the other's API and adds it as a peer at its site port.
            addPeer(guest, host, hostPorts[1]);
            addPeer(host, guest, guestPorts[1]);
            JsonNode granted = host.post("/v1/permission/grant", "{\"party_id\": \"9999\", \"component\": "
                    + "\"reader,datatransform\", \"dataset\": [{\"namespace\": \"experiment\", "
                    + "\"name\": \"breast_hetero_host\"}]}");
            assertThat(granted.get("retcode").asInt()).as(granted.toString()).isZero();
            FederatedSites.upload(guest, "breast_hetero_guest");
            FederatedSites.upload(host, "breast_hetero_host");

            JsonNode r = guest.post("/v1/job/submit", "{\"job_dsl\": " + Jobs.DSL
                    + ", \"job_runtime_conf\": " + Jobs.conf("10000", "") + "}");
            assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
            String jobId = r.get("jobId").asText();

            assertThat(FederatedSites.awaitStatus(guest, jobId, Duration.ofSeconds(40), FederatedSites.END))
                    .isEqualTo("success");
            assertThat(FederatedSites.awaitStatus(host, jobId, Duration.ofSeconds(10), FederatedSites.END))
                    .isEqualTo("success");
            JsonNode g = Jobs.rows(guest, jobId);
            JsonNode h = Jobs.rows(host, jobId);
            assertThat(g).hasSize(1);
            assertThat(h).hasSize(1);
            assertThat(g.get(0).get("f_role").asText()).isEqualTo("guest");
            assertThat(h.get(0).get("f_status").asText()).isEqualTo(g.get(0).get("f_status").asText());
            assertThat(h.get(0).get("f_role").asText()).isEqualTo("host");
            assertThat(h.get(0).get("f_party_id").asText()).isEqualTo("10000");
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    /** {@code to} learns {@code from}'s party id and key from {@code from}'s own /v1/site/key. */
    private static void addPeer(FlowHttp to, FlowHttp from, int fromSitePort) {
        JsonNode key = from.post("/v1/site/key", "{}");
        assertThat(key.get("retcode").asInt()).as(key.toString()).isZero();
        JsonNode added = to.post("/v1/site/peer/add", Map.of("party_id", key.at("/data/party_id").asText(),
                "host", "127.0.0.1", "port", fromSitePort, "public_key", key.at("/data/public_key").asText()));
        assertThat(added.get("retcode").asInt()).as(added.toString()).isZero();
    }

    private static Process startNode(String party, int httpPort, int sitePort) throws IOException {
        Path dir = Files.createTempDirectory("fedflow-process-" + party + "-");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.fedflow.node.NodeMain", "--party-id", party, "--http-port", Integer.toString(httpPort),
                "--site-port", Integer.toString(sitePort), "--data-dir", dir.toString(),
                "--db-url", TestNodes.newDatabase(), "--db-user", "postgres"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("node.out").toFile()).start();
    }

    /** Ports free now; held open together so the two are distinct. */
    private static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }

    private static void awaitUp(FlowHttp http, Process process) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .failFast("the node process exited", () -> !process.isAlive())
                    .until(() -> http.send(HttpRequest.newBuilder(URI.create(http.base() + "/health"))
                            .build()).statusCode() == 200);
        } catch (ConditionTimeoutException e) {
            throw new IOException("the node process did not start");
        }
    }
}
