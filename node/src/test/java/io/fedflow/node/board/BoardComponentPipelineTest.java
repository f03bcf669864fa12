package io.fedflow.node.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The component page's JSON for the federated breast pipeline of examples/breast_pipeline_{dsl,conf}.json
 * (Intersection, HeteroFeatureBinning, HeteroFeatureSelection, HeteroLR, Evaluation) across two real nodes
 * (guest 9999; host and arbiter 10000), each party's components read at its own node: what the board answers
 * is what FATE's /v1/tracking answers there.
 */
class BoardComponentPipelineTest {
    static final int MAX_ITER = 5;

    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();
    static final TestNode guest = sites.site("9999");
    static final TestNode other = sites.site("10000");

    static String jobId;

    @BeforeAll
    static void runPipeline() throws IOException {
        String dsl = Files.readString(Path.of("../examples/breast_pipeline_dsl.json"));
        String conf = Files.readString(Path.of("../examples/breast_pipeline_conf.json"))
                .replace("\"max_iter\": 30", "\"max_iter\": " + MAX_ITER);
        assertThat(conf).contains("\"max_iter\": " + MAX_ITER);
        JsonNode r = guest.http().post("/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": " + conf + "}");
        assertThat(r.path("retcode").asInt(-1)).as(r.toString()).isZero();
        jobId = r.path("jobId").asText();
        assertThat(FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofMinutes(6), FederatedSites.END))
                .isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(other.http(), jobId, Duration.ofSeconds(30), FederatedSites.END))
                .isEqualTo("success");
    }

    static JsonNode ok(TestNode site, String component, String role, String part) {
        FlowHttp h = site.http();
        String path = "/board/api/jobs/" + jobId + "/components/" + component + part + "?role=" + role + "&party_id="
                + site.partyId();
        try {
            JsonNode answer = FlowHttp.JSON.readTree(h.send(HttpRequest.newBuilder(URI.create(h.base() + path))
                    .build()).body());
            assertThat(answer.path("retcode").asInt(-1)).as(path + " -> " + answer).isZero();
            return answer.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode tracking(TestNode site, String call, String component, String role) {
        JsonNode answer = site.http().post("/v1/tracking/component/" + call, Map.of("job_id", jobId, "role", role,
                "party_id", site.partyId(), "component_name", component));
        assertThat(answer.path("retcode").asInt(-1)).as(answer.toString()).isZero();
        return answer.path("data");
    }

    static JsonNode metric(JsonNode metrics, String type) {
        for (JsonNode m : metrics.path("metrics")) {
            if (m.path("type").asText().equals(type)) {
                return m;
            }
        }
        throw new AssertionError("no " + type + " metric in " + metrics);
    }

    @Test
    void theIntersectionSizeIsTheTrackedOneAndItsOutputPages() {
        JsonNode intersection = metric(ok(guest, "intersection_0", "guest", "/metrics"), "INTERSECTION");
        Map<String, Double> points = new HashMap<>();
        intersection.path("data").forEach(p -> points.put(p.get(0).asText(), p.get(1).asDouble()));
        Map<String, Double> tracked = new HashMap<>();
        tracking(guest, "metric/all", "intersection_0", "guest").at("/train/intersection/data")
                .forEach(p -> tracked.put(p.get(0).asText(), p.get(1).asDouble()));
        assertThat(points).isEqualTo(tracked).containsEntry("intersect_count", 569.0);
        assertThat(ok(guest, "intersection_0", "guest", "/data").path("total").asLong()).isEqualTo(569);
    }

    @Test
    void theBinningsIvAndWoePerFeatureAreTheModelsAtBothParties() {
        JsonNode summary = ok(guest, "hetero_feature_binning_0", "guest", "/model");
        JsonNode param = tracking(guest, "output/model", "hetero_feature_binning_0", "guest");
        JsonNode own = param.at("/binning_result/binning_result");
        int guestFeatures = 0;
        int hostFeatures = 0;
        for (JsonNode f : summary.path("binning")) {
            if (f.path("role").asText().equals("guest")) {
                guestFeatures++;
                JsonNode tracked = own.path(f.path("feature").asText());
                assertThat(f.path("iv").asDouble()).isEqualTo(tracked.path("iv").asDouble());
                assertThat(f.path("woe")).hasSize(tracked.path("woe_array").size());
                for (int i = 0; i < f.path("woe").size(); i++) {
                    assertThat(f.path("woe").get(i).asDouble()).isEqualTo(tracked.path("woe_array").get(i).asDouble());
                }
            } else {
                hostFeatures++;
                assertThat(f.path("party_id").asText()).isEqualTo("10000");
                assertThat(f.has("iv")).isTrue();
            }
        }
        assertThat(guestFeatures).isEqualTo(own.size()).isEqualTo(10);
        assertThat(hostFeatures).isEqualTo(param.at("/host_results/0/binning_result").size()).isEqualTo(20);
    }

    @Test
    void theSelectionKeepsAndDropsPerFilterAsTheModelSays() {
        JsonNode summary = ok(guest, "hetero_feature_selection_0", "guest", "/model");
        JsonNode param = tracking(guest, "output/model", "hetero_feature_selection_0", "guest");
        assertThat(summary.path("selection")).hasSize(param.path("results").size()).isNotEmpty();
        for (int i = 0; i < param.path("results").size(); i++) {
            JsonNode result = param.path("results").get(i);
            JsonNode filter = summary.path("selection").get(i);
            assertThat(filter.path("filter").asText()).isEqualTo(result.path("filter_name").asText());
            List<String> kept = new ArrayList<>();
            List<String> dropped = new ArrayList<>();
            result.at("/left_cols/left_cols").fields().forEachRemaining(e -> (e.getValue().asBoolean() ? kept
                    : dropped).add(e.getKey()));
            assertThat(texts(filter.path("kept"))).isEqualTo(kept);
            assertThat(texts(filter.path("dropped"))).isEqualTo(dropped);
        }
        assertThat(texts(summary.at("/selected/kept"))).containsExactlyInAnyOrderElementsOf(texts(param.path("header")));
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    @Test
    void theArbitersLossHasOnePointPerIterationAndTheGuestsModelItsWeights() {
        JsonNode loss = metric(ok(other, "hetero_lr_0", "arbiter", "/metrics"), "LOSS");
        int iterations = tracking(other, "output/model", "hetero_lr_0", "arbiter").path("iters").asInt();
        assertThat(iterations).isBetween(1, MAX_ITER);
        assertThat(loss.path("data")).hasSize(iterations);
        JsonNode tracked = tracking(other, "metric/all", "hetero_lr_0", "arbiter").at("/train/loss/data");
        for (int i = 0; i < iterations; i++) {
            assertThat(loss.path("data").get(i).get(0).asInt()).isEqualTo(i);
            assertThat(loss.path("data").get(i).get(1).asDouble()).isEqualTo(tracked.get(i).get(1).asDouble());
        }

        JsonNode model = ok(guest, "hetero_lr_0", "guest", "/model");
        JsonNode param = tracking(guest, "output/model", "hetero_lr_0", "guest");
        assertThat(model.path("weights")).isEqualTo(param.path("weight"));
        assertThat(model.path("intercept").asDouble()).isEqualTo(param.path("intercept").asDouble());
        JsonNode host = ok(other, "hetero_lr_0", "host", "/model");
        assertThat(host.path("weights")).hasSize(tracking(other, "output/model", "hetero_lr_0", "host")
                .path("weight").size());
    }

    @Test
    void theGuestsEvaluationAndEachPartysLogAreReadAtItsOwnNode() {
        JsonNode metrics = ok(guest, "evaluation_0", "guest", "/metrics");
        JsonNode roc = metric(metrics, "ROC_EVALUATION");
        JsonNode tracked = tracking(guest, "metric/all", "evaluation_0", "guest")
                .path(roc.path("namespace").asText()).path(roc.path("name").asText()).path("data");
        assertThat(roc.path("data")).hasSize(tracked.size());
        for (int i = 0; i < tracked.size(); i++) {
            assertThat(roc.path("data").get(i).get(0).asDouble()).isEqualTo(tracked.get(i).get(0).asDouble());
            assertThat(roc.path("data").get(i).get(1).asDouble()).isEqualTo(tracked.get(i).get(1).asDouble());
        }
        JsonNode hostLog = ok(other, "hetero_lr_0", "host", "/log");
        assertThat(hostLog.path("lines")).isNotEmpty();
        assertThat(hostLog.path("lines").get(0).asText()).contains(jobId);
        assertThat(hostLog.path("ended").asBoolean()).isTrue();
        assertThat(ok(other, "hetero_lr_0", "host", "").path("upstream").toString())
                .isEqualTo("[\"hetero_feature_selection_0\"]");
    }
}
