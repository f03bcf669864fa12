package io.fedflow.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The job DSLs and runtime confs the federated tests share: guest 9999 initiates, host tables are
 * experiment.breast_hetero_host, guest tables experiment.breast_hetero_guest.
 */
public final class Jobs {
    /** Reader then DataTransform. */
    public static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}}}}""";

    /** Reader, DataTransform, then an LR at the guest only (the host does not run it). */
    public static final String LR_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "lr_0": {"module": "LR", "input": {"data": {"train_data": ["data_transform_0.data"]}},
                       "output": {"data": ["data"], "model": ["model"]}}}}""";

    /** Reader, DataTransform, HeteroLR. */
    public static final String HETERO_LR_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"train_data": ["data_transform_0.data"]}},
                              "output": {"data": ["data"], "model": ["model"]}}}}""";

    private Jobs() {}

    /** The conf of {@link #DSL}: guest 9999, host {@code hostParty}, extra job parameters. */
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

    /** The conf of {@link #LR_DSL} with host 10000: an LR that runs until stopped at the guest. */
    public static String endlessLrConf() {
        return conf("10000", "").replace("\"data_transform_0\": {\"with_label\": false}}",
                        "\"data_transform_0\": {\"with_label\": false}, \"lr_0\": {\"need_run\": false}}")
                .replace("\"component_parameters\": {", "\"component_parameters\": {\"common\": {\"lr_0\": "
                        + "{\"max_iter\": 1000000, \"tol\": 0.0, \"batch_size\": 32}}, ");
    }

    /**
     * The conf of {@link #HETERO_LR_DSL}: guest 9999, host and arbiter 10000, {@code auto_retries: 1},
     * {@code maxIter} iterations that never converge early; a small key keeps it quick.
     */
    public static String heteroLrConf(int maxIter, String jobParams) {
        return """
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
                 "role": {"guest": [9999], "host": [10000], "arbiter": [10000]},
                 "job_parameters": {"common": {"task_cores": 1, "auto_retries": 1 %s}},
                 "component_parameters": {
                   "common": {"hetero_lr_0": {"max_iter": %d, "early_stop": "diff", "tol": 0, "batch_size": 320,
                                              "encrypt_param": {"key_length": 512}}},
                   "role": {
                     "guest": {"0": {"reader_0": {"table": {"name": "breast_hetero_guest", "namespace": "experiment"}},
                                     "data_transform_0": {"with_label": true, "label_name": "y", "label_type": "int"}}},
                     "host": {"0": {"reader_0": {"table": {"name": "breast_hetero_host", "namespace": "experiment"}},
                                    "data_transform_0": {"with_label": false}}}}}}"""
                .formatted(jobParams, maxIter);
    }

    /** POST /v1/job/submit; the answer. */
    public static JsonNode submit(FlowHttp h, String dsl, String conf) {
        return h.post("/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": " + conf + "}");
    }

    /** The job's rows at that node (job/query's data). */
    public static JsonNode rows(FlowHttp h, String jobId) {
        return h.post("/v1/job/query", Map.of("job_id", jobId)).get("data");
    }
}
