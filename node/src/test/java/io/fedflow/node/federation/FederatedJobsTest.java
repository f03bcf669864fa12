package io.fedflow.node.federation;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.Awaitility;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.Node;
import io.fedflow.node.NodeConfig;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.TestNodes;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jobs across three real nodes in one JVM (guest 9999, host 10000, and 10001 which grants nothing),
 * each with its own database, calling each other over the signed site port.
 */
public class FederatedJobsTest {
    static final Set<String> END = Set.of("success", "failed", "canceled", "timeout");
    static Node guest;
    static Node host;
    static Node stranger;
    static FlowHttp guestHttp;
    static FlowHttp hostHttp;
    static FlowHttp strangerHttp;

    @BeforeAll
    static void start() throws Exception {
        guest = TestNodes.start("9999");
        host = TestNodes.start("10000");
        stranger = TestNodes.start("10001");
        peer(List.of(guest, host, stranger));
        guestHttp = new FlowHttp(guest.httpPort());
        hostHttp = new FlowHttp(host.httpPort());
        strangerHttp = new FlowHttp(stranger.httpPort());
        upload(guestHttp, "breast_hetero_guest");
        upload(hostHttp, "breast_hetero_host");
        upload(strangerHttp, "breast_hetero_host");
        // The host lets party 9999 run Reader and DataTransform on its table (FATE 1.9's party grants).
        JsonNode granted = hostHttp.post("/v1/permission/grant", "{\"party_id\": \"9999\", \"component\": "
                + "\"reader,datatransform,dataio,lr\", \"dataset\": [{\"namespace\": \"experiment\", "
                + "\"name\": \"breast_hetero_host\"}]}");
        assertThat(granted.get("retcode").asInt()).as(granted.toString()).isZero();
    }

    /** Makes every node a peer of every other, each with the other's site port and public key. */
    static void peer(List<Node> nodes) {
        FederatedSites.peer(nodes);
    }

    @AfterAll
    static void stop() throws IOException {
        for (Node n : new Node[] {guest, host, stranger}) {
            if (n != null) {
                n.close();
            }
        }
    }

    static void upload(FlowHttp h, String name) throws IOException {
        FederatedSites.upload(h, name);
    }

