package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reader → DataTransform → Intersection → LR (at the guest) across two real nodes (guest 9999, host 10000):
 * the intersection keeps DataTransform's schema, so the LR trains on its output. Both sites send ids in chunks
 * of {@value #CHUNK} (breast is 569 rows: a dozen chunks a phase), so the runs of chunk messages go through the
 * real transfer channel and the counts are those of one message a phase.
 */
class IntersectionJobTest {
    static final int CHUNK = 50;

    @RegisterExtension
    static final SitesExtension sites = SitesExtension.builder("9999", "10000")
            .configure((id, b) -> b.limits(Limits.builder().intersectChunkIds(CHUNK).build()))
            .upload("9999", "breast_hetero_guest", "breast_partial_guest")
            .upload("10000", "breast_hetero_host", "breast_partial_host")
            .grant("10000", "9999", "reader,datatransform,intersection,lr", "breast_hetero_host", "breast_partial_host")
            .build();
    static final TestNode guest = sites.site("9999");
    static final TestNode host = sites.site("10000");

    static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "intersection_0": {"module": "Intersection", "input": {"data": {"data": ["data_transform_0.data"]}},
                                 "output": {"data": ["data"]}},
              "lr_0": {"module": "LR", "input": {"data": {"train_data": ["intersection_0.data"]}},
                       "output": {"data": ["data"], "model": ["model"]}}}}""";

    /** A job on the {@code data} tables ("hetero" or "partial"), with the given roles and Intersection params. */
    static String conf(String data, String roles, String intersectParams) {
        return """
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
                 "role": %s,
                 "job_parameters": {"common": {"task_cores": 1}},
                 "component_parameters": {
                   "common": {"intersection_0": %s, "lr_0": {"max_iter": 3}},
                   "role": {
                   "guest": {"0": {"reader_0": {"table": {"name": "breast_%s_guest", "namespace": "experiment"}},
                                   "data_transform_0": {"with_label": true, "label_name": "y"}}},
                   "host": {"0": {"reader_0": {"table": {"name": "breast_%s_host", "namespace": "experiment"}},
                                  "data_transform_0": {"with_label": false}, "lr_0": {"need_run": false}}}}}}"""
                .formatted(roles, intersectParams, data, data);
    }

    static String run(String conf) throws Exception {
        JsonNode r = guest.http().post("/v1/job/submit", "{\"job_dsl\": " + DSL + ", \"job_runtime_conf\": " + conf + "}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofSeconds(120), FederatedSites.END))
                .as(jobId).isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(host.http(), jobId, Duration.ofSeconds(10), FederatedSites.END))
                .isEqualTo("success");
        return jobId;
    }

    static Map<String, Object> cpn(String jobId, String role, String party) {
        return Map.of("job_id", jobId, "role", role, "party_id", party, "component_name", "intersection_0");
    }

    /** Rows of the Intersection's output table at that party, through the tracking and table APIs. */
    static int outputCount(FlowHttp h, String jobId, String role, String party) {
        JsonNode out = h.post("/v1/tracking/component/output/data/table", cpn(jobId, role, party));
        assertThat(out.get("retcode").asInt()).as(out.toString()).isZero();
        JsonNode info = h.post("/v1/table/table_info", Map.of("namespace", out.at("/data/0/table_namespace").asText(),
                "table_name", out.at("/data/0/table_name").asText()));
        assertThat(info.get("retcode").asInt()).as(info.toString()).isZero();
        return info.at("/data/count").asInt();
    }

    /** The intersect_count point of metric train/intersection at that party. */
    static double intersectCount(FlowHttp h, String jobId, String role, String party) {
        JsonNode all = h.post("/v1/tracking/component/metric/all", cpn(jobId, role, party));
        assertThat(all.get("retcode").asInt()).as(all.toString()).isZero();
        JsonNode metric = all.at("/data/train/intersection");
        assertThat(metric.at("/meta/metric_type").asText()).as(all.toString()).isEqualTo("INTERSECTION");
        for (JsonNode point : metric.path("data")) {
            if ("intersect_count".equals(point.get(0).asText())) {
                return point.get(1).asDouble();
            }
        }
        throw new AssertionError("no intersect_count in " + all);
    }

    @Test
    void rawOnBreastHeteroKeepsAll569IdsAtBothPartiesAndPassesAtTheArbiter() throws Exception {
        String jobId = run(conf("hetero", "{\"guest\": [9999], \"host\": [10000], \"arbiter\": [10000]}",
                "{\"intersect_method\": \"raw\", \"sync_intersect_ids\": true, \"only_output_key\": false}"));
        assertThat(outputCount(guest.http(), jobId, "guest", "9999")).isEqualTo(569);
        assertThat(outputCount(host.http(), jobId, "host", "10000")).isEqualTo(569);
        assertThat(intersectCount(guest.http(), jobId, "guest", "9999")).isEqualTo(569.0);
        assertThat(intersectCount(host.http(), jobId, "host", "10000")).isEqualTo(569.0);
        JsonNode arbiter = host.http().post("/v1/job/task/query", Map.of("job_id", jobId, "role", "arbiter",
                "component_name", "intersection_0"));
        assertThat(arbiter.at("/data/0/f_status").asText()).as(arbiter.toString()).isEqualTo("pass");
    }

    @Test
    void rsaOnBreastPartialFindsExactly456IdsAtBothParties() throws Exception {
        String jobId = run(conf("partial", "{\"guest\": [9999], \"host\": [10000]}",
                "{\"intersect_method\": \"rsa\", \"rsa_params\": {\"hash_method\": \"sha256\", "
                        + "\"final_hash_method\": \"sha256\", \"key_length\": 1024}}"));
        assertThat(outputCount(guest.http(), jobId, "guest", "9999")).isEqualTo(456);
        assertThat(outputCount(host.http(), jobId, "host", "10000")).isEqualTo(456);
        assertThat(intersectCount(guest.http(), jobId, "guest", "9999")).isEqualTo(456.0);
        assertThat(intersectCount(host.http(), jobId, "host", "10000")).isEqualTo(456.0);
        JsonNode lr = guest.http().post("/v1/tracking/component/output/data/table", Map.of("job_id", jobId,
                "role", "guest", "party_id", "9999", "component_name", "lr_0"));
        JsonNode lrTable = guest.http().post("/v1/table/table_info", Map.of("namespace",
                lr.at("/data/0/table_namespace").asText(), "table_name", lr.at("/data/0/table_name").asText()));
        assertThat(lrTable.at("/data/count").asInt()).as(lr + " " + lrTable).isEqualTo(456);
        JsonNode summary = guest.http().post("/v1/tracking/component/summary/download", cpn(jobId, "guest", "9999"));
        assertThat(summary.at("/data/intersect_num").asInt()).as(summary.toString()).isEqualTo(456);
    }
}
