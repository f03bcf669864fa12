package io.fedflow.node.federation;

import static io.fedflow.node.testing.FederatedSites.END;
import static io.fedflow.node.testing.FederatedSites.awaitStatus;
import static io.fedflow.node.testing.FederatedSites.awaitTask;
import static io.fedflow.node.testing.Jobs.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A party going away in the middle of a federated job: the job survives a host that comes back, and a
 * restarted initiator leaves the job failed with the reason at every party, ready for a rerun. Each node
 * keeps its data directory, database and site port across its restart, as a real site does.
 */
class FederationRestartTest {
    // Fresh sites for each test, each keeping its site port so that its peer still reaches it after a restart.
    @RegisterExtension
    final SitesExtension sites = SitesExtension.breastHetero().keepSitePorts().build();
    final TestNode guest = sites.site("9999");
    final TestNode host = sites.site("10000");

    /** An LR that runs until stopped at the guest; nothing to learn at the host. */
    String startLongJob() throws Exception {
        FlowHttp g = guest.http();
        JsonNode r = Jobs.submit(g, Jobs.LR_DSL, Jobs.endlessLrConf());
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        awaitTask(g, jobId, "lr_0", "guest", "running");
        return jobId;
    }

    @Test
    void aHostThatGoesDownAndComesBackDoesNotFailTheJob() throws Exception {
        String jobId = startLongJob();
        FlowHttp g = guest.http();
        assertThat(awaitStatus(host.http(), jobId, Duration.ofSeconds(10), Set.of("running")))
                .isEqualTo("running");

        host.stop();
        // several collect rounds find the host gone, and the job stays running all along
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> rows(g, jobId).get(0).get("f_status").asText(), "running"::equals);

        host.start();
        FlowHttp h = host.http();
        Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200)).until(() -> rows(g, jobId).get(0).get("f_status").asText()
                        + " " + rows(h, jobId).get(0).get("f_status").asText(), "running running"::equals);

        // and the job is still federated: a stop at the initiator reaches the host
        JsonNode stop = g.post("/v1/job/stop", Map.of("job_id", jobId));
        assertThat(stop.get("retcode").asInt()).as(stop.toString()).isZero();
        assertThat(awaitStatus(g, jobId, Duration.ofSeconds(10), END)).isEqualTo("canceled");
        assertThat(awaitStatus(h, jobId, Duration.ofSeconds(10), END)).isEqualTo("canceled");
    }

    @Test
    void aRestartedInitiatorFailsTheJobEverywhereWithTheReasonAndARerunFinishesIt() throws Exception {
        String jobId = startLongJob();
        guest.restart();
        FlowHttp g = guest.http();
        FlowHttp h = host.http();
        assertThat(awaitStatus(g, jobId, Duration.ofSeconds(20), END)).isEqualTo("failed");
        assertThat(awaitStatus(h, jobId, Duration.ofSeconds(20), END)).isEqualTo("failed");
        assertThat(rows(h, jobId).get(0).get("f_error_report").asText()).contains("restarted");

        JsonNode upd = g.post("/v1/job/parameter/update", "{\"job_id\": \"" + jobId + "\", "
                + "\"component_parameters\": {\"common\": {\"lr_0\": {\"max_iter\": 3}}}}");
        assertThat(upd.get("retcode").asInt()).as(upd.toString()).isZero();
        JsonNode rerun = g.post("/v1/job/rerun", Map.of("job_id", jobId));
        assertThat(rerun.get("retcode").asInt()).as(rerun.toString()).isZero();
        assertThat(awaitStatus(g, jobId, Duration.ofSeconds(60), END)).isEqualTo("success");
        assertThat(awaitStatus(h, jobId, Duration.ofSeconds(10), END)).isEqualTo("success");
    }

    @Test
    void aStopThatMissesADownHostReachesItWhenItIsBack() throws Exception {
        String jobId = startLongJob();
        FlowHttp g = guest.http();
        assertThat(awaitStatus(host.http(), jobId, Duration.ofSeconds(10), Set.of("running")))
                .isEqualTo("running");
        host.stop();

        long t0 = System.nanoTime();
        JsonNode stop = g.post("/v1/job/stop", Map.of("job_id", jobId));
        assertThat(stop.get("retcode").asInt()).as(stop.toString()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(rows(g, jobId).get(0).get("f_status").asText()).isEqualTo("canceled");
        assertThat(rows(g, jobId).get(0).get("f_sync_pending").asBoolean()).isTrue();

        host.start();
        FlowHttp h = host.http();
        assertThat(awaitStatus(h, jobId, Duration.ofSeconds(20), END)).isEqualTo("canceled");
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(rows(g, jobId).get(0).get("f_sync_pending").asBoolean()).isFalse());
    }
}
