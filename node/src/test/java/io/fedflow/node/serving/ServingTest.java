package io.fedflow.node.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import io.fedflow.proto.v1.InferenceReply;
import io.fedflow.proto.v1.InferenceRequest;
import io.fedflow.proto.v1.InferenceServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Load, bind and online inference across two real sites (guest 9999; host and arbiter 10000) on the breast
 * pipeline of examples/ with a min-max FeatureScale added (DataIO, FeatureScale, Intersection,
 * HeteroFeatureBinning with a bin_num transform, HeteroFeatureSelection, HeteroLR): every breast row scores online to the very number the predict job of the same model gives it,
 * single and batched, over JSON and gRPC; a restarted pair serves it again; each failure answers its code.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServingTest {
    static final int BATCH_CAP = 600;

    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().keepSitePorts()
            .configure((id, b) -> b.limits(Limits.builder().maxBatchInferenceRows(BATCH_CAP).build())).build();
    static final TestNode guest = sites.site("9999");
    static final TestNode host = sites.site("10000");

    static String modelId;
    static String modelVersion;
    /** id -> predict_score of the predict job, and the guest's features of each id. */
    static final Map<String, Double> predicted = new LinkedHashMap<>();
    static final Map<String, ObjectNode> guestRows = new LinkedHashMap<>();

    @BeforeAll
    static void trainAndPredict() throws Exception {
        // the examples' pipeline with a min-max FeatureScale between DataIO and Intersection
        ObjectNode trainDsl = (ObjectNode) FlowHttp.JSON.readTree(Files.readString(
                Path.of("../examples/breast_pipeline_dsl.json")));
        ObjectNode components = (ObjectNode) trainDsl.get("components");
        components.set("feature_scale_0", FlowHttp.JSON.readTree("""
                {"module": "FeatureScale", "input": {"data": {"data": ["dataio_0.data"]}},
                 "output": {"data": ["data"], "model": ["model"]}}"""));
        ((ObjectNode) components.at("/intersection_0/input/data")).putArray("data").add("feature_scale_0.data");
        String dsl = trainDsl.toString();
        String conf = Files.readString(Path.of("../examples/breast_pipeline_conf.json")).replace(
                "\"transform_param\": {\"transform_type\": null}",
                "\"transform_param\": {\"transform_type\": \"bin_num\", \"transform_cols\": [0, 2, 4]}")
                .replace("\"intersection_0\": {", "\"feature_scale_0\": {\"method\": \"min_max_scale\"}, "
                        + "\"intersection_0\": {")
                // online scores equal the predict job's whatever the weights: a few iterations make a model
                .replace("\"max_iter\": 30", "\"max_iter\": 5");
        modelVersion = run(dsl, conf);
        modelId = guest.http().post("/v1/job/query", Map.of("job_id", modelVersion))
                .at("/data/0/f_runtime_conf_on_party/job_parameters/common/model_id").asText();
        String predictConf = conf.replace("\"task_cores\": 1", "\"task_cores\": 1, \"job_type\": \"predict\", "
                + "\"model_id\": \"" + modelId + "\", \"model_version\": \"" + modelVersion + "\"");
        String predictJob = run(PREDICT_DSL, predictConf);
        JsonNode out = guest.http().post("/v1/tracking/component/output/data", Map.of("job_id", predictJob,
                "role", "guest", "party_id", "9999", "component_name", "hetero_lr_0", "limit", 1000));
        List<String> header = FlowHttp.JSON.convertValue(out.at("/meta/header/0"), List.class);
        int score = header.indexOf("predict_score");
        for (JsonNode row : out.at("/data/0")) {
            predicted.put(row.get(0).asText(), row.get(score).asDouble());
        }
        List<String> lines = Files.readAllLines(Path.of("../examples/data/breast_hetero_guest.csv"));
        String[] names = lines.get(0).split(",");
        for (String line : lines.subList(1, lines.size())) {
            String[] v = line.split(",");
            ObjectNode features = FlowHttp.JSON.createObjectNode();
            for (int j = 2; j < v.length; j++) {
                features.put(names[j], Double.parseDouble(v[j]));
            }
            guestRows.put(v[0], features);
        }
    }

    static String run(String dsl, String conf) throws Exception {
        JsonNode r = guest.http().post("/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": " + conf + "}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofMinutes(6), FederatedSites.END))
                .isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(host.http(), jobId, Duration.ofSeconds(30), FederatedSites.END))
                .isEqualTo("success");
        return jobId;
    }

    static JsonNode load(String roles, String extra) {
        return guest.http().post("/v1/model/load", """
                {"initiator": {"role": "guest", "party_id": "9999"}, "role": %s,
                 "job_parameters": {"model_id": "%s", "model_version": "%s"} %s}"""
                .formatted(roles, modelId, modelVersion, extra));
    }

    static JsonNode bind(String serviceId) {
        return guest.http().post("/v1/model/bind", """
                {"service_id": "%s", "initiator": {"role": "guest", "party_id": "9999"},
                 "role": {"guest": ["9999"], "host": ["10000"], "arbiter": ["10000"]},
                 "job_parameters": {"model_id": "%s", "model_version": "%s"}}"""
                .formatted(serviceId, modelId, modelVersion));
    }

    static final String ALL_ROLES = "{\"guest\": [\"9999\"], \"host\": [\"10000\"], \"arbiter\": [\"10000\"]}";

    static JsonNode infer(String serviceId, JsonNode features, String id) {
        ObjectNode req = FlowHttp.JSON.createObjectNode();
        req.putObject("head").put("serviceId", serviceId);
        ObjectNode body = req.putObject("body");
        body.set("featureData", features);
        body.putObject("sendToRemoteFeatureData").put("id", id);
        return guest.http().post("/federation/v1/inference", req.toString());
    }

    static ObjectNode batch(String serviceId, List<String> ids) {
        ObjectNode req = FlowHttp.JSON.createObjectNode();
        req.putObject("head").put("serviceId", serviceId);
        ArrayNode list = req.putObject("body").putArray("batchDataList");
        for (int i = 0; i < ids.size(); i++) {
            ObjectNode row = list.addObject();
            row.put("index", i);
            row.set("featureData", guestRows.getOrDefault(ids.get(i), guestRows.get("0")));
            row.putObject("sendToRemoteFeatureData").put("id", ids.get(i));
        }
        return req;
    }

    @Test
    @Order(1)
    void aLoadThatFailsAtTheHostLeavesNothingLoadedAnywhere() {
        JsonNode r = load(ALL_ROLES, ", \"feature_tables\": {\"10000\": {\"namespace\": \"experiment\", "
                + "\"name\": \"no_such_table\"}}");
        assertThat(r.path("retcode").asInt()).as(r.toString()).isEqualTo(101);
        assertThat(r.at("/data/guest/9999").asInt()).isZero();
        assertThat(r.at("/data/host/10000").asInt()).isNotZero();
        assertThat(r.at("/data/detail/host/10000/retmsg").asText()).contains("no_such_table");
        // the guest's part, loaded first, was unloaded: nothing to bind to
        JsonNode b = bind("half");
        assertThat(b.path("retcode").asInt()).as(b.toString()).isEqualTo(103);
        assertThat(b.path("retmsg").asText()).contains("is not loaded");
    }

    @Test
    @Order(2)
    void aModelNotLoadedAtTheHostAnswersTheHostsCode() {
        JsonNode r = load("{\"guest\": [\"9999\"]}", "");
        assertThat(r.path("retcode").asInt()).as(r.toString()).isZero();
        assertThat(bind("guest-only").path("retmsg").asText()).isEqualTo("service id is guest-only");
        JsonNode a = infer("guest-only", guestRows.get("0"), "0");
        assertThat(a.path("retcode").asInt()).as(a.toString()).isEqualTo(2104);
        assertThat(a.path("retmsg").asText()).contains("not loaded at host 10000");
        assertThat(a.at("/data/parties/host:10000").asInt()).isEqualTo(2104);
    }

    @Test
    @Order(3)
    void everyBreastRowScoresOnlineAsThePredictJobScoresIt() {
        JsonNode r = load(ALL_ROLES, "");
        assertThat(r.path("retcode").asInt()).as(r.toString()).isZero();
        assertThat(r.path("jobId").asText()).isEqualTo(modelVersion);
        assertThat(r.at("/data/host/10000").asInt()).isZero();
        assertThat(r.at("/data/arbiter/10000").asInt()).isZero();
        JsonNode b = bind("breast");
        assertThat(b.path("retcode").asInt()).as(b.toString()).isZero();
        assertThat(b.path("retmsg").asText()).isEqualTo("service id is breast");

        assertThat(predicted).hasSize(569);
        for (Map.Entry<String, Double> e : predicted.entrySet()) {
            JsonNode a = infer("breast", guestRows.get(e.getKey()), e.getKey());
            assertThat(a.path("retcode").asInt()).as(a.toString()).isZero();
            assertThat(a.at("/data/score").asDouble()).as("id " + e.getKey()).isEqualTo(e.getValue());
            assertThat(a.at("/data/label").asInt()).isEqualTo(e.getValue() > 0.5 ? 1 : 0);
            assertThat(a.at("/data/modelId").asText()).isEqualTo(modelId);
            assertThat(a.at("/data/modelVersion").asText()).isEqualTo(modelVersion);
        }
    }

    @Test
    @Order(4)
    void aBatchScoresEveryRowAsThePredictJobDoes() {
        List<String> ids = List.copyOf(predicted.keySet());
        JsonNode a = guest.http().post("/federation/v1/batchInference", batch("breast", ids).toString());
        assertThat(a.path("retcode").asInt()).as(a.toString()).isZero();
        assertThat(a.path("batchDataList")).hasSize(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            JsonNode row = a.path("batchDataList").get(i);
            assertThat(row.path("index").asInt()).isEqualTo(i);
            assertThat(row.at("/data/score").asDouble()).as("id " + ids.get(i)).isEqualTo(predicted.get(ids.get(i)));
            assertThat(a.at("/singleInferenceResultMap/" + i + "/data/score").asDouble())
                    .isEqualTo(predicted.get(ids.get(i)));
        }
    }

    @Test
    @Order(5)
    void grpcPredictScoresAsJsonDoes() {
        Struct.Builder features = Struct.newBuilder();
        guestRows.get("7").fields().forEachRemaining(e -> features.putFields(e.getKey(),
                Value.newBuilder().setNumberValue(e.getValue().asDouble()).build()));
        InferenceReply reply = InferenceServiceGrpc.newBlockingStub(guest.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .predict(InferenceRequest.newBuilder().setServiceId("breast").setFeatureData(features)
                        .setSendToRemoteFeatureData(Struct.newBuilder().putFields("id",
                                Value.newBuilder().setStringValue("7").build())).build());
        assertThat(reply.getRetcode()).as(reply.toString()).isZero();
        assertThat(reply.getScore()).isEqualTo(predicted.get("7"));
        assertThat(reply.getPartyRetcodesMap()).containsEntry("guest:9999", 0).containsEntry("host:10000", 0);
    }

    @Test
    @Order(6)
    void anUnknownServiceIdIsAnswered1104() {
        JsonNode a = infer("nobody", guestRows.get("0"), "0");
        assertThat(a.path("retcode").asInt()).as(a.toString()).isEqualTo(1104);
        assertThat(a.path("retmsg").asText()).contains("no model is bound to service id nobody");
    }

    @Test
    @Order(7)
    void anIdTheHostDoesNotHoldIsAnswered2113() {
        JsonNode a = infer("breast", guestRows.get("0"), "no-such-id");
        assertThat(a.path("retcode").asInt()).as(a.toString()).isEqualTo(2113);
        assertThat(a.path("retmsg").asText()).contains("host 10000 holds no row of id no-such-id");
        // in a batch only that row fails
        JsonNode b = guest.http().post("/federation/v1/batchInference", batch("breast", List.of("1", "nope"))
                .toString());
        assertThat(b.at("/batchDataList/0/retcode").asInt()).as(b.toString()).isZero();
        assertThat(b.at("/batchDataList/1/retcode").asInt()).isEqualTo(2113);
    }

    @Test
    @Order(8)
    void malformedFeaturesAreAnswered1102NamingTheFeature() {
        ObjectNode bad = guestRows.get("0").deepCopy();
        bad.put("x3", "abc");
        JsonNode a = infer("breast", bad, "0");
        assertThat(a.path("retcode").asInt()).as(a.toString()).isEqualTo(1102);
        assertThat(a.path("retmsg").asText()).contains("x3").contains("'abc' is not a number");
        ObjectNode missing = guestRows.get("0").deepCopy();
        missing.remove("x5");
        JsonNode m = infer("breast", missing, "0");
        assertThat(m.path("retcode").asInt()).as(m.toString()).isEqualTo(1102);
        assertThat(m.path("retmsg").asText()).contains("feature x5 is not given");
    }

    @Test
    @Order(9)
    void aBatchOverTheCapIsRefused1124() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i <= BATCH_CAP; i++) {
            ids.add(Integer.toString(i % 569));
        }
        JsonNode a = guest.http().post("/federation/v1/batchInference", batch("breast", ids).toString());
        assertThat(a.path("retcode").asInt()).as(a.toString()).isEqualTo(1124);
        assertThat(a.path("retmsg").asText()).contains("--max-batch-inference-rows");
        assertThat(a.path("batchDataList")).isEmpty();
    }

    @Test
    @Order(10)
    void aRestartedPairServesTheLoadedModelAgain() {
        host.restart();
        guest.restart();
        for (String id : List.of("0", "100", "568")) {
            JsonNode a = infer("breast", guestRows.get(id), id);
            assertThat(a.path("retcode").asInt()).as(a.toString()).isZero();
            assertThat(a.at("/data/score").asDouble()).isEqualTo(predicted.get(id));
        }
    }

    @Test
    @Order(11)
    void aHostDownIsAnsweredWithinTheDeadlineNamingTheHost() {
        host.stop();
        try {
            JsonNode a = infer("breast", guestRows.get("0"), "0");
            assertThat(a.path("retcode").asInt()).as(a.toString()).isEqualTo(1105);
            assertThat(a.path("retmsg").asText()).contains("host 10000");
            assertThat(a.at("/data/parties/host:10000").asInt()).isEqualTo(1105);
        } finally {
            host.start();
        }
    }

    /** FATE's predict DSL of the pipeline: the trained components' models from "pipeline.<cpn>.model". */
    static final String PREDICT_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "dataio_0": {"module": "DataIO", "input": {"data": {"data": ["reader_0.data"]},
                                                          "model": ["pipeline.dataio_0.model"]},
                           "output": {"data": ["data"]}},
              "feature_scale_0": {"module": "FeatureScale", "input": {"data": {"data": ["dataio_0.data"]},
                                                                      "model": ["pipeline.feature_scale_0.model"]},
                                  "output": {"data": ["data"]}},
              "intersection_0": {"module": "Intersection", "input": {"data": {"data": ["feature_scale_0.data"]}},
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
