package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.DeployChildRequest;
import io.fedflow.proto.v1.ModelSiteServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deploy across two real nodes (guest 9999; host and arbiter 10000): the child made at every party over the signed
 * site port, a predict job on it that scores as the parent's, FATE Pipeline's deploy_component and predict as
 * they go on the wire, a failing party that leaves no child anywhere, and the site service refusing unsigned calls.
 */
class ModelDeployFederatedTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();
    static final TestNode guest = sites.site("9999");
    static final TestNode host = sites.site("10000");

    static final String MODEL_ID = "arbiter-10000#guest-9999#host-10000#model";
    static final List<String> CPNS = List.of("reader_0", "data_transform_0", "hetero_lr_0");
    static final String TRAIN_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"train_data": ["data_transform_0.data"]}},
                              "output": {"data": ["data"], "model": ["model"]}}}}""";
    /** The predict DSL written by hand, as predict jobs ran before deploy existed. */
    static final String PREDICT_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]},
                                   "model": ["pipeline.data_transform_0.model"]}, "output": {"data": ["data"]}},
              "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"test_data": ["data_transform_0.data"]},
                                                               "model": ["pipeline.hetero_lr_0.model"]},
                              "output": {"data": ["data"]}}}}""";

    static String trainJob;
    static JsonNode parentScores;

    static String conf(String jobParams) {
        return """
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
                 "role": {"guest": [9999], "host": [10000], "arbiter": [10000]},
                 "job_parameters": {"common": {"task_cores": 1 %s}},
                 "component_parameters": {
                   "common": {"hetero_lr_0": {"penalty": "L2", "optimizer": "rmsprop", "alpha": 0.01, "max_iter": 3,
                                              "batch_size": 320, "learning_rate": 0.15}},
                   "role": {
                     "guest": {"0": {"reader_0": {"table": {"name": "breast_hetero_guest", "namespace": "experiment"}},
                                     "data_transform_0": {"with_label": true, "label_name": "y", "label_type": "int"}}},
                     "host": {"0": {"reader_0": {"table": {"name": "breast_hetero_host", "namespace": "experiment"}},
                                    "data_transform_0": {"with_label": false}}}}}}"""
                .formatted(jobParams);
    }

    static String predictOn(String version) {
        return ", \"job_type\": \"predict\", \"model_id\": \"" + MODEL_ID + "\", \"model_version\": \"" + version + "\"";
    }

    @BeforeAll
    static void trainThenPredictWithTheParent() {
        trainJob = run("{\"job_dsl\": " + TRAIN_DSL + ", \"job_runtime_conf\": " + conf("") + "}");
        // the registry records the model at each party as the job ends there: wait until both hold it
        for (TestNode site : List.of(guest, host)) {
            Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> site.http().post("/v1/model/query",
                    Map.of("model_version", trainJob)).get("retcode").asInt() == 0);
        }
        parentScores = scores(run("{\"job_dsl\": " + PREDICT_DSL + ", \"job_runtime_conf\": "
                + conf(predictOn(trainJob)) + "}"));
        assertThat(parentScores).isNotEmpty();
    }

    @Test
    void deployMakesTheChildAtEveryPartyAndAPredictJobOnItScoresAsTheParent() {
        JsonNode answer = ok(guest.http().post("/v1/model/deploy", Map.of("model_id", MODEL_ID, "model_version",
                trainJob, "cpn_list", CPNS)));
        String child = answer.at("/data/model_version").asText();
        for (String role : List.of("guest", "host", "arbiter")) {
            String party = role.equals("guest") ? "9999" : "10000";
            assertThat(answer.at("/data/" + role + "/" + party).asInt()).as(answer.toString()).isZero();
            assertThat(answer.at("/data/detail/" + role + "/" + party + "/retmsg").asText())
                    .isEqualTo("deploy model of role " + role + " " + party + " success");
        }
        JsonNode atGuest = ok(guest.http().post("/v1/model/query", Map.of("model_version", child))).get("data");
        JsonNode atHost = ok(host.http().post("/v1/model/query", Map.of("model_version", child))).get("data");
        assertThat(atGuest.findValuesAsText("f_role")).containsExactly("guest");
        assertThat(atHost.findValuesAsText("f_role")).containsExactly("arbiter", "host");
        for (JsonNode row : List.of(atGuest.get(0), atHost.get(0), atHost.get(1))) {
            assertThat(row.at("/f_parent_info/parent_version").asText()).isEqualTo(trainJob);
            assertThat(row.get("f_inference_dsl")).isEqualTo(atGuest.get(0).get("f_inference_dsl"));
        }
        assertThat(names(atHost.get(1).get("f_inference_dsl"))).containsExactlyInAnyOrderElementsOf(CPNS);

        String predict = run("{\"job_runtime_conf\": " + conf(predictOn(child)) + "}");
        assertThat(scores(predict)).isEqualTo(parentScores);
    }

    @Test
    void fatePipelineDeployComponentThenPredictAsTheyGoOnTheWire() {
        // pipeline.deploy_component([data_transform_0, hetero_lr_0]): the SDK's model.deploy with cpn_list
        JsonNode deployed = ok(guest.http().post("/v1/model/deploy", "{\"model_id\": \"" + MODEL_ID
                + "\", \"model_version\": \"" + trainJob + "\", \"cpn_list\": [\"data_transform_0\", \"hetero_lr_0\"]}"));
        String first = deployed.at("/data/model_version").asText();
        // then get_predict_dsl of the child: the pipeline keeps data as its predict DSL (deployed when not empty)
        JsonNode deployedDsl = ok(guest.http().post("/v1/model/get/predict/dsl", "{\"model_id\": \"" + MODEL_ID
                + "\", \"model_version\": \"" + first + "\"}")).get("data");
        assertThat(names(deployedDsl)).containsExactlyInAnyOrder("data_transform_0", "hetero_lr_0");
        assertThat(deployedDsl.at("/components/data_transform_0/input/data").isMissingNode()).isTrue();

        // a predict PipeLine: its Reader merged in, predict_input wired to data_transform_0, deployed again from the
        // trained model with predict_dsl (components_checkpoint None is left out by the SDK)...
        ObjectNode predictDsl = deployedDsl.deepCopy();
        ((ObjectNode) predictDsl.get("components")).putObject("reader_1").put("module", "Reader")
                .put("provider", "fate_flow").putObject("output").putArray("data").add("data");
        ((ObjectNode) predictDsl.at("/components/data_transform_0/input")).putObject("data").putArray("data")
                .add("reader_1.data");
        JsonNode redeployed = ok(guest.http().post("/v1/model/deploy", "{\"model_id\": \"" + MODEL_ID
                + "\", \"model_version\": \"" + trainJob + "\", \"predict_dsl\": " + predictDsl + "}"));
        String second = redeployed.at("/data/model_version").asText();
        assertThat(redeployed.at("/data/model_id").asText()).isEqualTo(MODEL_ID);
        assertThat(second).isNotEqualTo(first);
        // ...then its job submitted with that DSL and the pipeline's conf: only the Reader's parameters remain
        String conf = """
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
                 "role": {"guest": [9999], "host": [10000], "arbiter": [10000]},
                 "job_parameters": {"common": {"task_cores": 1, "job_type": "predict", "model_id": "%s",
                                               "model_version": "%s"}},
                 "component_parameters": {"role": {
                   "guest": {"0": {"reader_1": {"table": {"name": "breast_hetero_guest", "namespace": "experiment"}}}},
                   "host": {"0": {"reader_1": {"table": {"name": "breast_hetero_host", "namespace": "experiment"}}}}}}}"""
                .formatted(MODEL_ID, second);
        String predict = run("{\"job_dsl\": " + predictDsl + ", \"job_runtime_conf\": " + conf + "}");
        assertThat(scores(predict)).isEqualTo(parentScores);
    }

    @Test
    void deployIsRefusedAwayFromTheInitiator() {
        JsonNode answer = host.http().post("/v1/model/deploy", Map.of("model_id", MODEL_ID, "model_version", trainJob));
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isEqualTo(404);
        assertThat(answer.get("retmsg").asText()).contains("initiator", "9999");
    }

    @Test
    void aPartyThatFailsFailsTheDeployAndNoPartyKeepsTheChild() {
        int atGuest = versions(guest.http());
        int atHost = versions(host.http());
        ok(guest.http().post("/v1/site/peer/delete", Map.of("party_id", "10000")));
        try {
            JsonNode answer = guest.http().post("/v1/model/deploy", Map.of("model_id", MODEL_ID, "model_version",
                    trainJob, "cpn_list", CPNS));
            assertThat(answer.get("retcode").asInt()).as(answer.toString()).isEqualTo(RetCode.FEDERATED_ERROR.code());
            assertThat(answer.get("retmsg").asText()).contains("host 10000", "not a peer", "no party keeps");
        } finally {
            FederatedSites.peer(List.of(guest.node(), host.node()));
        }
        // the guest's child, made first, was deleted again
        assertThat(versions(guest.http())).isEqualTo(atGuest);
        assertThat(versions(host.http())).isEqualTo(atHost);
    }

    @Test
    void theSiteServiceRefusesAnUnsignedCall() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", host.node().sitePort())
                .usePlaintext().build();
        try {
            DeployChildRequest r = DeployChildRequest.newBuilder().setModelId(MODEL_ID).setParentVersion(trainJob)
                    .setChildVersion("202612040000000000009").setRole("host").setPartyId("10000")
                    .setInferenceDslJson(PREDICT_DSL).build();
            assertThatThrownBy(() -> ModelSiteServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS).deployChild(r))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                        assertThat(e.getTrailers().get(RetCode.TRAILER))
                                .isEqualTo(String.valueOf(RetCode.AUTHENTICATION_ERROR.code()));
                    });
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(host.http().post("/v1/model/query", Map.of("model_version", "202612040000000000009"))
                .get("retcode").asInt()).isEqualTo(100);
    }

    @Test
    void aSignedSiteCallIsStillCheckedByTheParty() throws Exception {
        ModelSiteClient sitesOfGuest = new ModelSiteClient(guest.node().partyClient(), Duration.ofSeconds(10));
        assertThatThrownBy(() -> sitesOfGuest.deleteChild("10000", MODEL_ID, trainJob, "host", "10000"))
                .isInstanceOfSatisfying(FlowException.class, e -> {
                    assertThat(e.retcode()).isEqualTo(RetCode.OPERATING_ERROR.code());
                    assertThat(e.getMessage()).contains("party 10000", trainJob, "trained model");
                });
        assertThatThrownBy(() -> sitesOfGuest.deployChild("10000", new ModelDeploy.Child(MODEL_ID,
                "202612040000000000008", "202612040000000000007", "host", "10000", FlowHttp.JSON.createObjectNode(),
                null)))
                .isInstanceOfSatisfying(FlowException.class, e -> {
                    assertThat(e.retcode()).isEqualTo(RetCode.EXCEPTION_ERROR.code());
                    assertThat(e.getMessage()).contains("202612040000000000008", "Can not found");
                });
        // the party checks the inference DSL against its own train DSL, whoever made it
        assertThatThrownBy(() -> sitesOfGuest.deployChild("10000", new ModelDeploy.Child(MODEL_ID, trainJob,
                "202612040000000000006", "host", "10000", FlowHttp.JSON.readTree(
                        "{\"components\": {\"secure_boost_0\": {\"module\": \"HeteroSecureBoost\"}}}"), null)))
                .isInstanceOfSatisfying(FlowException.class, e -> {
                    assertThat(e.retcode()).isEqualTo(RetCode.ARGUMENT_ERROR.code());
                    assertThat(e.getMessage()).contains("secure_boost_0", "not in the model's train DSL");
                });
        assertThat(host.http().post("/v1/model/query", Map.of("model_version", "202612040000000000006"))
                .get("retcode").asInt()).isEqualTo(100);
        assertThat(ok(host.http().post("/v1/model/query", Map.of("model_version", trainJob))).get("data").size())
                .isEqualTo(2);
    }

    static int versions(FlowHttp h) {
        return ok(h.post("/v1/model/query", Map.of("model_id", MODEL_ID))).get("data").size();
    }

    static String run(String body) {
        JsonNode r = guest.http().post("/v1/job/submit", body);
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofMinutes(6), FederatedSites.END))
                .as(guest.http().post("/v1/job/task/query", Map.of("job_id", jobId)).toString()).isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(host.http(), jobId, Duration.ofSeconds(30), FederatedSites.END))
                .isEqualTo("success");
        return jobId;
    }

    /** The guest's hetero_lr_0 output rows of a predict job. */
    static JsonNode scores(String jobId) {
        return ok(guest.http().post("/v1/tracking/component/output/data", Map.of("job_id", jobId, "role", "guest",
                "party_id", "9999", "component_name", "hetero_lr_0", "limit", -1))).at("/data/0");
    }

    static List<String> names(JsonNode dsl) {
        List<String> names = new ArrayList<>();
        dsl.path("components").fieldNames().forEachRemaining(names::add);
        return names;
    }

    static JsonNode ok(JsonNode answer) {
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isZero();
        return answer;
    }
}
