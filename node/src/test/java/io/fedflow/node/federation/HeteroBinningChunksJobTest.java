package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HeteroFeatureBinning between two real nodes whose {@code --binning-chunk-rows} is 7: breast's 569 labels
 * cross the transfer channel in 82 encrypted chunks, and what the guest learns of a host feature is still
 * exactly the clear computation over both CSV files (FATE's split points of the host's column, the guest's
 * labels counted per bin).
 */
class HeteroBinningChunksJobTest {
    static final int CHUNK = 7;

    @RegisterExtension
    static final SitesExtension sites = SitesExtension.builder("9999", "10000")
            .configure((id, b) -> b.limits(Limits.builder().binningChunkRows(CHUNK).build()))
            .upload("9999", "breast_hetero_guest").upload("10000", "breast_hetero_host")
            .grant("10000", "9999", "reader,datatransform,heterofeaturebinning", "breast_hetero_host").build();
    static final TestNode guest = sites.site("9999");
    static final TestNode host = sites.site("10000");

    static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "hetero_feature_binning_0": {"module": "HeteroFeatureBinning",
                  "input": {"data": {"data": ["data_transform_0.data"]}},
                  "output": {"data": ["data"], "model": ["model"]}}}}""";

    @Test
    void theGuestsIvOfAHostFeatureIsTheClearComputationWhenLabelsGoSevenAtATime() throws Exception {
        String conf = Jobs.conf("10000", "").replace("\"component_parameters\": {",
                "\"component_parameters\": {\"common\": {\"hetero_feature_binning_0\": {\"bin_num\": 10}}, ");
        JsonNode r = guest.http().post("/v1/job/submit", "{\"job_dsl\": " + DSL + ", \"job_runtime_conf\": " + conf
                + "}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofSeconds(180), FederatedSites.END))
                .isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(host.http(), jobId, Duration.ofSeconds(30), FederatedSites.END))
                .isEqualTo("success");

        Map<String, Double> labels = new HashMap<>();
        for (String line : csv("breast_hetero_guest")) {
            String[] v = line.split(",");
            labels.put(v[0], Double.parseDouble(v[1]));
        }
        List<String> ids = new ArrayList<>();
        List<Double> x3 = new ArrayList<>();
        for (String line : csv("breast_hetero_host")) {
            String[] v = line.split(",");
            ids.add(v[0]);
            x3.add(Double.parseDouble(v[1 + 3]));
        }
        double[] sorted = x3.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        List<Double> points = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            double v = sorted[(int) Math.min(sorted.length - 1, Math.ceil((i < 10 ? i * 0.1 : 1.0) * sorted.length) - 1)];
            if (points.isEmpty() || v > points.get(points.size() - 1)) {
                points.add(v);
            }
        }
        JsonNode hostModel = model(host.http(), jobId, "host", "10000");
        double[] split = toArray(hostModel.at("/binning_result/binning_result/x3/split_points"));
        assertThat(split).containsExactly(points.stream().mapToDouble(Double::doubleValue).toArray());

        long[] events = new long[split.length];
        long[] nonEvents = new long[split.length];
        for (int i = 0; i < ids.size(); i++) {
            int bin = Arrays.binarySearch(split, x3.get(i));
            bin = bin >= 0 ? bin : Math.min(-bin - 1, split.length - 1);
            if (labels.get(ids.get(i)) == 1) {
                events[bin]++;
            } else {
                nonEvents[bin]++;
            }
        }
        JsonNode atGuest = model(guest.http(), jobId, "guest", "9999").at("/host_results/0/binning_result/host_10000_x3");
        assertThat(toLongs(atGuest.get("event_count_array"))).containsExactly(events);
        assertThat(toLongs(atGuest.get("non_event_count_array"))).containsExactly(nonEvents);
        assertThat(atGuest.get("iv").asDouble()).isPositive();

        Path logs = guest.config().logsDir().resolve(jobId).resolve("guest").resolve("9999");
        assertThat(Files.readString(logs.resolve("hetero_feature_binning_0").resolve("INFO.log")))
                .contains("in " + (569 + CHUNK - 1) / CHUNK + " chunks of at most " + CHUNK);
    }

    static List<String> csv(String table) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "examples", "data", table + ".csv"));
        return lines.subList(1, lines.size());
    }

    static JsonNode model(FlowHttp h, String jobId, String role, String party) {
        JsonNode r = h.post("/v1/tracking/component/output/model", Map.of("job_id", jobId, "role", role,
                "party_id", party, "component_name", "hetero_feature_binning_0"));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        return r.get("data");
    }

    static double[] toArray(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    static long[] toLongs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }
}
