package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jobs across three real nodes in one JVM (guest 9999, host 10000, and 10001 which grants nothing),
 * each with its own database, calling each other over the signed site port.
 */
public class FederatedJobsTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.builder("9999", "10000", "10001")
            .upload("9999", "breast_hetero_guest").upload("10000", "breast_hetero_host")
            .upload("10001", "breast_hetero_host")
            // The host lets party 9999 run Reader and DataTransform on its table (FATE 1.9's party grants).
            .grant("10000", "9999", "reader,datatransform,dataio,lr", "breast_hetero_host").build();
    static final TestNode guest = sites.site("9999");
    static final TestNode host = sites.site("10000");
    static final TestNode stranger = sites.site("10001");

    static JsonNode submit(String dsl, String conf) {
        return guest.http().post("/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": " + conf + "}");
    }

    @Test
    void aTwoPartyJobRunsAtBothSitesWithTheSameStatus() throws Exception {
        JsonNode r = submit(Jobs.DSL, Jobs.conf("10000", ""));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(r.at("/data/model_info/model_id").asText()).isEqualTo("guest-9999#host-10000#model");

        assertThat(FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofSeconds(60), FederatedSites.END)).isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(host.http(), jobId, Duration.ofSeconds(10), FederatedSites.END)).isEqualTo("success");

        // each site keeps its own role's row
        JsonNode g = Jobs.rows(guest.http(), jobId);
        JsonNode h = Jobs.rows(host.http(), jobId);
        assertThat(g).hasSize(1);
        assertThat(g.get(0).get("f_role").asText()).isEqualTo("guest");
        assertThat(g.get(0).get("f_is_initiator").asBoolean()).isTrue();
        assertThat(h).hasSize(1);
        assertThat(h.get(0).get("f_role").asText()).isEqualTo("host");
        assertThat(h.get(0).get("f_party_id").asText()).isEqualTo("10000");
        assertThat(h.get(0).get("f_initiator_party_id").asText()).isEqualTo("9999");
        assertThat(h.get(0).at("/f_runtime_conf_on_party/job_parameters/common/model_id").asText())
                .isEqualTo("guest-9999#host-10000#model");

        // the host ran its own tasks, and the initiator's holder rows mirror them
        JsonNode hostTasks = host.http().post("/v1/job/task/query", Map.of("job_id", jobId)).get("data");
        assertThat(hostTasks).hasSize(2);
        hostTasks.forEach(t -> {
            assertThat(t.get("f_status").asText()).isEqualTo("success");
            assertThat(t.get("f_party_id").asText()).isEqualTo("10000");
        });
        JsonNode holders = guest.http().post("/v1/job/task/query", Map.of("job_id", jobId, "role", "host")).get("data");
        assertThat(holders).hasSize(2);
        holders.forEach(t -> {
            assertThat(t.get("f_status").asText()).isEqualTo("success");
            assertThat(t.get("f_run_on_this_party").asBoolean()).isFalse();
        });

        // rows at both: the host's DataTransform output is the host's 569 rows, at the host only
        JsonNode out = host.http().post("/v1/tracking/component/output/data/table", Map.of("job_id", jobId,
                "role", "host", "party_id", "10000", "component_name", "data_transform_0"));
        assertThat(out.get("retcode").asInt()).as(out.toString()).isZero();
        String table = out.at("/data/0/table_name").asText();
        String ns = out.at("/data/0/table_namespace").asText();
        JsonNode info = host.http().post("/v1/table/table_info", Map.of("namespace", ns, "table_name", table));
        assertThat(info.at("/data/count").asInt()).as(info + " " + out).isEqualTo(569);
        JsonNode guestOut = guest.http().post("/v1/tracking/component/output/data/table", Map.of("job_id", jobId,
                "role", "guest", "party_id", "9999", "component_name", "data_transform_0"));
        assertThat(guestOut.at("/data/0/table_name").asText()).isNotEmpty();
    }

    @Test
    void aJobRefusedByPermissionAtAPartyFailsAtCreationAndLeavesNothingRunning() throws Exception {
        JsonNode r = submit(Jobs.DSL, Jobs.conf("10001", ""));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(108);
        assertThat(r.get("retmsg").asText()).contains("party 10001", "permission", "reader");
        String jobId = r.get("retmsg").asText().replaceAll("^job (\\d+):.*$", "$1");
        JsonNode g = Jobs.rows(guest.http(), jobId);
        assertThat(g).hasSize(1);
        assertThat(g.get(0).get("f_status").asText()).isEqualTo("failed");
        assertThat(g.get(0).get("f_tag").asText()).isEqualTo("submit_failed");
        JsonNode s = stranger.http().post("/v1/job/query", Map.of("job_id", jobId));
        assertThat(s.get("data")).isEmpty();
    }

    @Test
    void aJobWithAPartyThatIsNotAPeerIsRefusedBeforeAnythingIsCreated() {
        JsonNode r = submit(Jobs.DSL, Jobs.conf("10099", ""));
        assertThat(r.get("retcode").asInt()).isEqualTo(103);
        assertThat(r.get("retmsg").asText()).contains("10099", "not a peer");
    }

    @Test
    void stopAtTheHostStopsTheJobEverywhereAndRerunRunsItAgain() throws Exception {
        // A job that runs long at the guest: an LR with many iterations there, nothing to learn at the host.
        JsonNode r = submit(Jobs.LR_DSL, Jobs.endlessLrConf());
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        FederatedSites.awaitTask(guest.http(), jobId, "lr_0", "guest", "running");
        assertThat(FederatedSites.awaitStatus(host.http(), jobId, Duration.ofSeconds(10), Set.of("running"))).isEqualTo("running");

        long t0 = System.nanoTime();
        JsonNode stopped = host.http().post("/v1/job/stop", Map.of("job_id", jobId));
        assertThat(stopped.get("retcode").asInt()).as(stopped.toString()).isZero();
        assertThat(FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofSeconds(10), FederatedSites.END)).isEqualTo("canceled");
        assertThat(FederatedSites.awaitStatus(host.http(), jobId, Duration.ofSeconds(10), FederatedSites.END)).isEqualTo("canceled");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));

        // rerun the LR alone with few iterations; it goes back to waiting and then succeeds everywhere
        // asked at the host, the change goes through the initiator to every party
        JsonNode upd = host.http().post("/v1/job/parameter/update", "{\"job_id\": \"" + jobId + "\", "
                + "\"component_parameters\": {\"common\": {\"lr_0\": {\"max_iter\": 3}}}}");
        assertThat(upd.get("retcode").asInt()).as(upd.toString()).isZero();
        for (FlowHttp h : List.of(guest.http(), host.http())) {
            assertThat(Jobs.rows(h, jobId).get(0).at("/f_runtime_conf/component_parameters/common/lr_0/max_iter").asInt())
                    .isEqualTo(3);
        }
        // asked at the host, the rerun goes to the initiator, which reruns the job at every party
        JsonNode rerun = host.http().post("/v1/job/rerun", Map.of("job_id", jobId));
        assertThat(rerun.get("retcode").asInt()).as(rerun.toString()).isZero();
        assertThat(FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofSeconds(60), FederatedSites.END)).isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(host.http(), jobId, Duration.ofSeconds(10), FederatedSites.END)).isEqualTo("success");
    }

    @Test
    void aNodeWithPermissionSwitchedOffAcceptsAnUngrantedJob() throws Exception {
        TestNode open = TestNode.builder("10002").configure(b -> b.enforcePermission(false)).build().start();
        try {
            FederatedSites.peer(List.of(guest.node(), open.node()));
            open.upload("breast_hetero_host");
            JsonNode r = submit(Jobs.DSL, Jobs.conf("10002", ""));
            assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
            assertThat(FederatedSites.awaitStatus(guest.http(), r.get("jobId").asText(), Duration.ofSeconds(60), FederatedSites.END)).isEqualTo("success");
        } finally {
            guest.node().peers().remove("10002");
            open.stop();
        }
    }

    @Test
    void aPartyThatCannotBeReachedFailsTheSubmitWith105NamingIt() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        guest.node().peers().put(new Peer("10003", "127.0.0.1", closed, stranger.node().siteKeys().publicKeyBase64(), false));
        try {
            long t0 = System.nanoTime();
            JsonNode r = submit(Jobs.DSL, Jobs.conf("10003", ""));
            assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(105);
            assertThat(r.get("retmsg").asText()).contains("party 10003", "127.0.0.1:" + closed, "4 attempts");
            // bounded: four tries with backoff, not a hang
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        } finally {
            guest.node().peers().remove("10003");
        }
    }
}
