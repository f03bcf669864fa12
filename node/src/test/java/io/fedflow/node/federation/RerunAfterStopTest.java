package io.fedflow.node.federation;

import static io.fedflow.node.testing.FederatedSites.END;
import static io.fedflow.node.testing.FederatedSites.awaitStatus;
import static io.fedflow.node.testing.FederatedSites.awaitTask;
import static io.fedflow.node.testing.FederatedSites.job;
import static io.fedflow.node.testing.FederatedSites.tasks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reliability case of the seed pipeline: guest 9999 on one node, host and arbiter 10000 on the other,
 * {@code auto_retries: 1}, HeteroLR stopped while it runs and rerun. A stopped version's messages can
 * still arrive after the rerun started (a task's last send races the stop); here they are put in the
 * store on purpose, so that the race is deterministic.
 */
class RerunAfterStopTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();
    static final TestNode guest = sites.site("9999");
    static final TestNode other = sites.site("10000");

    static String submit(String conf) {
        JsonNode r = guest.http().post("/v1/job/submit", "{\"job_dsl\": " + Jobs.HETERO_LR_DSL + ", \"job_runtime_conf\": " + conf + "}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        return r.get("jobId").asText();
    }

    /**
     * Leaves in the other node's store what a task of {@code version} that was stopped (or a bad sender)
     * left there: the arbiter's "pubkey" to the host, with content no run of the job ever sends.
     */
    static void leaveStaleMessage(String jobId, long version) throws Exception {
        byte[] content = ("stale pubkey of " + jobId).getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        var dsl = other.node().database().dsl();
        boolean versioned = dsl.fetchExists(dsl.selectOne().from("information_schema.columns")
                .where("table_name = 't_transfer' and column_name = 'f_task_version'"));
        Long id = dsl.fetchOne("INSERT INTO t_transfer (f_job_id, f_component_name, f_tag, f_src_role, f_src_party_id,"
                + " f_dst_role, f_dst_party_id, f_size, f_sha256, f_create_time) VALUES (?, 'hetero_lr_0', 'pubkey',"
                + " 'arbiter', '10000', 'host', '10000', ?, ?, 0) RETURNING f_id", jobId, (long) content.length, sha)
                .get(0, Long.class);
        if (versioned) {
            dsl.execute("UPDATE t_transfer SET f_task_version = ? WHERE f_id = ?", version, id);
        }
        dsl.execute("INSERT INTO t_transfer_chunk (f_transfer_id, f_seq, f_content) VALUES (?, 0, ?)", id, content);
    }

    /** Every party's latest task of the component, at both nodes (the guest's holder rows included). */
    static void assertSameVersionEverywhere(String jobId, String component, long version) {
        for (FlowHttp h : List.of(guest.http(), other.http())) {
            JsonNode rows = tasks(h, jobId, Map.of("component_name", component));
            assertThat(rows).as(rows.toString()).isNotEmpty();
            rows.forEach(t -> {
                assertThat(t.get("f_task_version").asLong()).as(t.toString()).isEqualTo(version);
                assertThat(t.get("f_status").asText()).as(t.toString()).isEqualTo("success");
            });
        }
        // guest's own task, and its holder rows of host and arbiter; host and arbiter at the other node
        assertThat(tasks(guest.http(), jobId, Map.of("component_name", component))).hasSize(3);
        assertThat(tasks(other.http(), jobId, Map.of("component_name", component))).hasSize(2);
    }

    @Test
    void stopWhileHeteroLRRunsThenRerunEndsInSuccessWithEveryPartyOnTheSameVersion() throws Exception {
        String jobId = submit(Jobs.heteroLrConf(100_000, ""));
        awaitTask(guest.http(), jobId, "hetero_lr_0", "guest", "running");
        awaitTask(other.http(), jobId, "hetero_lr_0", "arbiter", "running");

        JsonNode stopped = guest.http().post("/v1/job/stop", Map.of("job_id", jobId));
        assertThat(stopped.get("retcode").asInt()).as(stopped.toString()).isZero();
        assertThat(awaitStatus(guest.http(), jobId, Duration.ofSeconds(20), END)).isEqualTo("canceled");
        assertThat(awaitStatus(other.http(), jobId, Duration.ofSeconds(20), END)).isEqualTo("canceled");

        // what the stopped version still sends after the stop reached the other node
        leaveStaleMessage(jobId, 0);

        JsonNode upd = guest.http().post("/v1/job/parameter/update", "{\"job_id\": \"" + jobId + "\", "
                + "\"component_parameters\": {\"common\": {\"hetero_lr_0\": {\"max_iter\": 2}}}}");
        assertThat(upd.get("retcode").asInt()).as(upd.toString()).isZero();
        JsonNode rerun = guest.http().post("/v1/job/rerun", Map.of("job_id", jobId));
        assertThat(rerun.get("retcode").asInt()).as(rerun.toString()).isZero();

        assertThat(awaitStatus(guest.http(), jobId, Duration.ofMinutes(3), END))
                .as(tasks(guest.http(), jobId, Map.of()) + "\n" + tasks(other.http(), jobId, Map.of())).isEqualTo("success");
        assertThat(awaitStatus(other.http(), jobId, Duration.ofSeconds(30), END)).isEqualTo("success");
        assertSameVersionEverywhere(jobId, "hetero_lr_0", 1);
    }

    @Test
    void aTaskThatFailsIsRetriedAtEveryPartyTogetherAtTheSameVersion() throws Exception {
        String jobId = submit(Jobs.heteroLrConf(2, ""));
        // A message of version 0 is already there: the arbiter's first send collides with it, or the host takes
        // it for the arbiter's key and fails. Either way the retry must move all three to version 1 together.
        leaveStaleMessage(jobId, 0);

        assertThat(awaitStatus(guest.http(), jobId, Duration.ofMinutes(3), END))
                .as(tasks(guest.http(), jobId, Map.of()) + "\n" + tasks(other.http(), jobId, Map.of())).isEqualTo("success");
        assertThat(awaitStatus(other.http(), jobId, Duration.ofSeconds(30), END)).isEqualTo("success");
        assertSameVersionEverywhere(jobId, "hetero_lr_0", 1);
        // the failed version is kept, with the reason
        JsonNode failed = tasks(other.http(), jobId, Map.of("component_name", "hetero_lr_0", "role", "arbiter",
                "task_version", "0"));
        assertThat(failed.get(0).get("f_status").asText()).isEqualTo("failed");
        // either the arbiter's own send collided with the message, or the host took it first and failed, and
        // the retry stopped the arbiter's version 0: both are the failure the retry must recover from
        assertThat(failed.get(0).get("f_error_report").asText()).containsAnyOf("other content", "stopped for version 1");
    }

    @Test
    void aJobWaitingForCoresSaysForWhichCoresAtWhichParty() throws Exception {
        int cores = guest.config().cores();
        String holder = submit(Jobs.heteroLrConf(100_000, ", \"task_cores\": " + cores).replace("\"task_cores\": 1, ", ""));
        awaitStatus(guest.http(), holder, Duration.ofSeconds(30), Set.of("running"));
        String waiting = submit(Jobs.heteroLrConf(2, ""));
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                JsonNode row = job(guest.http(), waiting);
                assertThat(row.get("f_status").asText()).isEqualTo("waiting");
                assertThat(row.path("f_waiting_for").asText()).contains("cores", "party 9999");
            });
            // the running job says what it is doing now
            assertThat(job(guest.http(), holder).path("f_waiting_for").asText()).contains("task ", "version 0");
        } finally {
            guest.http().post("/v1/job/stop", Map.of("job_id", holder));
            guest.http().post("/v1/job/stop", Map.of("job_id", waiting));
        }
    }
}
