package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The full breast pipeline of examples/breast_pipeline_{dsl,conf}.json, submitted as the files are, across
 * two real nodes (guest 9999; host 10000 and arbiter 10000 on the other): Reader → DataIO → Intersection (raw)
 * → HeteroFeatureBinning → HeteroFeatureSelection → HeteroLR → Evaluation; then the same on breast_partial
 * (456 shared ids), then a predict job with the trained model.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BreastPipelineTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.builder("9999", "10000")
            .upload("9999", "breast_hetero_guest", "breast_partial_guest")
            .upload("10000", "breast_hetero_host", "breast_partial_host")
            .grant("10000", "9999", "*", "breast_hetero_host", "breast_partial_host").build();
    static final TestNode guest = sites.site("9999");
    static final TestNode other = sites.site("10000");

    static String dsl;
    static String conf;
    static String trainJob;

    @BeforeAll
    static void setUp() throws Exception {
        dsl = Files.readString(Path.of("../examples/breast_pipeline_dsl.json"));
        conf = Files.readString(Path.of("../examples/breast_pipeline_conf.json"));
    }

    static String run(String label, String dsl, String conf) throws Exception {
        JsonNode r = guest.http().post("/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": " + conf + "}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        long started = System.nanoTime();
        String status = FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofMinutes(6), FederatedSites.END);
        System.out.println("Breast pipeline (" + label + ") job " + jobId + ": " + status + " at the guest after "
                + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertThat(status).as(tasks(guest.http(), jobId) + "\n" + tasks(other.http(), jobId)).isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(other.http(), jobId, Duration.ofSeconds(30), FederatedSites.END))
                .isEqualTo("success");
        return jobId;
    }

    static String tasks(FlowHttp h, String jobId) {
        return h.post("/v1/job/task/query", Map.of("job_id", jobId)).toString();
    }

    static Map<String, Object> cpn(String jobId, String role, String party, String component) {
        return Map.of("job_id", jobId, "role", role, "party_id", party, "component_name", component);
    }

    /** intersect_count of metric train/intersection of intersection_0 at the guest. */
    static int intersectCount(String jobId) {
        JsonNode all = guest.http().post("/v1/tracking/component/metric/all", cpn(jobId, "guest", "9999",
                "intersection_0"));
        for (JsonNode point : all.at("/data/train/intersection/data")) {
            if ("intersect_count".equals(point.get(0).asText())) {
                return point.get(1).asInt();
            }
        }
        throw new AssertionError("no intersect_count in " + all);
    }

    static double auc(String jobId) throws IOException {
        JsonNode summary = guest.http().post("/v1/tracking/component/summary/download", cpn(jobId, "guest", "9999",
                "evaluation_0"));
        assertThat(summary.get("retcode").asInt()).as(summary.toString()).isZero();
        JsonNode auc = summary.get("data").findValue("auc");
        assertThat(auc).as(summary.toString()).isNotNull();
        return auc.asDouble();
    }

    static List<Double> lossCurve(String jobId) {
        JsonNode metrics = other.http().post("/v1/tracking/component/metric/all", cpn(jobId, "arbiter", "10000",
                "hetero_lr_0"));
        JsonNode loss = metrics.at("/data/train/loss");
        assertThat(loss.at("/meta/metric_type").asText()).as(metrics.toString()).isEqualTo("LOSS");
        List<Double> curve = new ArrayList<>();
        loss.path("data").forEach(p -> curve.add(p.get(1).asDouble()));
        return curve;
    }

    static JsonNode model(FlowHttp h, String jobId, String role, String party, String component) {
        JsonNode r = h.post("/v1/tracking/component/output/model", cpn(jobId, role, party, component));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        return r.get("data");
    }

    @Test
    @Order(1)
    void theExampleFilesTrainAcrossTwoSitesTo569SharedIdsAndAGoodAuc() throws Exception {
        trainJob = run("breast_hetero", dsl, conf);
        int count = intersectCount(trainJob);
        double auc = auc(trainJob);
        List<Double> curve = lossCurve(trainJob);
        System.out.println("Breast pipeline intersection " + count + ", AUC " + auc + ", loss curve " + curve);
        assertThat(count).isEqualTo(569);
        assertThat(auc).isGreaterThanOrEqualTo(0.98);
        assertThat(curve).hasSizeBetween(2, 30);
        assertThat(curve.get(curve.size() - 1)).isLessThan(curve.get(0));

        for (String component : List.of("hetero_feature_binning_0", "hetero_feature_selection_0", "hetero_lr_0")) {
            assertThat(model(guest.http(), trainJob, "guest", "9999", component)).as(component).isNotEmpty();
            assertThat(model(other.http(), trainJob, "host", "10000", component)).as(component).isNotEmpty();
        }
        JsonNode lr = model(guest.http(), trainJob, "guest", "9999", "hetero_lr_0");
        assertThat(lr.has("intercept")).isTrue();
    }

    @Test
    @Order(2)
    void onBreastPartialTheIntersectionKeeps456IdsAndTheJobSucceeds() throws Exception {
        String partial = conf.replace("breast_hetero_guest", "breast_partial_guest")
                .replace("breast_hetero_host", "breast_partial_host");
        assertThat(partial).contains("breast_partial_guest", "breast_partial_host");
        String jobId = run("breast_partial", dsl, partial);
        int count = intersectCount(jobId);
        double auc = auc(jobId);
        System.out.println("Breast pipeline (partial) intersection " + count + ", AUC " + auc);
        assertThat(count).isEqualTo(456);
        assertThat(auc).isGreaterThan(0.9);
    }

    @Test
    @Order(3)
    void aPredictJobWithTheTrainedModelsScoresAsWell() throws Exception {
        if (trainJob == null) {
            theExampleFilesTrainAcrossTwoSitesTo569SharedIdsAndAGoodAuc();
        }
        JsonNode info = guest.http().post("/v1/job/query", Map.of("job_id", trainJob)).at("/data/0");
        String modelId = info.at("/f_runtime_conf_on_party/job_parameters/common/model_id").asText();
        String predictConf = conf.replace("\"task_cores\": 1", "\"task_cores\": 1, \"job_type\": \"predict\", "
                + "\"model_id\": \"" + modelId + "\", \"model_version\": \"" + trainJob + "\"");
        assertThat(predictConf).contains("\"job_type\": \"predict\"");
        String jobId = run("predict", PREDICT_DSL, predictConf);
        double auc = auc(jobId);
        System.out.println("Breast pipeline predict AUC " + auc + ", intersection " + intersectCount(jobId));
        assertThat(auc).isGreaterThanOrEqualTo(0.98);
        // binning and selection applied their trained models, at both parties, rather than refitting
        for (TestNode n : new TestNode[] {guest, other}) {
            String role = n == guest ? "guest" : "host";
            String party = n == guest ? "9999" : "10000";
            Path dir = n.config().logsDir().resolve(jobId).resolve(role).resolve(party);
            assertThat(Files.readString(dir.resolve("hetero_feature_binning_0").resolve("INFO.log")))
                    .contains("transformed with the model of hetero_feature_binning_0");
            assertThat(Files.readString(dir.resolve("hetero_feature_selection_0").resolve("INFO.log")))
                    .contains("columns the model of hetero_feature_selection_0 left");
        }
    }

    /** FATE's predict DSL of the pipeline: the trained components' models from "pipeline.<cpn>.model". */
    static final String PREDICT_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "dataio_0": {"module": "DataIO", "input": {"data": {"data": ["reader_0.data"]},
                                                          "model": ["pipeline.dataio_0.model"]},
                           "output": {"data": ["data"]}},
              "intersection_0": {"module": "Intersection", "input": {"data": {"data": ["dataio_0.data"]}},
                                 "output": {"data": ["data"]}},
              "hetero_feature_binning_0": {"module": "HeteroFeatureBinning",
                  "input": {"data": {"data": ["intersection_0.data"]},
                            "model": ["pipeline.hetero_feature_binning_0.model"]},
                  "output": {"data": ["data"]}},
              "hetero_feature_selection_0": {"module": "HeteroFeatureSelection",
                  "input": {"data": {"data": ["hetero_feature_binning_0.data"]},
                            "model": ["pipeline.hetero_feature_selection_0.model"]},
                  "output": {"data": ["data"]}},
              "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"test_data": ["hetero_feature_selection_0.data"]},
                                                               "model": ["pipeline.hetero_lr_0.model"]},
                              "output": {"data": ["data"]}},
              "evaluation_0": {"module": "Evaluation", "input": {"data": {"data": ["hetero_lr_0.data"]}},
                               "output": {"data": ["data"]}}}}""";
}
