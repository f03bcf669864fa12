package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HeteroLR's ModelCheckpoint callback across two real nodes (guest 9999; host and arbiter 10000): every party's
 * task saves its own model at the steps save_freq asks for, and the last iteration's checkpoint is that party's
 * final model.
 */
class HeteroCheckpointTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();
    static final TestNode guest = sites.site("9999");
    static final TestNode other = sites.site("10000");

    private static final String MODEL_ID = "arbiter-10000#guest-9999#host-10000#model";

    private static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"train_data": ["data_transform_0.data"]}},
                              "output": {"data": ["data"], "model": ["model"]}}}}""";

    /** 5 iterations (diff with tol 0 never converges), a checkpoint every 2: steps 0, 2 and 4. */
    private static final String CONF = """
            {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
             "role": {"guest": [9999], "host": [10000], "arbiter": [10000]},
             "job_parameters": {"common": {"task_cores": 1}},
             "component_parameters": {
               "common": {"hetero_lr_0": {"penalty": "L2", "optimizer": "rmsprop", "alpha": 0.01, "max_iter": 5,
                                          "early_stop": "diff", "tol": 0, "batch_size": -1, "learning_rate": 0.15,
                                          "callback_param": {"callbacks": ["ModelCheckpoint"], "save_freq": 2}}},
               "role": {
                 "guest": {"0": {"reader_0": {"table": {"name": "breast_hetero_guest", "namespace": "experiment"}},
                                 "data_transform_0": {"with_label": true, "label_name": "y", "label_type": "int"}}},
                 "host": {"0": {"reader_0": {"table": {"name": "breast_hetero_host", "namespace": "experiment"}},
                                "data_transform_0": {"with_label": false}}}}}}""";

    @Test
    void everyPartySavesItsModelAtTheStepsAndTheLastIsItsFinalModel() {
        JsonNode r = guest.http().post("/v1/job/submit", "{\"job_dsl\": " + DSL + ", \"job_runtime_conf\": " + CONF
                + "}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofMinutes(6), FederatedSites.END))
                .isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(other.http(), jobId, Duration.ofSeconds(30), FederatedSites.END))
                .isEqualTo("success");

        for (Object[] party : new Object[][] {{guest, "guest", "9999", 10}, {other, "host", "10000", 20},
            {other, "arbiter", "10000", 0}}) {
            TestNode site = (TestNode) party[0];
            String role = (String) party[1];
            String partyId = (String) party[2];
            // the registry records each party's model as the job ends there
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> site.http().post("/v1/model/query",
                    Map.of("model_version", jobId, "role", role, "party_id", partyId)).get("retcode").asInt() == 0);
            Map<String, Object> request = Map.of("role", role, "party_id", partyId, "model_id", MODEL_ID,
                    "model_version", jobId, "component_name", "hetero_lr_0");
            JsonNode steps = site.http().post("/v1/checkpoint/list", request);
            assertThat(steps.get("retcode").asInt()).as(steps.toString()).isZero();
            assertThat(steps.get("data").findValuesAsText("step_index")).as(role).containsExactly("0", "2", "4");
            assertThat(steps.at("/data/0/models/HeteroLogisticRegressionParam/buffer_name").asText())
                    .isEqualTo("LRModelParam");

            JsonNode last = site.http().post("/v1/checkpoint/get", with(request, "step_index", 4));
            assertThat(last.get("retcode").asInt()).as(last.toString()).isZero();
            JsonNode finalModel = site.http().post("/v1/tracking/component/output/model", Map.of("job_id", jobId,
                    "role", role, "party_id", partyId, "component_name", "hetero_lr_0"));
            JsonNode param = last.at("/data/models/HeteroLogisticRegressionParam");
            assertThat(param).as(role).isEqualTo(finalModel.get("data"));
            assertThat(last.at("/data/models/HeteroLogisticRegressionMeta")).as(role)
                    .isEqualTo(finalModel.at("/meta/meta_data"));
            assertThat(param.get("iters").asInt()).isEqualTo(5);
            assertThat(param.path("weight").size()).as(role).isEqualTo((int) party[3]);

            JsonNode first = site.http().post("/v1/checkpoint/get", with(request, "step_index", 0));
            assertThat(first.at("/data/models/HeteroLogisticRegressionParam/iters").asInt()).isEqualTo(1);
            if (!"arbiter".equals(role)) {
                assertThat(first.at("/data/models/HeteroLogisticRegressionParam/weight")).as(role)
                        .isNotEqualTo(param.get("weight"));
            }
        }
    }

    private static Map<String, Object> with(Map<String, Object> request, String key, Object value) {
        Map<String, Object> out = new HashMap<>(request);
        out.put(key, value);
        return out;
    }
}
