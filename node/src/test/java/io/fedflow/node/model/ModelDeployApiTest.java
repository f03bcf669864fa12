package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * /v1/model/deploy, /v1/model/get/predict/dsl|conf and a predict job on a deployed model, over the local LR
 * model of one real node: the child version, its inference DSL and component models, FATE's answers and every
 * refusal.
 */
class ModelDeployApiTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static final String MODEL_ID = LocalJobs.MODEL_ID;
    private static final List<String> CPNS = List.of("reader_0", "data_transform_0", "feature_scale_0", "lr_0");
    /** The same pipeline as a predict DSL written by hand: what FATE's predict jobs ran before deploy. */
    private static final String PREDICT_DSL = LocalJobs.PREDICT_DSL;
    private static String trainJob;

    @BeforeAll
    static void trainAModel() {
        assertThat(LocalJobs.uploadBreast(node.http()).get("retcode").asInt()).isZero();
        trainJob = runToEnd(LocalJobs.submit(node.http()));
        // the model is recorded in the transaction that makes the job succeed: whoever sees success finds it
        assertThat(node.http().post("/v1/model/query", Map.of("model_version", trainJob)).get("retcode").asInt())
                .isZero();
    }

    @Test
    void deployFromCpnListMakesAChildAtEveryPartyWithTheInferenceDsl() {
        JsonNode answer = ok(deploy(Map.of("cpn_list", CPNS)));
        String child = answer.at("/data/model_version").asText();
        assertThat(answer.at("/data/model_id").asText()).isEqualTo(MODEL_ID);
        assertThat(child).isNotEqualTo(trainJob).matches("\\d{20,}");
        assertThat(answer.at("/data/local/0").asInt()).isZero();
        assertThat(answer.at("/data/detail/local/0/retcode").asInt()).isZero();
        assertThat(answer.at("/data/detail/local/0/retmsg").asText()).contains("success");

        JsonNode row = ok(node.http().post("/v1/model/query", Map.of("model_version", child))).at("/data/0");
        assertThat(row.get("f_parent").asBoolean()).isFalse();
        assertThat(row.at("/f_parent_info/parent_version").asText()).isEqualTo(trainJob);
        assertThat(row.get("f_job_id").asText()).isEqualTo(trainJob);
        assertThat(names(row.get("f_inference_dsl"))).containsExactlyInAnyOrderElementsOf(CPNS);
        assertThat(row.at("/f_runtime_conf/job_parameters/common/model_version").asText()).isEqualTo(child);
        // the reader reads new data; the trained components read their models from the pipeline
        assertThat(row.at("/f_inference_dsl/components/lr_0/input/model/0").asText())
                .isEqualTo("pipeline.lr_0.model");
        assertThat(row.at("/f_inference_dsl/components/lr_0/input/data/test_data/0").asText())
                .isEqualTo("feature_scale_0.data");

        JsonNode detail = ok(node.http().post("/v1/model/query/detail", Map.of("model_id", MODEL_ID,
                "model_version", child))).get("data");
        assertThat(detail.get("inference_dsl")).isEqualTo(row.get("f_inference_dsl"));
        assertThat(detail.get("inference_component_info").findValuesAsText("name"))
                .containsExactlyInAnyOrderElementsOf(CPNS);
        // the parent stays as it was: a trained model, no inference DSL
        JsonNode parent = ok(node.http().post("/v1/model/query", Map.of("model_version", trainJob))).at("/data/0");
        assertThat(parent.get("f_parent").asBoolean()).isTrue();
        assertThat(parent.get("f_inference_dsl").isEmpty()).isTrue();
    }

    @Test
    void withoutCpnListEveryComponentOfTheTrainDslIsDeployed() {
        String child = ok(deploy(Map.of())).at("/data/model_version").asText();
        JsonNode dsl = ok(predictDsl(child)).get("data");
        assertThat(names(dsl)).containsExactlyInAnyOrder("reader_0", "data_transform_0", "feature_scale_0", "lr_0",
                "evaluation_0");
    }

    @Test
    void aPredictJobOnTheChildWithoutADslRunsItsInferenceDslAndScoresAsTheParent() {
        String child = ok(deploy(Map.of("cpn_list", CPNS))).at("/data/model_version").asText();
        String onChild = runToEnd(node.http().post("/v1/job/submit", "{\"job_runtime_conf\": "
                + LocalJobs.conf(LocalJobs.TABLE, "", ", \"job_type\": \"predict\", \"model_id\": \"" + MODEL_ID
                + "\", \"model_version\": \"" + child + "\"") + "}"));
        String onParent = runToEnd(node.http().post("/v1/job/submit", "{\"job_dsl\": " + PREDICT_DSL
                + ", \"job_runtime_conf\": " + LocalJobs.conf(LocalJobs.TABLE, "", ", \"job_type\": \"predict\", "
                + "\"model_id\": \"" + MODEL_ID + "\", \"model_version\": \"" + trainJob + "\"") + "}"));
        JsonNode config = ok(node.http().post("/v1/job/config", Map.of("job_id", onChild, "role", "local",
                "party_id", "0"))).get("data");
        assertThat(names(config.get("dsl"))).containsExactlyInAnyOrderElementsOf(CPNS);
        assertThat(scores(onChild)).isNotEmpty().isEqualTo(scores(onParent));
    }

    @Test
    void thePredictConfTemplateFilledInRunsAPredictJob() {
        String child = ok(deploy(Map.of("cpn_list", CPNS))).at("/data/model_version").asText();
        JsonNode conf = ok(predictConf(child)).get("data");
        assertThat(conf.get("dsl_version").asInt()).isEqualTo(2);
        assertThat(conf.at("/job_parameters/common/job_type").asText()).isEqualTo("predict");
        assertThat(conf.at("/job_parameters/common/model_id").asText()).isEqualTo(MODEL_ID);
        assertThat(conf.at("/job_parameters/common/model_version").asText()).isEqualTo(child);
        assertThat(conf.at("/initiator/role").asText()).isEqualTo("local");
        JsonNode table = conf.at("/component_parameters/role/local/0/reader_0/table");
        assertThat(table.get("name").asText()).isEqualTo("name_to_be_filled_0");
        assertThat(table.get("namespace").asText()).isEqualTo("namespace_to_be_filled_0");

        ((ObjectNode) table).put("name", LocalJobs.TABLE).put("namespace", "experiment");
        String job = runToEnd(node.http().post("/v1/job/submit", "{\"job_runtime_conf\": " + conf + "}"));
        assertThat(scores(job)).isNotEmpty();
    }

    @Test
    void deployFromAPredictDslObjectOrItsJsonTextUnderDsl() {
        String fromObject = ok(node.http().post("/v1/model/deploy", "{\"model_id\": \"" + MODEL_ID
                + "\", \"model_version\": \"" + trainJob + "\", \"predict_dsl\": " + PREDICT_DSL + "}"))
                .at("/data/model_version").asText();
        assertThat(names(ok(predictDsl(fromObject)).get("data"))).containsExactlyInAnyOrderElementsOf(CPNS);
        // FATE's CLI: the DSL file's text under dsl, components_checkpoint always sent
        String fromText = ok(deploy(Map.of("dsl", PREDICT_DSL, "components_checkpoint", Map.of())))
                .at("/data/model_version").asText();
        JsonNode dsl = ok(predictDsl(fromText)).get("data");
        assertThat(dsl.at("/components/data_transform_0/input/data/data/0").asText()).isEqualTo("reader_0.data");
        assertThat(fromText).isNotEqualTo(fromObject);
        // only the component models the inference DSL uses are in the child
        JsonNode lrOnly = ok(node.http().post("/v1/model/deploy", "{\"model_id\": \"" + MODEL_ID
                + "\", \"model_version\": \"" + trainJob + "\", \"cpn_list\": \"lr_0\"}"));
        assertThat(names(ok(predictDsl(lrOnly.at("/data/model_version").asText())).get("data")))
                .containsExactly("lr_0");
    }

    @Test
    void refusals() {
        int versionsBefore = versionsOfTheModel();
        refused(node.http().post("/v1/model/deploy", Map.of("model_version", trainJob)), 101, "model_id");
        refused(node.http().post("/v1/model/deploy", Map.of("model_id", MODEL_ID)), 101, "model_version");
        refused(node.http().post("/v1/model/deploy", Map.of("model_id", "guest-1#model", "model_version",
                trainJob)), 404, "guest-1#model", "not found");
        refused(node.http().post("/v1/model/deploy", Map.of("model_id", MODEL_ID, "model_version",
                "202612040000000000001")), 404, "202612040000000000001");
        refused(deploy(Map.of("cpn_list", List.of("lr_0", "hetero_lr_9"))), 101, "hetero_lr_9");
        refused(deploy(Map.of("predict_dsl", "{\"components\": ")), 101, "predict_dsl is not valid JSON");
        refused(deploy(Map.of("predict_dsl", Map.of("components", Map.of()))), 101, "predict_dsl");
        refused(deploy(Map.of("predict_dsl", Map.of("components", Map.of("lr_9", Map.of("module", "LR"))))),
                101, "lr_9", "not in the model's train DSL");
        refused(deploy(Map.of("predict_dsl", Map.of("components", Map.of("lr_0", Map.of("module",
                "HeteroLR"))))), 101, "lr_0", "HeteroLR");
        refused(deploy(Map.of("predict_dsl", Map.of("components", Map.of("lr_0", Map.of("module", "LR",
                "input", Map.of("data", Map.of("test_data", List.of("feature_scale_0.data")))))))), 101,
                "feature_scale_0", "not in predict_dsl");
        // this model was trained without checkpoints: a step is not there (404, FATE's), and no party keeps a child
        refused(deploy(Map.of("components_checkpoint", Map.of("lr_0", Map.of("step_index", 3)))), 404, "lr_0");
        refused(deploy(Map.of("components_checkpoint", Map.of("lr_7", Map.of("step_name", "round_1")))), 101,
                "lr_7");
        // a refused deploy makes no version
        assertThat(versionsOfTheModel()).isEqualTo(versionsBefore);
        String child = ok(deploy(Map.of("cpn_list", CPNS))).at("/data/model_version").asText();
        refused(node.http().post("/v1/model/deploy", Map.of("model_id", MODEL_ID, "model_version", child)), 103,
                "Child model could not be deployed");
        assertThat(versionsOfTheModel()).isEqualTo(versionsBefore + 1);
    }

    private static int versionsOfTheModel() {
        return ok(node.http().post("/v1/model/query", Map.of("model_id", MODEL_ID))).get("data").size();
    }

    @Test
    void aPredictJobWithoutADslOnATrainedModelIsRefused() {
        JsonNode answer = node.http().post("/v1/job/submit", "{\"job_runtime_conf\": " + LocalJobs.conf(
                LocalJobs.TABLE, "", ", \"job_type\": \"predict\", \"model_id\": \"" + MODEL_ID
                        + "\", \"model_version\": \"" + trainJob + "\"") + "}");
        refused(answer, 102, trainJob, "not deployed");
        JsonNode unknown = node.http().post("/v1/job/submit", "{\"job_runtime_conf\": " + LocalJobs.conf(
                LocalJobs.TABLE, "", ", \"job_type\": \"predict\", \"model_id\": \"" + MODEL_ID
                        + "\", \"model_version\": \"202612040000000000002\"") + "}");
        refused(unknown, 102, "202612040000000000002", "not a model");
        // a train job still needs its DSL
        refused(node.http().post("/v1/job/submit", "{\"job_runtime_conf\": " + LocalJobs.conf(LocalJobs.TABLE, "",
                "") + "}"), 101, "dsl");
    }

    @Test
    void predictDslAndConfAnswerTheRawFileWhenAskedForOne() throws Exception {
        String child = ok(deploy(Map.of("cpn_list", CPNS))).at("/data/model_version").asText();
        HttpResponse<String> dsl = node.http().postRaw("/v1/model/get/predict/dsl", body(child, "dsl.json"));
        assertThat(dsl.statusCode()).isEqualTo(200);
        assertThat(dsl.headers().firstValue("content-disposition")).hasValue("attachment; filename=dsl.json");
        assertThat(FlowHttp.JSON.readTree(dsl.body())).isEqualTo(ok(predictDsl(child)).get("data"));
        HttpResponse<String> conf = node.http().postRaw("/v1/model/get/predict/conf", body(child, "conf.json"));
        assertThat(conf.statusCode()).isEqualTo(200);
        assertThat(FlowHttp.JSON.readTree(conf.body())).isEqualTo(ok(predictConf(child)).get("data"));
        // a trained model has no inference DSL yet: FATE answers it empty
        assertThat(ok(predictDsl(trainJob)).get("data").isEmpty()).isTrue();
    }

    @Test
    void predictDslAndConfRefusals() throws Exception {
        for (String path : List.of("/v1/model/get/predict/dsl", "/v1/model/get/predict/conf")) {
            refused(node.http().post(path, Map.of("model_id", MODEL_ID, "model_version", "202612040000000000003")),
                    210, "No model found", "202612040000000000003");
            refused(node.http().post(path, Map.of("model_version", trainJob)), 101, "model_id");
            HttpResponse<String> file = node.http().postRaw(path, body("202612040000000000003", "out.json"));
            assertThat(file.statusCode()).isEqualTo(210);
            assertThat(FlowHttp.JSON.readTree(file.body()).get("retcode").asInt()).isEqualTo(210);
            // a name no header can carry is refused, never sent as an attachment
            HttpResponse<String> badName = node.http().postRaw(path, body(trainJob, "x\r\n.json"));
            assertThat(badName.headers().firstValue("content-disposition")).isEmpty();
            assertThat(FlowHttp.JSON.readTree(badName.body()).get("retcode").asInt()).isEqualTo(101);
            assertThat(FlowHttp.JSON.readTree(badName.body()).get("retmsg").asText()).contains("filename");
        }
    }

    private static String body(String version, String filename) throws Exception {
        return FlowHttp.JSON.writeValueAsString(Map.of("model_id", MODEL_ID, "model_version", version, "filename",
                filename));
    }

    private static JsonNode deploy(Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(extra);
        body.put("model_id", MODEL_ID);
        body.put("model_version", trainJob);
        return node.http().post("/v1/model/deploy", body);
    }

    private static JsonNode predictDsl(String version) {
        return node.http().post("/v1/model/get/predict/dsl", Map.of("model_id", MODEL_ID, "model_version", version));
    }

    private static JsonNode predictConf(String version) {
        return node.http().post("/v1/model/get/predict/conf", Map.of("model_id", MODEL_ID, "model_version",
                version));
    }

    /** The predict job's lr_0 output rows, as /v1/tracking/component/output/data answers them. */
    private static JsonNode scores(String jobId) {
        return ok(node.http().post("/v1/tracking/component/output/data", Map.of("job_id", jobId, "role", "local",
                "party_id", "0", "component_name", "lr_0", "limit", -1))).at("/data/0");
    }

    private static List<String> names(JsonNode dsl) {
        List<String> names = new ArrayList<>();
        dsl.path("components").fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String runToEnd(JsonNode submitted) {
        return LocalJobs.awaitSuccess(node.http(), submitted);
    }

    private static JsonNode ok(JsonNode answer) {
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isZero();
        return answer;
    }

    private static void refused(JsonNode answer, int retcode, String... mentions) {
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isEqualTo(retcode);
        assertThat(answer.get("retmsg").asText()).contains(mentions);
    }
}
