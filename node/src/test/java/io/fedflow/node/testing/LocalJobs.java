package io.fedflow.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The local (one-party) breast LR job: Reader, DataTransform, FeatureScale, LR, Evaluation, role local,
 * party 0, over experiment.breast_hetero_guest uploaded from examples/data. For tests that need a real job
 * run by the scheduler.
 */
public final class LocalJobs {
    public static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "feature_scale_0": {"module": "FeatureScale", "input": {"data": {"data": ["data_transform_0.data"]}},
                                  "output": {"data": ["data"], "model": ["model"]}},
              "lr_0": {"module": "LR", "input": {"data": {"train_data": ["feature_scale_0.data"]}},
                       "output": {"data": ["data"], "model": ["model"]}},
              "evaluation_0": {"module": "Evaluation", "input": {"data": {"data": ["lr_0.data"]}},
                               "output": {"data": ["data"]}}}}""";
    public static final String TABLE = "breast_hetero_guest";
    /** The model id of the local job's model: role local, party 0. */
    public static final String MODEL_ID = "local-0#model";
    /** The predict DSL of the local job's model: each component reads its model from the pipeline. */
    public static final String PREDICT_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]},
                                   "model": ["pipeline.data_transform_0.model"]}, "output": {"data": ["data"]}},
              "feature_scale_0": {"module": "FeatureScale", "input": {"data": {"data": ["data_transform_0.data"]},
                                  "model": ["pipeline.feature_scale_0.model"]}, "output": {"data": ["data"]}},
              "lr_0": {"module": "LR", "input": {"data": {"test_data": ["feature_scale_0.data"]},
                       "model": ["pipeline.lr_0.model"]}, "output": {"data": ["data"]}}}}""";

    private LocalJobs() {}

    /** The runtime conf over experiment.{@code table}, with LR parameters and extra job parameters. */
    public static String conf(String table, String lrParams, String jobParams) {
        return """
                {"dsl_version": 2, "initiator": {"role": "local", "party_id": 0}, "role": {"local": [0]},
                 "job_parameters": {"common": {"task_cores": 1 %s}},
                 "component_parameters": {
                   "common": {"lr_0": {%s}},
                   "role": {"local": {"0": {"reader_0": {"table": {"name": "%s", "namespace": "experiment"}},
                                            "data_transform_0": {"with_label": true, "label_name": "y"}}}}}}"""
                .formatted(jobParams, lrParams, table);
    }

    /** Uploads examples/data/breast_hetero_guest.csv as experiment.breast_hetero_guest; returns the answer. */
    public static JsonNode uploadBreast(FlowHttp h) {
        try {
            return FlowHttp.JSON.readTree(h.pythonUpload(Path.of("../examples/data/breast_hetero_guest.csv"),
                    "{\"head\": 1, \"partition\": 4, \"namespace\": \"experiment\", \"table_name\": \"" + TABLE
                            + "\", \"id_delimiter\": \",\", \"drop\": 1}").body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Submits the job (10 LR iterations, every other LR parameter FATE's default); returns the answer (jobId on
     * success). FATE's default init is random_uniform over [0, 1) for every weight, which on breast (nine of ten
     * features fall as the label rises) ranks backwards, and ten rmsprop steps of lr 0.01 under L2 alpha 1 do
     * not undo it: its Evaluation's AUC is about 0.07, as FATE's own update gives from the same weights. Use
     * {@link #submit(FlowHttp, String)} with init zeros for a model that ranks forward.
     */
    public static JsonNode submit(FlowHttp h) {
        return submit(h, "\"max_iter\": 10");
    }

    /** Submits the job with these LR parameters (the inside of lr_0's JSON object); returns the answer. */
    public static JsonNode submit(FlowHttp h, String lrParams) {
        return h.post("/v1/job/submit", "{\"job_dsl\": " + DSL + ", \"job_runtime_conf\": "
                + conf(TABLE, lrParams, "") + "}");
    }

    /** Submits a predict job of the local model {@code modelVersion} over the uploaded table; returns the answer. */
    public static JsonNode submitPredict(FlowHttp h, String modelVersion) {
        return h.post("/v1/job/submit", "{\"job_dsl\": " + PREDICT_DSL + ", \"job_runtime_conf\": " + conf(TABLE, "",
                ", \"job_type\": \"predict\", \"model_id\": \"" + MODEL_ID + "\", \"model_version\": \""
                        + modelVersion + "\"") + "}");
    }

    /**
     * The job id of a submit answer, once the job succeeded (at most three minutes); fails when the submit was
     * refused.
     */
    public static String awaitSuccess(FlowHttp h, JsonNode submitted) {
        if (submitted.path("retcode").asInt(-1) != 0) {
            throw new AssertionError("submit refused: " + submitted);
        }
        String jobId = submitted.get("jobId").asText();
        Awaitility.await().atMost(Duration.ofMinutes(3)).until(
                () -> query(h, jobId).at("/data/0/f_status").asText(), "success"::equals);
        return jobId;
    }

    /**
     * Uploads the breast table, trains the local job on it and answers the job's id once it succeeded; fails
     * when the upload or the submit is refused.
     */
    public static String trainBreast(FlowHttp h) {
        JsonNode upload = uploadBreast(h);
        if (upload.path("retcode").asInt(-1) != 0) {
            throw new AssertionError("upload refused: " + upload);
        }
        return awaitSuccess(h, submit(h));
    }

    /** The job's row at this node (role local, party 0), as /v1/job/query answers it. */
    public static JsonNode query(FlowHttp h, String jobId) {
        return h.post("/v1/job/query", Map.of("job_id", jobId));
    }
}
