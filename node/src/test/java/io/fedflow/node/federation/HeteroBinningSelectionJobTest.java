package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reader → DataTransform → HeteroFeatureBinning → HeteroFeatureSelection on breast_hetero between two real
 * nodes (guest 9999 with the labels, host 10000), the host's label sums made on Paillier ciphertexts sent
 * over the transfer channel.
 */
class HeteroBinningSelectionJobTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.builder("9999", "10000")
            .upload("9999", "breast_hetero_guest").upload("10000", "breast_hetero_host")
            .grant("10000", "9999", "reader,datatransform,heterofeaturebinning,heterofeatureselection",
                    "breast_hetero_host").build();
    static final TestNode guest = sites.site("9999");
    static final TestNode host = sites.site("10000");

    static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "hetero_feature_binning_0": {"module": "HeteroFeatureBinning",
                  "input": {"data": {"data": ["data_transform_0.data"]}},
                  "output": {"data": ["data"], "model": ["model"]}},
              "hetero_feature_selection_0": {"module": "HeteroFeatureSelection",
                  "input": {"data": {"data": ["hetero_feature_binning_0.data"]},
                            "isometric_model": ["hetero_feature_binning_0.model"]},
                  "output": {"data": ["data"], "model": ["model"]}}}}""";

    @Test
    void binningGivesTheGuestIvOfEveryFeatureAndSelectionKeepsTheTopKAtBothParties() throws Exception {
        String conf = Jobs.conf("10000", "").replace("\"component_parameters\": {",
                "\"component_parameters\": {\"common\": {"
                        + "\"hetero_feature_binning_0\": {\"bin_num\": 10, \"transform_param\": {\"transform_type\": null}},"
                        + "\"hetero_feature_selection_0\": {\"filter_methods\": [\"iv_filter\"],"
                        + " \"iv_param\": {\"filter_type\": \"top_k\", \"threshold\": 12}}}, ");
        JsonNode r = guest.http().post("/v1/job/submit", "{\"job_dsl\": " + DSL + ", \"job_runtime_conf\": " + conf
                + "}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofSeconds(120), FederatedSites.END))
                .isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(host.http(), jobId, Duration.ofSeconds(20), FederatedSites.END))
                .isEqualTo("success");

        JsonNode binning = model(guest.http(), jobId, "guest", "9999", "hetero_feature_binning_0");
        JsonNode own = binning.at("/binning_result/binning_result");
        JsonNode hosts = binning.at("/host_results/0/binning_result");
        assertThat(own.size()).isEqualTo(10);
        assertThat(hosts.size()).isEqualTo(20);
        assertThat(hosts.has("host_10000_x3")).isTrue();
        List<Double> ivs = new ArrayList<>();
        own.forEach(f -> ivs.add(f.get("iv").asDouble()));
        hosts.forEach(f -> ivs.add(f.get("iv").asDouble()));
        assertThat(ivs).hasSize(30).allSatisfy(iv -> assertThat(iv).isFinite().isGreaterThanOrEqualTo(0.0));
        // breast features separate the classes well: the best IVs are far above noise
        assertThat(ivs.stream().mapToDouble(Double::doubleValue).max().orElse(0)).isGreaterThan(1.0);

        JsonNode hostBinning = model(host.http(), jobId, "host", "10000", "hetero_feature_binning_0");
        assertThat(hostBinning.at("/binning_result/binning_result/x3/split_points")).isNotEmpty();
        assertThat(hostBinning.at("/binning_result/binning_result/x3/iv").isMissingNode()).isTrue();

        // top 12 of the 30 features over both parties, split between them
        JsonNode gSel = model(guest.http(), jobId, "guest", "9999", "hetero_feature_selection_0");
        JsonNode hSel = model(host.http(), jobId, "host", "10000", "hetero_feature_selection_0");
        int guestKept = gSel.get("header").size();
        int hostKept = hSel.get("header").size();
        assertThat(guestKept + hostKept).isEqualTo(12);
        long hostLeftAtGuest = 0;
        for (var it = gSel.at("/results/0/host_left_cols/0/left_cols").fields(); it.hasNext(); ) {
            hostLeftAtGuest += it.next().getValue().asBoolean() ? 1 : 0;
        }
        assertThat(hostKept).isEqualTo((int) hostLeftAtGuest);
        assertThat(outputCount(guest.http(), jobId, "guest", "9999")).isEqualTo(569);
        assertThat(outputCount(host.http(), jobId, "host", "10000")).isEqualTo(569);
    }

    static JsonNode model(FlowHttp h, String jobId, String role, String party, String component) {
        JsonNode r = h.post("/v1/tracking/component/output/model", Map.of("job_id", jobId, "role", role,
                "party_id", party, "component_name", component));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        return r.get("data");
    }

    static int outputCount(FlowHttp h, String jobId, String role, String party) {
        JsonNode out = h.post("/v1/tracking/component/output/data/table", Map.of("job_id", jobId, "role", role,
                "party_id", party, "component_name", "hetero_feature_selection_0"));
        assertThat(out.get("retcode").asInt()).as(out.toString()).isZero();
        JsonNode info = h.post("/v1/table/table_info", Map.of("namespace", out.at("/data/0/table_namespace").asText(),
                "table_name", out.at("/data/0/table_name").asText()));
        return info.at("/data/count").asInt();
    }
}
