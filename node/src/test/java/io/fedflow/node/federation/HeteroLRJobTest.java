package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.Node;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HeteroLR across two real nodes: guest 9999 on one, host 10000 and arbiter 10000 on the other (one site
 * holding two roles runs both roles' tasks at once). Reader → DataTransform → HeteroLR → Evaluation on
 * breast_hetero, then a predict job with the trained model.
 */
class HeteroLRJobTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();
    static final TestNode guest = sites.site("9999");
    static final TestNode other = sites.site("10000");

    static final String TRAIN_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"train_data": ["data_transform_0.data"]}},
                              "output": {"data": ["data"], "model": ["model"]}},
              "evaluation_0": {"module": "Evaluation", "input": {"data": {"data": ["hetero_lr_0.data"]}},
                               "output": {"data": ["data"]}}}}""";

    static final String PREDICT_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"test_data": ["data_transform_0.data"]},
                                                               "model": ["pipeline.hetero_lr_0.model"]},
                              "output": {"data": ["data"], "model": ["model"]}},
              "evaluation_0": {"module": "Evaluation", "input": {"data": {"data": ["hetero_lr_0.data"]}},
                               "output": {"data": ["data"]}}}}""";

    static String conf(String jobParams) {
        return """
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
                 "role": {"guest": [9999], "host": [10000], "arbiter": [10000]},
                 "job_parameters": {"common": {"task_cores": 1 %s}},
                 "component_parameters": {
                   "common": {"hetero_lr_0": {"penalty": "L2", "optimizer": "rmsprop", "alpha": 0.01,
                                              "max_iter": 30, "batch_size": 320, "learning_rate": 0.15,
                                              "init_param": {"init_method": "random_uniform"}}},
                   "role": {
                     "guest": {"0": {"reader_0": {"table": {"name": "breast_hetero_guest", "namespace": "experiment"}},
                                     "data_transform_0": {"with_label": true, "label_name": "y", "label_type": "int"}}},
                     "host": {"0": {"reader_0": {"table": {"name": "breast_hetero_host", "namespace": "experiment"}},
                                    "data_transform_0": {"with_label": false},
                                    "evaluation_0": {"need_run": false}}}}}}"""
                .formatted(jobParams);
    }

    static String run(String dsl, String conf) throws Exception {
        JsonNode r = guest.http().post("/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": " + conf + "}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        long started = System.nanoTime();
        String status = FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofMinutes(6), FederatedSites.END);
        System.out.println("HeteroLR job " + jobId + ": " + status + " at the guest after "
                + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertThat(status).as(tasks(guest.http(), jobId) + "\n" + tasks(other.http(), jobId)).isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(other.http(), jobId, Duration.ofSeconds(30), FederatedSites.END))
                .isEqualTo("success");
        return jobId;
    }

    static String tasks(FlowHttp h, String jobId) {
        return h.post("/v1/job/task/query", Map.of("job_id", jobId)).toString();
    }

    static double auc(Node node, String jobId) {
        String summary = node.database().dsl().fetchOne("SELECT f_summary::text FROM t_component_summary "
                + "WHERE f_job_id = ? AND f_component_name = 'evaluation_0' AND f_role = 'guest'", jobId)
                .get(0, String.class);
        try {
            return FlowHttp.JSON.readTree(summary).findValue("auc").asDouble();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void trainsAcrossTwoSitesToAGoodAucWithADecreasingLossThenPredictsWithTheModel() throws Exception {
        String jobId = run(TRAIN_DSL, conf(""));

        double auc = auc(guest.node(), jobId);
        System.out.println("HeteroLR train AUC " + auc);
        assertThat(auc).isGreaterThanOrEqualTo(0.98);

        // the arbiter holds the loss curve, as FATE's metric/all shows it
        JsonNode metrics = other.http().post("/v1/tracking/component/metric/all", Map.of("job_id", jobId,
                "role", "arbiter", "party_id", "10000", "component_name", "hetero_lr_0"));
        JsonNode loss = metrics.at("/data/train/loss");
        assertThat(loss.at("/meta/metric_type").asText()).as(metrics.toString()).isEqualTo("LOSS");
        List<Double> curve = new ArrayList<>();
        loss.path("data").forEach(p -> curve.add(p.get(1).asDouble()));
        System.out.println("HeteroLR loss curve " + curve);
        assertThat(curve).hasSizeBetween(2, 30);
        assertThat(curve.get(curve.size() - 1)).isLessThan(curve.get(0));
        assertThat(curve.get(curve.size() - 1)).isLessThan(curve.get(1));

        // each party's model: the guest's weights and intercept, the host's weights only
        JsonNode guestModel = FlowHttp.JSON.readTree(guest.node().database().dsl().fetchOne("SELECT f_param::text FROM "
                + "t_component_model WHERE f_job_id = ? AND f_component_name = 'hetero_lr_0'", jobId).get(0, String.class));
        assertThat(guestModel.path("weight").size()).isEqualTo(10);
        assertThat(guestModel.has("intercept")).isTrue();
        JsonNode hostModel = FlowHttp.JSON.readTree(other.node().database().dsl().fetchOne("SELECT f_param::text FROM "
                + "t_component_model WHERE f_job_id = ? AND f_component_name = 'hetero_lr_0' AND f_role = 'host'",
                jobId).get(0, String.class));
        assertThat(hostModel.path("weight").size()).isEqualTo(20);

        // a predict job with the trained model scores the same rows as well
        JsonNode info = guest.http().post("/v1/job/query", Map.of("job_id", jobId)).at("/data/0");
        String modelId = info.at("/f_runtime_conf_on_party/job_parameters/common/model_id").asText();
        String predictJob = run(PREDICT_DSL, conf(", \"job_type\": \"predict\", \"model_id\": \"" + modelId
                + "\", \"model_version\": \"" + jobId + "\""));
        double predictAuc = auc(guest.node(), predictJob);
        System.out.println("HeteroLR predict AUC " + predictAuc);
        assertThat(predictAuc).isGreaterThanOrEqualTo(0.98);
    }
}
