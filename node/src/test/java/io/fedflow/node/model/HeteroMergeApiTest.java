package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.HeteroModels;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.ComponentModelServiceGrpc;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.HeteroMergeRequest;
import io.fedflow.proto.v1.WoeArrayRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * /v1/component/hetero/merge and /v1/component/woe_array/extract|merge over models two real sites trained
 * (guest 9999; host and arbiter 10000): the merged LR's numbers against the parties' own models and against the
 * federated job's scores, the WOE the guest computed for the host's features put into the host's model as a new
 * version, and each refusal, over JSON and gRPC.
 */
class HeteroMergeApiTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();
    static final TestNode guest = sites.site("9999");
    static final TestNode host = sites.site("10000");

    static String version;
    static JsonNode guestLr;
    static JsonNode hostLr;

    @BeforeAll
    static void trainAndHandTheHostPartToTheGuest() {
        version = HeteroModels.train(guest, host);
        guestLr = HeteroModels.model(guest, version, "guest", HeteroModels.LR);
        hostLr = HeteroModels.model(host, version, "host", HeteroModels.LR);
        HeteroModels.handHostModelToGuest(guest, host, version);
    }

    static Map<String, Object> merge(String format, boolean includeGuest) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model_id", HeteroModels.MODEL_ID);
        body.put("model_version", version);
        body.put("guest_party_id", 9999);
        body.put("host_party_ids", List.of("10000"));
        body.put("component_name", HeteroModels.LR);
        body.put("model_type", "lr");
        body.put("output_format", format);
        body.put("include_guest_coef", includeGuest);
        return body;
    }

    static Map<String, Object> woe(String role, String party) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model_id", HeteroModels.MODEL_ID);
        body.put("model_version", version);
        body.put("role", role);
        body.put("party_id", party);
        body.put("component_name", HeteroModels.BINNING);
        return body;
    }

    @Test
    void sklearnMergeHoldsTheHostsCoefficientsAndTheGuestsTooWhenAsked() throws IOException {
        JsonNode hostOnly = json(ok(guest.http().post("/v1/component/hetero/merge", merge("sklearn", false))));
        List<String> hostHeader = names(hostLr.get("header"));
        assertThat(names(hostOnly.get("feature_names_in_"))).isEqualTo(hostHeader);
        assertThat(doubles(hostOnly.at("/coef_/0"))).containsExactlyElementsOf(weights(hostLr));
        assertThat(hostOnly.at("/intercept_/0").asDouble()).isEqualTo(guestLr.get("intercept").asDouble());
        assertThat(hostOnly.at("/classes_").toString()).isEqualTo("[0,1]");
        assertThat(hostOnly.get("n_features_in_").asInt()).isEqualTo(20);

        JsonNode both = json(ok(guest.http().post("/v1/component/hetero/merge", merge("scikit-learn", true))));
        List<Double> expected = new ArrayList<>(weights(guestLr));
        expected.addAll(weights(hostLr));
        assertThat(doubles(both.at("/coef_/0"))).containsExactlyElementsOf(expected);
        assertThat(both.get("n_features_in_").asInt()).isEqualTo(30);
        assertThat(both.at("/n_iter_/0").asInt()).isEqualTo(guestLr.get("iters").asInt());
    }

    @Test
    void pmmlMergeScoresEveryRowAsTheFederatedJobDid() throws Exception {
        String pmml = ok(guest.http().post("/v1/component/hetero/merge", merge("pmml", true))).get("data")
                .asText();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(pmml.getBytes(StandardCharsets.UTF_8)));
        Element table = (Element) doc.getElementsByTagName("RegressionTable").item(0);
        assertThat(table.getAttribute("targetCategory")).isEqualTo("1");
        assertThat(((Element) doc.getElementsByTagName("RegressionModel").item(0)).getAttribute(
                "normalizationMethod")).isEqualTo("logit");
        double intercept = Double.parseDouble(table.getAttribute("intercept"));
        Map<String, Double> coef = new LinkedHashMap<>();
        NodeList predictors = table.getElementsByTagName("NumericPredictor");
        for (int i = 0; i < predictors.getLength(); i++) {
            Element p = (Element) predictors.item(i);
            coef.put(p.getAttribute("name"), Double.parseDouble(p.getAttribute("coefficient")));
        }
        assertThat(coef).hasSize(30).containsKeys("guest_x0", "guest_x9", "host_x0", "host_x19");
        assertThat(((Element) doc.getElementsByTagName("MiningField").item(0)).getAttribute("name")).isEqualTo("y");

        Map<String, double[]> g = HeteroModels.features("breast_hetero_guest");
        Map<String, double[]> h = HeteroModels.features("breast_hetero_host");
        Map<String, Double> federated = HeteroModels.scores(guest, version);
        assertThat(federated).hasSize(569);
        federated.forEach((id, score) -> {
            double z = intercept;
            for (int j = 0; j < 10; j++) {
                z += coef.get("guest_x" + j) * g.get(id)[j];
            }
            for (int j = 0; j < 20; j++) {
                z += coef.get("host_x" + j) * h.get(id)[j];
            }
            assertThat(1 / (1 + Math.exp(-z))).as(id).isCloseTo(score, within(1e-9));
        });
    }

    @Test
    void woeExtractedAtTheGuestIsMergedIntoANewVersionOfTheHostsModel() throws IOException {
        JsonNode guestBinning = HeteroModels.model(guest, version, "guest", HeteroModels.BINNING);
        JsonNode extracted = ok(guest.http().post("/v1/component/woe_array/extract", woe("guest", "9999")))
                .get("data");
        JsonNode hostResults = guestBinning.at("/host_results/0/binning_result");
        assertThat(names(fieldNames(extracted))).hasSize(20).containsExactlyInAnyOrderElementsOf(
                names(fieldNames(hostResults)));
        extracted.fields().forEachRemaining(f -> assertThat(f.getValue().get("woeArray"))
                .isEqualTo(hostResults.get(f.getKey()).get("woe_array")));

        Map<String, Object> body = woe("host", "10000");
        body.put("woe_array", extracted);
        JsonNode merged = ok(host.http().post("/v1/component/woe_array/merge", body)).get("data");
        String newVersion = merged.get("model_version").asText();
        assertThat(newVersion).isNotEqualTo(version);
        assertThat(merged.get("role").asText()).isEqualTo("host");
        assertThat(merged.get("party_id").asText()).isEqualTo("10000");
        assertThat(merged.get("component_name").asText()).isEqualTo(HeteroModels.BINNING);
        JsonNode row = ok(host.http().post("/v1/model/query", Map.of("model_version", newVersion))).at("/data/0");
        assertThat(row.at("/f_parent_info/parent_version").asText()).isEqualTo(version);

        JsonNode after = component(host, newVersion, HeteroModels.BINNING).get("param");
        JsonNode hostAnonymous = after.get("header_anonymous");
        List<String> header = names(after.get("header"));
        for (int j = 0; j < header.size(); j++) {
            assertThat(after.at("/binning_result/binning_result/" + header.get(j) + "/woe_array"))
                    .isEqualTo(extracted.at("/" + hostAnonymous.get(j).asText() + "/woeArray"));
        }
        // the other components come along unchanged; the version read keeps no WOE, as FATE leaves it
        assertThat(component(host, newVersion, HeteroModels.LR).get("param").get("weight"))
                .isEqualTo(hostLr.get("weight"));
        assertThat(component(host, version, HeteroModels.BINNING).at("/param/binning_result/binning_result/x0/"
                + "woe_array").isMissingNode()).isTrue();
    }

    @Test
    void woeArrayAsJsonTextIsTakenAndAWrongArrayIsRefusedNamingIt() {
        JsonNode extracted = ok(guest.http().post("/v1/component/woe_array/extract", woe("guest", "9999")))
                .get("data");
        Map<String, Object> text = woe("host", "10000");
        text.put("woe_array", extracted.toString());
        assertThat(ok(host.http().post("/v1/component/woe_array/merge", text)).at("/data/model_version").asText())
                .isNotEqualTo(version);

        ObjectNode shortArray = extracted.deepCopy();
        shortArray.putObject("host_10000_x3").putArray("woeArray").add(0.5);
        Map<String, Object> wrong = woe("host", "10000");
        wrong.put("woe_array", shortArray);
        refused(host.http().post("/v1/component/woe_array/merge", wrong), 101, "woe_array.host_10000_x3.woeArray");

        ObjectNode unknown = extracted.deepCopy();
        unknown.set("host_10001_x0", extracted.get("host_10000_x0"));
        wrong.put("woe_array", unknown);
        refused(host.http().post("/v1/component/woe_array/merge", wrong), 101, "host_10001_x0");
        wrong.put("woe_array", List.of(1, 2));
        refused(host.http().post("/v1/component/woe_array/merge", wrong), 101, "woe_array");
    }

    @Test
    void mergeRefusals() {
        Map<String, Object> missing = merge("pmml", false);
        missing.remove("output_format");
        missing.remove("host_party_ids");
        refused(guest.http().post("/v1/component/hetero/merge", missing), 101, "host_party_ids,output_format");

        Map<String, Object> b = merge("pmml", false);
        b.put("model_version", "20000101000000000000");
        refused(guest.http().post("/v1/component/hetero/merge", b), 100, "No model found");
        b = merge("pmml", false);
        b.put("component_name", "hetero_lr_9");
        refused(guest.http().post("/v1/component/hetero/merge", b), 100, "hetero_lr_9");
        b = merge("pmml", false);
        b.put("component_name", HeteroModels.BINNING);
        refused(guest.http().post("/v1/component/hetero/merge", b), 101, "HeteroFeatureBinning");
        b = merge("pmml", false);
        b.put("host_party_ids", "10000,10001");
        refused(guest.http().post("/v1/component/hetero/merge", b), 101, "host_party_ids");
        b = merge("pmml", false);
        b.put("host_party_ids", List.of(10001));
        refused(guest.http().post("/v1/component/hetero/merge", b), 100, "flow model import");
        // the host site holds no guest part: it cannot merge
        refused(host.http().post("/v1/component/hetero/merge", merge("pmml", false)), 100, "role 'guest'");
        b = merge("pmml", false);
        b.put("model_type", "sbt");
        refused(guest.http().post("/v1/component/hetero/merge", b), 101, "model_type");
        b.put("model_type", "svm");
        refused(guest.http().post("/v1/component/hetero/merge", b), 101, "model_type");
        b = merge("lightgbm", false);
        refused(guest.http().post("/v1/component/hetero/merge", b), 101, "output_format");
        refused(guest.http().post("/v1/component/hetero/merge", merge("onnx", false)), 101, "output_format");
    }

    @Test
    void woeRefusals() {
        Map<String, Object> b = woe("guest", "9999");
        b.remove("component_name");
        refused(guest.http().post("/v1/component/woe_array/extract", b), 101, "component_name");
        b = woe("host", "10000");
        refused(host.http().post("/v1/component/woe_array/merge", b), 101, "woe_array");
        refused(host.http().post("/v1/component/woe_array/extract", woe("host", "10000")), 101, "guest role");
        b = woe("guest", "9999");
        b.put("woe_array", Map.of());
        refused(guest.http().post("/v1/component/woe_array/merge", b), 101, "host role");
        b = woe("guest", "9999");
        b.put("component_name", HeteroModels.LR);
        refused(guest.http().post("/v1/component/woe_array/extract", b), 101, "HeteroLR");
        b = woe("guest", "9999");
        b.put("component_name", "nothing_0");
        refused(guest.http().post("/v1/component/woe_array/extract", b), 100, "nothing_0");
        b = woe("guest", "9999");
        b.put("model_version", "20000101000000000000");
        refused(guest.http().post("/v1/component/woe_array/extract", b), 100, "No model found");
        b = woe("host", "10000");
        b.put("model_version", "20000101000000000000");
        b.put("woe_array", Map.of("host_10000_x0", Map.of("woeArray", List.of())));
        refused(host.http().post("/v1/component/woe_array/merge", b), 100, "No model found");
    }

    @Test
    void grpcCallsAnswerAsJson() throws IOException {
        var stub = ComponentModelServiceGrpc.newBlockingStub(guest.channel());
        FlowResponse merged = stub.heteroMerge(HeteroMergeRequest.newBuilder().setModelId(HeteroModels.MODEL_ID)
                .setModelVersion(version).setGuestPartyId("9999").addHostPartyIds("10000")
                .setComponentName(HeteroModels.LR).setModelType("LR").setOutputFormat("sklearn").build());
        assertThat(merged.getRetcode()).isZero();
        JsonNode sk = FlowHttp.JSON.readTree(merged.getData().getStringValue());
        assertThat(doubles(sk.at("/coef_/0"))).containsExactlyElementsOf(weights(hostLr));
        FlowResponse extracted = stub.woeArrayExtract(WoeArrayRequest.newBuilder().setModelId(HeteroModels.MODEL_ID)
                .setModelVersion(version).setRole("guest").setPartyId("9999").setComponentName(HeteroModels.BINNING)
                .build());
        assertThat(extracted.getData().getStructValue().getFieldsMap()).containsKey("host_10000_x0");

        FlowResponse merged2 = ComponentModelServiceGrpc.newBlockingStub(host.channel()).woeArrayMerge(
                WoeArrayRequest.newBuilder().setModelId(HeteroModels.MODEL_ID).setModelVersion(version).setRole("host")
                        .setPartyId("10000").setComponentName(HeteroModels.BINNING).setWoeArray(extracted.getData())
                        .build());
        assertThat(merged2.getRetcode()).isZero();
        assertThat(merged2.getData().getStructValue().getFieldsOrThrow("model_version").getStringValue())
                .isNotEqualTo(version);
        StatusRuntimeException refused = Assertions.catchThrowableOfType(() -> stub.woeArrayExtract(
                WoeArrayRequest.newBuilder().setModelId(HeteroModels.MODEL_ID).setModelVersion(version)
                        .setRole("guest").setPartyId("9999").setComponentName("nothing_0").build()),
                StatusRuntimeException.class);
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(refused.getTrailers().get(RetCode.TRAILER)).isEqualTo("100");
    }

    /** One component's model of a version as the host's export archive holds it. */
    static JsonNode component(TestNode site, String modelVersion, String name) throws IOException {
        HttpResponse<byte[]> r = site.http().getWithBody("/v1/model/export", Map.of("role", "host", "party_id",
                site.partyId(), "model_id", HeteroModels.MODEL_ID, "model_version", modelVersion));
        assertThat(r.statusCode()).isEqualTo(200);
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(r.body()))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().startsWith("components/")) {
                    JsonNode c = FlowHttp.JSON.readTree(zip.readAllBytes());
                    if (c.get("component_name").asText().equals(name)) {
                        return c;
                    }
                }
            }
        }
        throw new AssertionError("no " + name + " in " + modelVersion);
    }

    static JsonNode ok(JsonNode answer) {
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isZero();
        return answer;
    }

    static void refused(JsonNode answer, int retcode, String says) {
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isEqualTo(retcode);
        assertThat(answer.get("retmsg").asText()).contains(says);
    }

    static JsonNode json(JsonNode answer) throws IOException {
        return FlowHttp.JSON.readTree(answer.get("data").asText());
    }

    static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static JsonNode fieldNames(JsonNode object) {
        var out = FlowHttp.JSON.createArrayNode();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static List<Double> doubles(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asDouble()));
        return out;
    }

    /** A party's LR weights in its header's order. */
    static List<Double> weights(JsonNode lr) {
        List<Double> out = new ArrayList<>();
        lr.get("header").forEach(h -> out.add(lr.get("weight").get(h.asText()).asDouble()));
        return out;
    }
}
