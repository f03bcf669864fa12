package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.Node;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.TestNodes;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reader → DataTransform → HeteroFeatureBinning → HeteroFeatureSelection on breast_hetero between two real
 * nodes (guest 9999 with the labels, host 10000), the host's label sums made on Paillier ciphertexts sent
 * over the transfer channel.
 */
class HeteroBinningSelectionJobTest {
    static Node guest;
    static Node host;
    static FlowHttp guestHttp;
    static FlowHttp hostHttp;

    @BeforeAll
    static void start() throws Exception {
        guest = TestNodes.start("9999");
        host = TestNodes.start("10000");
        FederatedJobsTest.peer(List.of(guest, host));
        guestHttp = new FlowHttp(guest.httpPort());
        hostHttp = new FlowHttp(host.httpPort());
        FederatedJobsTest.upload(guestHttp, "breast_hetero_guest");
        FederatedJobsTest.upload(hostHttp, "breast_hetero_host");
        FederatedSites.grant(hostHttp, "9999", "reader,datatransform,heterofeaturebinning,heterofeatureselection", "breast_hetero_host");
    }

    @AfterAll
    static void stop() throws IOException {
        for (Node n : new Node[] {guest, host}) {
            if (n != null) {
                n.close();
            }
        }
    }

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
        String conf = FederatedJobsTest.conf("10000", "").replace("\"component_parameters\": {",
                "\"component_parameters\": {\"common\": {"
                        + "\"hetero_feature_binning_0\": {\"bin_num\": 10, \"transform_param\": {\"transform_type\": null}},"
                        + "\"hetero_feature_selection_0\": {\"filter_methods\": [\"iv_filter\"],"
                        + " \"iv_param\": {\"filter_type\": \"top_k\", \"threshold\": 12}}}, ");
        JsonNode r = guestHttp.post("/v1/job/submit", "{\"job_dsl\": " + DSL + ", \"job_runtime_conf\": " + conf
                + "}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(FederatedJobsTest.await(guestHttp, jobId, Duration.ofSeconds(120), FederatedJobsTest.END))
                .isEqualTo("success");
        assertThat(FederatedJobsTest.await(hostHttp, jobId, Duration.ofSeconds(20), FederatedJobsTest.END))
                .isEqualTo("success");

        JsonNode binning = model(guestHttp, jobId, "guest", "9999", "hetero_feature_binning_0");
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

        JsonNode hostBinning = model(hostHttp, jobId, "host", "10000", "hetero_feature_binning_0");
        assertThat(hostBinning.at("/binning_result/binning_result/x3/split_points")).isNotEmpty();
        assertThat(hostBinning.at("/binning_result/binning_result/x3/iv").isMissingNode()).isTrue();

        // top 12 of the 30 features over both parties, split between them
        JsonNode gSel = model(guestHttp, jobId, "guest", "9999", "hetero_feature_selection_0");
        JsonNode hSel = model(hostHttp, jobId, "host", "10000", "hetero_feature_selection_0");
        int guestKept = gSel.get("header").size();
        int hostKept = hSel.get("header").size();
        assertThat(guestKept + hostKept).isEqualTo(12);
        long hostLeftAtGuest = 0;
        for (var it = gSel.at("/results/0/host_left_cols/0/left_cols").fields(); it.hasNext(); ) {
            hostLeftAtGuest += it.next().getValue().asBoolean() ? 1 : 0;
        }
        assertThat(hostKept).isEqualTo((int) hostLeftAtGuest);
        assertThat(outputCount(guestHttp, jobId, "guest", "9999")).isEqualTo(569);
        assertThat(outputCount(hostHttp, jobId, "host", "10000")).isEqualTo(569);
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
