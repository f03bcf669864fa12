package io.fedflow.node.federation;

import static io.fedflow.node.testing.FederatedSites.END;
import static io.fedflow.node.testing.FederatedSites.awaitStatus;
import static io.fedflow.node.testing.FederatedSites.awaitTask;
import static io.fedflow.node.testing.FederatedSites.job;
import static io.fedflow.node.testing.FederatedSites.tasks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.Limits;
import io.fedflow.node.Node;
import io.fedflow.node.NodeConfig;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.TestNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A federated job whose peer goes away while a task waits for its messages: the wait is visible in
 * job/query while it lasts, and bounded by the node's peer message timeout (a few seconds here), after
 * which the task and the job fail with the reason instead of staying running.
 */
class PeerWaitTest {
    static final Duration PATIENCE = Duration.ofSeconds(4);
    Node guest;
    Node other;
    FlowHttp guestHttp;
    FlowHttp otherHttp;

    static Node start(String party) throws IOException {
        NodeConfig config = NodeConfig.builder(party, Files.createTempDirectory("fedflow-wait-"))
                .dbUrl(TestNodes.newDatabase()).dbUser("postgres")
                .limits(Limits.builder().peerMessageTimeout(PATIENCE).build()).build();
        return TestNodes.start(config);
    }

    @BeforeEach
    void startNodes() throws Exception {
        guest = start("9999");
        other = start("10000");
        FederatedSites.peer(List.of(guest, other));
        guestHttp = new FlowHttp(guest.httpPort());
        otherHttp = new FlowHttp(other.httpPort());
        FederatedSites.upload(guestHttp, "breast_hetero_guest");
        FederatedSites.upload(otherHttp, "breast_hetero_host");
        JsonNode granted = otherHttp.post("/v1/permission/grant", "{\"party_id\": \"9999\", \"component\": \"*\","
                + " \"dataset\": [{\"namespace\": \"experiment\", \"name\": \"breast_hetero_host\"}]}");
        assertThat(granted.get("retcode").asInt()).as(granted.toString()).isZero();
    }

    @AfterEach
    void stopNodes() throws IOException {
        for (Node n : new Node[] {guest, other}) {
            if (n != null) {
                n.close();
            }
        }
    }

    @Test
    void aTaskWhosePeerStopsAnsweringSaysWhatItWaitsForThenFailsTheJobWithTheReason() throws Exception {
        JsonNode r = guestHttp.post("/v1/job/submit", "{\"job_dsl\": " + RerunAfterStopTest.DSL
                + ", \"job_runtime_conf\": " + RerunAfterStopTest.conf(100_000, "").replace("\"auto_retries\": 1",
                "\"auto_retries\": 0") + "}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        awaitTask(guestHttp, jobId, "hetero_lr_0", "guest", "running");
        awaitTask(otherHttp, jobId, "hetero_lr_0", "host", "running");
        // the guest's task waits for a message of the other site's tasks now...
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                job(guestHttp, jobId).path("f_waiting_for").asText().contains("waits for message"));

        // ...when that site goes away
        other.close();
        other = null;

        // while it lasts, job/query says what the job waits for: the host's messages, the host's answers
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode row = job(guestHttp, jobId);
            assertThat(row.get("f_status").asText()).as(row.path("f_error_report").asText()).isEqualTo("running");
            assertThat(row.path("f_waiting_for").asText()).contains("10000")
                    .containsAnyOf("waits for message", "sends message", "does not answer");
        });
        // and it does not wait forever: the task fails with the reason, the job with it
        assertThat(awaitStatus(guestHttp, jobId, Duration.ofSeconds(40), END)).isEqualTo("failed");
        JsonNode row = job(guestHttp, jobId);
        assertThat(row.path("f_waiting_for").isMissingNode()).as(row.toString()).isTrue();
        JsonNode lr = tasks(guestHttp, jobId, Map.of("component_name", "hetero_lr_0", "role", "guest")).get(0);
        assertThat(lr.get("f_status").asText()).isEqualTo("failed");
        assertThat(lr.get("f_error_report").asText()).contains("10000")
                .contains("within the peer message timeout of 4 s");
        assertThat(row.get("f_error_report").asText()).contains("10000");
    }
}
