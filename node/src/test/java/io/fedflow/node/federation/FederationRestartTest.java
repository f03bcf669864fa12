package io.fedflow.node.federation;

import org.awaitility.Awaitility;
import static io.fedflow.node.federation.FederatedJobsTest.END;
import static io.fedflow.node.federation.FederatedJobsTest.await;
import static io.fedflow.node.federation.FederatedJobsTest.awaitTask;
import static io.fedflow.node.federation.FederatedJobsTest.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.Node;
import io.fedflow.node.NodeConfig;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.TestNodes;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A party going away in the middle of a federated job: the job survives a host that comes back, and a
 * restarted initiator leaves the job failed with the reason at every party, ready for a rerun. Each node
 * keeps its data directory, database and site port across its restart, as a real site does.
 */
class FederationRestartTest {
    NodeConfig guestConfig;
    NodeConfig hostConfig;
    Node guest;
    Node host;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @BeforeEach
    void start() throws Exception {
        guestConfig = NodeConfig.builder("9999", Files.createTempDirectory("fedflow-g-")).sitePort(freePort())
                .dbUrl(TestNodes.newDatabase()).dbUser("postgres").build();
        hostConfig = NodeConfig.builder("10000", Files.createTempDirectory("fedflow-h-")).sitePort(freePort())
                .dbUrl(TestNodes.newDatabase()).dbUser("postgres").build();
        guest = TestNodes.start(guestConfig);
        host = TestNodes.start(hostConfig);
        FederatedJobsTest.peer(List.of(guest, host));
        FederatedJobsTest.upload(new FlowHttp(guest.httpPort()), "breast_hetero_guest");
        FlowHttp h = new FlowHttp(host.httpPort());
        FederatedJobsTest.upload(h, "breast_hetero_host");
        assertThat(h.post("/v1/permission/grant", "{\"party_id\": \"9999\", \"component\": \"*\", \"dataset\": "
                + "[{\"namespace\": \"experiment\", \"name\": \"breast_hetero_host\"}]}").get("retcode").asInt())
                .isZero();
    }

    @AfterEach
    void stop() throws IOException {
        if (guest != null) {
            guest.close();
        }
        if (host != null) {
            host.close();
        }
    }

    /** An LR that runs until stopped at the guest; nothing to learn at the host. */
    String startLongJob() throws Exception {
        String dsl = """
                {"components": {
                  "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
                  "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                       "output": {"data": ["data"], "model": ["model"]}},
                  "lr_0": {"module": "LR", "input": {"data": {"train_data": ["data_transform_0.data"]}},
                           "output": {"data": ["data"], "model": ["model"]}}}}""";
        String conf = FederatedJobsTest.conf("10000", "")
                .replace("\"data_transform_0\": {\"with_label\": false}}",
                        "\"data_transform_0\": {\"with_label\": false}, \"lr_0\": {\"need_run\": false}}")
                .replace("\"component_parameters\": {", "\"component_parameters\": {\"common\": {\"lr_0\": "
                        + "{\"max_iter\": 1000000, \"tol\": 0.0, \"batch_size\": 32}}, ");
        FlowHttp g = new FlowHttp(guest.httpPort());
        JsonNode r = g.post("/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": " + conf + "}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        awaitTask(g, jobId, "lr_0", "running");
        return jobId;
    }

    @Test
    void aHostThatGoesDownAndComesBackDoesNotFailTheJob() throws Exception {
        String jobId = startLongJob();
        FlowHttp g = new FlowHttp(guest.httpPort());
        assertThat(await(new FlowHttp(host.httpPort()), jobId, Duration.ofSeconds(10), Set.of("running")))
                .isEqualTo("running");

        host.close();
        host = null;
        Thread.sleep(2_000); // several collect rounds find the host gone
        assertThat(rows(g, jobId).get(0).get("f_status").asText()).isEqualTo("running");

        host = TestNodes.start(hostConfig);
        FlowHttp h = new FlowHttp(host.httpPort());
        Thread.sleep(1_000);
        assertThat(rows(g, jobId).get(0).get("f_status").asText()).isEqualTo("running");
        assertThat(rows(h, jobId).get(0).get("f_status").asText()).isEqualTo("running");

        // and the job is still federated: a stop at the initiator reaches the host
        JsonNode stop = g.post("/v1/job/stop", Map.of("job_id", jobId));
        assertThat(stop.get("retcode").asInt()).as(stop.toString()).isZero();
        assertThat(await(g, jobId, Duration.ofSeconds(10), END)).isEqualTo("canceled");
        assertThat(await(h, jobId, Duration.ofSeconds(10), END)).isEqualTo("canceled");
    }

    @Test
    void aRestartedInitiatorFailsTheJobEverywhereWithTheReasonAndARerunFinishesIt() throws Exception {
        String jobId = startLongJob();
        guest.close();
        guest = TestNodes.start(guestConfig);
        FlowHttp g = new FlowHttp(guest.httpPort());
        FlowHttp h = new FlowHttp(host.httpPort());
        assertThat(await(g, jobId, Duration.ofSeconds(20), END)).isEqualTo("failed");
        assertThat(await(h, jobId, Duration.ofSeconds(20), END)).isEqualTo("failed");
        assertThat(rows(h, jobId).get(0).get("f_error_report").asText()).contains("restarted");

        JsonNode upd = g.post("/v1/job/parameter/update", "{\"job_id\": \"" + jobId + "\", "
                + "\"component_parameters\": {\"common\": {\"lr_0\": {\"max_iter\": 3}}}}");
        assertThat(upd.get("retcode").asInt()).as(upd.toString()).isZero();
        JsonNode rerun = g.post("/v1/job/rerun", Map.of("job_id", jobId));
        assertThat(rerun.get("retcode").asInt()).as(rerun.toString()).isZero();
        assertThat(await(g, jobId, Duration.ofSeconds(60), END)).isEqualTo("success");
        assertThat(await(h, jobId, Duration.ofSeconds(10), END)).isEqualTo("success");
    }

    @Test
    void aStopThatMissesADownHostReachesItWhenItIsBack() throws Exception {
        String jobId = startLongJob();
        FlowHttp g = new FlowHttp(guest.httpPort());
        assertThat(await(new FlowHttp(host.httpPort()), jobId, Duration.ofSeconds(10), Set.of("running")))
                .isEqualTo("running");
        host.close();
        host = null;

        long t0 = System.nanoTime();
        JsonNode stop = g.post("/v1/job/stop", Map.of("job_id", jobId));
        assertThat(stop.get("retcode").asInt()).as(stop.toString()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(rows(g, jobId).get(0).get("f_status").asText()).isEqualTo("canceled");
        assertThat(rows(g, jobId).get(0).get("f_sync_pending").asBoolean()).isTrue();

        host = TestNodes.start(hostConfig);
        FlowHttp h = new FlowHttp(host.httpPort());
        assertThat(await(h, jobId, Duration.ofSeconds(20), END)).isEqualTo("canceled");
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(rows(g, jobId).get(0).get("f_sync_pending").asBoolean()).isFalse());
    }
}
