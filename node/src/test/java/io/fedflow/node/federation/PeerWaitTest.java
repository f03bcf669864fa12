package io.fedflow.node.federation;

import static io.fedflow.node.testing.FederatedSites.END;
import static io.fedflow.node.testing.FederatedSites.awaitStatus;
import static io.fedflow.node.testing.FederatedSites.awaitTask;
import static io.fedflow.node.testing.FederatedSites.job;
import static io.fedflow.node.testing.FederatedSites.tasks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A federated job whose peer goes away while a task waits for its messages: the wait is visible in
 * job/query while it lasts, and bounded by the node's peer message timeout (a few seconds here), after
 * which the task and the job fail with the reason instead of staying running.
 */
class PeerWaitTest {
    static final Duration PATIENCE = Duration.ofSeconds(4);
    // On an instance field: fresh sites for each test, as this one takes a site away.
    @RegisterExtension
    final SitesExtension sites = SitesExtension.breastHetero()
            .configure((id, b) -> b.limits(Limits.builder().peerMessageTimeout(PATIENCE).build())).build();
    final TestNode guest = sites.site("9999");
    final TestNode other = sites.site("10000");

    @Test
    void aTaskWhosePeerStopsAnsweringSaysWhatItWaitsForThenFailsTheJobWithTheReason() throws Exception {
        JsonNode r = guest.http().post("/v1/job/submit", "{\"job_dsl\": " + Jobs.HETERO_LR_DSL
                + ", \"job_runtime_conf\": " + Jobs.heteroLrConf(100_000, "").replace("\"auto_retries\": 1",
                "\"auto_retries\": 0") + "}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        awaitTask(guest.http(), jobId, "hetero_lr_0", "guest", "running");
        awaitTask(other.http(), jobId, "hetero_lr_0", "host", "running");
        // the guest's task trades messages with the other site's tasks now: it finished a batch, for which it
        // had the host's forward values and the arbiter's gradient. (A record that stays, where polling for
        // the guest to be caught inside a wait could miss every time: it waits only while a peer is behind,
        // which on a loaded machine can be a sliver of the time between two polls. With 100,000 iterations
        // to go, the guest cannot go on without the other site from here.)
        Path guestLog = guest.config().logsDir().resolve(jobId).resolve("guest/9999/hetero_lr_0/INFO.log");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .alias("the guest's first batch of hetero_lr_0 in " + guestLog)
                .until(() -> Files.exists(guestLog) && Files.readString(guestLog).contains("guest batch 0.0 "));

        // ...when that site goes away
        other.stop();

        // while it lasts, job/query says what the job waits for: the host's messages, the host's answers
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode row = job(guest.http(), jobId);
            assertThat(row.get("f_status").asText()).as(row.path("f_error_report").asText()).isEqualTo("running");
            assertThat(row.path("f_waiting_for").asText()).contains("10000")
                    .containsAnyOf("waits for message", "sends message", "does not answer");
        });
        // and it does not wait forever: the task fails with the reason, the job with it
        assertThat(awaitStatus(guest.http(), jobId, Duration.ofSeconds(40), END)).isEqualTo("failed");
        JsonNode row = job(guest.http(), jobId);
        assertThat(row.path("f_waiting_for").isMissingNode()).as(row.toString()).isTrue();
        JsonNode lr = tasks(guest.http(), jobId, Map.of("component_name", "hetero_lr_0", "role", "guest")).get(0);
        assertThat(lr.get("f_status").asText()).isEqualTo("failed");
        assertThat(lr.get("f_error_report").asText()).contains("10000")
                .contains("within the peer message timeout of 4 s");
        assertThat(row.get("f_error_report").asText()).contains("10000");
    }
}
