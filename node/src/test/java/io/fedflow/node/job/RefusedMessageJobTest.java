package io.fedflow.node.job;

import static io.fedflow.node.testing.FederatedSites.END;
import static io.fedflow.node.testing.FederatedSites.awaitStatus;
import static io.fedflow.node.testing.FederatedSites.job;
import static io.fedflow.node.testing.FederatedSites.tasks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.federation.TransferKey;
import io.fedflow.node.federation.TransferStore;
import io.fedflow.node.testing.HeldTransfers;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A federated HeteroLR job whose guest refuses the host's first message: the host's send returned at once
 * (sends are pipelined), and the refusal still fails the host's task, with the guest's reason, and the
 * job with it, instead of being lost or waiting out the peer message timeout. The guest writes each
 * message in a transaction of its own (no group commit), so that the test can hold one uncommitted.
 */
class RefusedMessageJobTest {
    static final String GUEST = "9999";
    static final String HOST = "10000";
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().configure((id, b) -> {
        if (GUEST.equals(id)) {
            b.limits(Limits.builder().transferGroupCommitBytes(0).build());
        }
    }).build();
    static final TestNode guest = sites.site(GUEST);
    static final TestNode host = sites.site(HOST);

    @Test
    void aMessageThePeerRefusesFailsTheSendersTaskAndTheJobWithThePeersReason() throws Exception {
        JsonNode r = guest.http().post("/v1/job/submit", "{\"job_dsl\": " + Jobs.HETERO_LR_DSL
                + ", \"job_runtime_conf\": " + Jobs.heteroLrConf(100_000, "").replace("\"auto_retries\": 1",
                "\"auto_retries\": 0") + "}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        // A valid row count of the host (breast's 569 rows, other chunk rows than the host's) under the key of
        // the host's, held uncommitted (the guest's task cannot take it) until the host's delivery waits on it:
        // then it is the guest's (which goes on with it), and the host's message is refused.
        TransferKey rows = new TransferKey(jobId, "hetero_lr_0", 0, "rows", "host", HOST, "guest", GUEST);
        byte[] other = ByteBuffer.allocate(20).putInt(2).putDouble(569).putDouble(1000).array();
        TransferStore.Writer held = HeldTransfers.hold(guest, rows, other);
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> HeldTransfers.deliveryWaitsAt(guest));
            HeldTransfers.commit(held, other);
        } finally {
            held.close();
        }

        assertThat(awaitStatus(guest.http(), jobId, Duration.ofMinutes(2), END)).isEqualTo("failed");
        JsonNode lr = tasks(host.http(), jobId, Map.of("component_name", "hetero_lr_0", "role", "host")).get(0);
        assertThat(lr.get("f_status").asText()).isEqualTo("failed");
        assertThat(lr.get("f_error_report").asText()).contains("party " + GUEST + " refused").contains("rows")
                .contains("already sent with other content");
        assertThat(job(guest.http(), jobId).get("f_error_report").asText()).contains("already sent with other content");
    }
}
