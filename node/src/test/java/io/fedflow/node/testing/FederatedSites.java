package io.fedflow.node.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.Node;
import io.fedflow.node.federation.Peer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/** Real nodes made peers of each other, with the example tables uploaded, and what tests ask of their jobs. */
public final class FederatedSites {
    public static final Set<String> END = Set.of("success", "failed", "canceled", "timeout");

    private FederatedSites() {}

    /**
     * Makes every node a peer of every other, each with the other's site port and public key, over TLS
     * where the other's site port speaks it.
     */
    public static void peer(List<Node> nodes) {
        for (Node a : nodes) {
            for (Node b : nodes) {
                if (a != b) {
                    a.peers().put(new Peer(b.config().partyId(), "127.0.0.1", b.sitePort(),
                            b.siteKeys().publicKeyBase64(), b.config().siteTls()));
                }
            }
        }
    }

    /** Uploads examples/data/{name}.csv as experiment.{name}. */
    public static void upload(FlowHttp h, String name) throws IOException {
        JsonNode r = FlowHttp.JSON.readTree(h.pythonUpload(Path.of("../examples/data/" + name + ".csv"),
                "{\"head\": 1, \"partition\": 4, \"namespace\": \"experiment\", \"table_name\": \"" + name
                        + "\", \"id_delimiter\": \",\", \"drop\": 1}").body());
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
    }

    /**
     * At the host behind {@code h}: lets {@code party} run {@code components} ("*" for all, or a comma list
     * of lower-case module names) on the experiment tables named.
     */
    public static void grant(FlowHttp h, String party, String components, String... tables) {
        StringBuilder datasets = new StringBuilder();
        for (String t : tables) {
            datasets.append(datasets.length() == 0 ? "" : ", ")
                    .append("{\"namespace\": \"experiment\", \"name\": \"").append(t).append("\"}");
        }
        JsonNode granted = h.post("/v1/permission/grant", "{\"party_id\": \"" + party + "\", \"component\": \""
                + components + "\", \"dataset\": [" + datasets + "]}");
        assertThat(granted.get("retcode").asInt()).as(granted.toString()).isZero();
    }

    /** The job's first row at that node (job/query), or null. */
    public static JsonNode job(FlowHttp h, String jobId) {
        JsonNode rows = h.post("/v1/job/query", Map.of("job_id", jobId)).get("data");
        return rows == null || rows.isEmpty() ? null : rows.get(0);
    }

    public static String status(FlowHttp h, String jobId) {
        JsonNode row = job(h, jobId);
        return row == null ? "" : row.get("f_status").asText();
    }

    /** Waits until the job has one of {@code statuses} at that node; answers it. */
    public static String awaitStatus(FlowHttp h, String jobId, Duration atMost, Set<String> statuses) {
        AtomicReference<String> seen = new AtomicReference<>();
        await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                .alias("job " + jobId + " to become one of " + statuses)
                .until(() -> {
                    seen.set(status(h, jobId));
                    return statuses.contains(seen.get());
                });
        return seen.get();
    }

    /** The job's task rows at that node (task/query), with optional filters. */
    public static JsonNode tasks(FlowHttp h, String jobId, Map<String, String> filters) {
        Map<String, Object> body = new HashMap<>(filters);
        body.put("job_id", jobId);
        return h.post("/v1/job/task/query", body).get("data");
    }

    /** Waits until the task of {@code component} at {@code role} has {@code status} at that node. */
    public static void awaitTask(FlowHttp h, String jobId, String component, String role, String status) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .alias("task " + component + " " + role + " of " + jobId + " to be " + status)
                .until(() -> {
                    JsonNode t = tasks(h, jobId, Map.of("component_name", component, "role", role));
                    return t != null && !t.isEmpty() && status.equals(t.get(0).get("f_status").asText());
                });
    }
}
