package io.fedflow.node.federation;

import static io.fedflow.node.testing.FederatedSites.END;
import static io.fedflow.node.testing.FederatedSites.awaitStatus;
import static io.fedflow.node.testing.FederatedSites.job;
import static io.fedflow.node.testing.FederatedSites.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.time.Duration;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A federated job in which no task can make progress any more ends at once, with the reason, rather than
 * stay {@code running} until the peer message timeout (30 minutes by default, kept here) fails the waiting tasks.
 */
class NoProgressTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();
    static final TestNode guest = sites.site("9999");
    static final TestNode other = sites.site("10000");

    @Test
    void aPartyWhoseUpstreamFailedForGoodFailsTheJobWhileItsPeersWaitForIt() {
        // The host's DataTransform fails at run time (its label column does not exist) with no retries, so the
        // host's HeteroLR task can never start: the guest's and the arbiter's HeteroLR tasks could only wait for it.
        String conf = Jobs.heteroLrConf(100_000, "").replace("\"auto_retries\": 1", "\"auto_retries\": 0")
                .replace("\"data_transform_0\": {\"with_label\": false}",
                        "\"data_transform_0\": {\"with_label\": true, \"label_name\": \"no_such_column\"}");
        JsonNode r = Jobs.submit(guest.http(), Jobs.HETERO_LR_DSL, conf);
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();

        String status;
        try {
            status = awaitStatus(guest.http(), jobId, Duration.ofSeconds(60), END);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("still " + job(guest.http(), jobId) + "\n" + tasks(guest.http(), jobId, Map.of())
                    + "\n" + tasks(other.http(), jobId, Map.of()), e);
        }
        assertThat(status).isEqualTo("failed");
        assertThat(awaitStatus(other.http(), jobId, Duration.ofSeconds(30), END)).isEqualTo("failed");
        JsonNode row = job(guest.http(), jobId);
        assertThat(row.get("f_error_report").asText()).as(row.toString()).contains("data_transform_0", "no_such_column");
        JsonNode hostTransform = tasks(other.http(), jobId, Map.of("component_name", "data_transform_0", "role", "host"));
        assertThat(hostTransform.get(0).get("f_status").asText()).isEqualTo("failed");
        assertThat(row.path("f_waiting_for").isMissingNode()).as(row.toString()).isTrue();
        // no task is left running anywhere
        for (TestNode site : new TestNode[] {guest, other}) {
            tasks(site.http(), jobId, Map.of()).forEach(t ->
                    assertThat(t.get("f_status").asText()).as(t.toString()).isNotEqualTo("running"));
        }
    }
}