    public static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}}}}""";

    public static String conf(String hostParty, String jobParams) {
        return """
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
                 "role": {"guest": [9999], "host": [%s]},
                 "job_parameters": {"common": {"task_cores": 1 %s}},
                 "component_parameters": {"role": {
                   "guest": {"0": {"reader_0": {"table": {"name": "breast_hetero_guest", "namespace": "experiment"}},
                                   "data_transform_0": {"with_label": true, "label_name": "y"}}},
                   "host": {"0": {"reader_0": {"table": {"name": "breast_hetero_host", "namespace": "experiment"}},
                                  "data_transform_0": {"with_label": false}}}}}}"""
                .formatted(hostParty, jobParams);
    }

    static JsonNode submit(String dsl, String conf) {
        return guestHttp.post("/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": " + conf + "}");
    }

    static JsonNode rows(FlowHttp h, String jobId) {
        return h.post("/v1/job/query", Map.of("job_id", jobId)).get("data");
    }

    static String await(FlowHttp h, String jobId, Duration timeout, Set<String> statuses) throws Exception {
        String[] last = {""};
        try {
            return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
                JsonNode rows = rows(h, jobId);
                return last[0] = rows != null && !rows.isEmpty() ? rows.get(0).get("f_status").asText() : "";
            }, statuses::contains);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("job " + jobId + " still " + last[0] + " after " + timeout);
        }
    }

    @Test
    void aTwoPartyJobRunsAtBothSitesWithTheSameStatus() throws Exception {
        JsonNode r = submit(DSL, conf("10000", ""));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(r.at("/data/model_info/model_id").asText()).isEqualTo("guest-9999#host-10000#model");

        assertThat(await(guestHttp, jobId, Duration.ofSeconds(60), END)).isEqualTo("success");
        assertThat(await(hostHttp, jobId, Duration.ofSeconds(10), END)).isEqualTo("success");

        // each site keeps its own role's row
        JsonNode g = rows(guestHttp, jobId);
        JsonNode h = rows(hostHttp, jobId);
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
        JsonNode hostTasks = hostHttp.post("/v1/job/task/query", Map.of("job_id", jobId)).get("data");
        assertThat(hostTasks).hasSize(2);
        hostTasks.forEach(t -> {
            assertThat(t.get("f_status").asText()).isEqualTo("success");
            assertThat(t.get("f_party_id").asText()).isEqualTo("10000");
        });
        JsonNode holders = guestHttp.post("/v1/job/task/query", Map.of("job_id", jobId, "role", "host")).get("data");
        assertThat(holders).hasSize(2);
        holders.forEach(t -> {
            assertThat(t.get("f_status").asText()).isEqualTo("success");
            assertThat(t.get("f_run_on_this_party").asBoolean()).isFalse();
        });

        // rows at both: the host's DataTransform output is the host's 569 rows, at the host only
        JsonNode out = hostHttp.post("/v1/tracking/component/output/data/table", Map.of("job_id", jobId,
                "role", "host", "party_id", "10000", "component_name", "data_transform_0"));
        assertThat(out.get("retcode").asInt()).as(out.toString()).isZero();
        String table = out.at("/data/0/table_name").asText();
        String ns = out.at("/data/0/table_namespace").asText();
        JsonNode info = hostHttp.post("/v1/table/table_info", Map.of("namespace", ns, "table_name", table));
        assertThat(info.at("/data/count").asInt()).as(info + " " + out).isEqualTo(569);
        JsonNode guestOut = guestHttp.post("/v1/tracking/component/output/data/table", Map.of("job_id", jobId,
                "role", "guest", "party_id", "9999", "component_name", "data_transform_0"));
        assertThat(guestOut.at("/data/0/table_name").asText()).isNotEmpty();
    }

    @Test
    void aJobRefusedByPermissionAtAPartyFailsAtCreationAndLeavesNothingRunning() throws Exception {
        JsonNode r = submit(DSL, conf("10001", ""));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(108);
        assertThat(r.get("retmsg").asText()).contains("party 10001", "permission", "reader");
        String jobId = r.get("retmsg").asText().replaceAll("^job (\\d+):.*$", "$1");
        JsonNode g = rows(guestHttp, jobId);
        assertThat(g).hasSize(1);
        assertThat(g.get(0).get("f_status").asText()).isEqualTo("failed");
        assertThat(g.get(0).get("f_tag").asText()).isEqualTo("submit_failed");
        JsonNode s = strangerHttp.post("/v1/job/query", Map.of("job_id", jobId));
        assertThat(s.get("data")).isEmpty();
    }

    @Test
    void aJobWithAPartyThatIsNotAPeerIsRefusedBeforeAnythingIsCreated() {
        JsonNode r = submit(DSL, conf("10099", ""));
        assertThat(r.get("retcode").asInt()).isEqualTo(103);
        assertThat(r.get("retmsg").asText()).contains("10099", "not a peer");
    }

    @Test
    void stopAtTheHostStopsTheJobEverywhereAndRerunRunsItAgain() throws Exception {
        // A job that runs long at the guest: an LR with many iterations there, nothing to learn at the host.
        String dsl = """
                {"components": {
                  "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
                  "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                       "output": {"data": ["data"], "model": ["model"]}},
                  "lr_0": {"module": "LR", "input": {"data": {"train_data": ["data_transform_0.data"]}},
                           "output": {"data": ["data"], "model": ["model"]}}}}""";
        String conf = conf("10000", "").replace("\"data_transform_0\": {\"with_label\": false}}",
                "\"data_transform_0\": {\"with_label\": false}, \"lr_0\": {\"need_run\": false}}")
                .replace("\"component_parameters\": {", "\"component_parameters\": {\"common\": {\"lr_0\": "
                        + "{\"max_iter\": 1000000, \"tol\": 0.0, \"batch_size\": 32}}, ");
        JsonNode r = submit(dsl, conf);
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        awaitTask(guestHttp, jobId, "lr_0", "running");
        assertThat(await(hostHttp, jobId, Duration.ofSeconds(10), Set.of("running"))).isEqualTo("running");

        long t0 = System.nanoTime();
        JsonNode stopped = hostHttp.post("/v1/job/stop", Map.of("job_id", jobId));
        assertThat(stopped.get("retcode").asInt()).as(stopped.toString()).isZero();
        assertThat(await(guestHttp, jobId, Duration.ofSeconds(10), END)).isEqualTo("canceled");
        assertThat(await(hostHttp, jobId, Duration.ofSeconds(10), END)).isEqualTo("canceled");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));

        // rerun the LR alone with few iterations; it goes back to waiting and then succeeds everywhere
        // asked at the host, the change goes through the initiator to every party
        JsonNode upd = hostHttp.post("/v1/job/parameter/update", "{\"job_id\": \"" + jobId + "\", "
                + "\"component_parameters\": {\"common\": {\"lr_0\": {\"max_iter\": 3}}}}");
        assertThat(upd.get("retcode").asInt()).as(upd.toString()).isZero();
        for (FlowHttp h : List.of(guestHttp, hostHttp)) {
            assertThat(rows(h, jobId).get(0).at("/f_runtime_conf/component_parameters/common/lr_0/max_iter").asInt())
                    .isEqualTo(3);
        }
        // asked at the host, the rerun goes to the initiator, which reruns the job at every party
        JsonNode rerun = hostHttp.post("/v1/job/rerun", Map.of("job_id", jobId));
        assertThat(rerun.get("retcode").asInt()).as(rerun.toString()).isZero();
        assertThat(await(guestHttp, jobId, Duration.ofSeconds(60), END)).isEqualTo("success");
        assertThat(await(hostHttp, jobId, Duration.ofSeconds(10), END)).isEqualTo("success");
    }

    static void awaitTask(FlowHttp h, String jobId, String component, String status) throws Exception {
        JsonNode[] last = {null};
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> last[0] = h.post("/v1/job/task/query", Map.of("job_id", jobId, "component_name",
                            component, "role", "guest")),
                            t -> t.get("retcode").asInt() == 0 && status.equals(t.at("/data/0/f_status").asText()));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("task " + component + " of " + jobId + " never became " + status + ": " + last[0]
                    + " job: " + rows(h, jobId));
        }
    }

    @Test
    void aNodeWithPermissionSwitchedOffAcceptsAnUngrantedJob() throws Exception {
        NodeConfig open = NodeConfig.builder("10002", java.nio.file.Files.createTempDirectory("fedflow-open-"))
                .dbUrl(TestNodes.newDatabase()).dbUser("postgres").enforcePermission(false).build();
        try (Node demo = TestNodes.start(open)) {
            peer(List.of(guest, demo));
            upload(new FlowHttp(demo.httpPort()), "breast_hetero_host");
            JsonNode r = submit(DSL, conf("10002", ""));
            assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
            assertThat(await(guestHttp, r.get("jobId").asText(), Duration.ofSeconds(60), END)).isEqualTo("success");
        } finally {
            guest.peers().remove("10002");
        }
    }

    @Test
    void aPartyThatCannotBeReachedFailsTheSubmitWith105NamingIt() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        guest.peers().put(new Peer("10003", "127.0.0.1", closed, stranger.siteKeys().publicKeyBase64(), false));
        try {
            long t0 = System.nanoTime();
            JsonNode r = submit(DSL, conf("10003", ""));
            assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(105);
            assertThat(r.get("retmsg").asText()).contains("party 10003", "127.0.0.1:" + closed, "4 attempts");
            // bounded: four tries with backoff, not a hang
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        } finally {
            guest.peers().remove("10003");
        }
    }
}
