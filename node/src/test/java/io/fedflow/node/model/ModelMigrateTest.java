package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.node.federation.Peer;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.MigrateSiteRequest;
import io.fedflow.proto.v1.MigrateSiteServiceGrpc;
import io.fedflow.proto.v1.ModelMigrateRequest;
import io.fedflow.proto.v1.ModelServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
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
 * FATE's model migrate across two real sites (guest 9999; host and arbiter 10000): a HeteroLR model trained
 * there is re-issued for guest 99, host and arbiter 100 at every party, then the sites restart under those ids
 * over the same data and a predict job on the migrated model scores every row as the original did.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelMigrateTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();

    static final String TRAIN_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"train_data": ["data_transform_0.data"]}},
                              "output": {"data": ["data"], "model": ["model"]}}}}""";
    static final String PREDICT_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"test_data": ["data_transform_0.data"]},
                                                               "model": ["pipeline.hetero_lr_0.model"]},
                              "output": {"data": ["data"], "model": ["model"]}}}}""";
    static final String OLD_MODEL_ID = "arbiter-10000#guest-9999#host-10000#model";
    static final String NEW_MODEL_ID = "arbiter-100#guest-99#host-100#model";
    static final int ROWS = 569;
    static final Map<String, List<String>> NEW_ROLES = Map.of("guest", List.of("99"), "host", List.of("100"),
            "arbiter", List.of("100"));

    static String trainJob;
    static Map<String, Double> originalScores;

    static String conf(String guest, String host, String jobParams) {
        return """
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": %s},
                 "role": {"guest": [%s], "host": [%s], "arbiter": [%s]},
                 "job_parameters": {"common": {"task_cores": 1 %s}},
                 "component_parameters": {
                   "common": {"hetero_lr_0": {"penalty": "L2", "optimizer": "rmsprop", "alpha": 0.01,
                                              "max_iter": 3, "batch_size": 320, "learning_rate": 0.15,
                                              "init_param": {"init_method": "random_uniform"}}},
                   "role": {
                     "guest": {"0": {"reader_0": {"table": {"name": "breast_hetero_guest", "namespace": "experiment"}},
                                     "data_transform_0": {"with_label": true, "label_name": "y", "label_type": "int"}}},
                     "host": {"0": {"reader_0": {"table": {"name": "breast_hetero_host", "namespace": "experiment"}},
                                    "data_transform_0": {"with_label": false}}}}}}"""
                .formatted(guest, guest, host, host, jobParams);
    }

    static String predictParams(String modelId, String modelVersion) {
        return ", \"job_type\": \"predict\", \"model_id\": \"" + modelId + "\", \"model_version\": \"" + modelVersion
                + "\"";
    }

    /** Runs a job from the guest to success at both sites; answers its id. */
    static String run(TestNode guest, TestNode host, String dsl, String conf) {
        JsonNode r = guest.submit(dsl, conf);
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(guest.awaitStatus(jobId, Duration.ofMinutes(6), FederatedSites.END)).as(jobId).isEqualTo("success");
        assertThat(host.awaitStatus(jobId, Duration.ofSeconds(60), FederatedSites.END)).isEqualTo("success");
        return jobId;
    }

    /** The guest's predict_score of every row of a predict job, by id. */
    static Map<String, Double> scores(TestNode guest, String jobId) {
        JsonNode out = guest.http().post("/v1/tracking/component/output/data", Map.of("job_id", jobId,
                "role", "guest", "party_id", guest.partyId(), "component_name", "hetero_lr_0", "limit", 1000));
        assertThat(out.get("retcode").asInt()).as(out.toString()).isZero();
        List<String> header = FlowHttp.JSON.convertValue(out.at("/meta/header/0"), List.class);
        int score = header.indexOf("predict_score");
        assertThat(score).as(header.toString()).isPositive();
        Map<String, Double> byId = new HashMap<>();
        out.at("/data/0").forEach(row -> byId.put(row.get(0).asText(), row.get(score).asDouble()));
        return byId;
    }

    @BeforeAll
    static void trainAndPredictAtTheOldIds() {
        TestNode guest = sites.site("9999");
        TestNode host = sites.site("10000");
        trainJob = run(guest, host, TRAIN_DSL, conf("9999", "10000", ""));
        String predictJob = run(guest, host, PREDICT_DSL, conf("9999", "10000",
                predictParams(OLD_MODEL_ID, trainJob)));
        originalScores = scores(guest, predictJob);
        assertThat(originalScores).hasSize(ROWS);
    }

    /** FATE's migrate conf: every party re-issued under guest 99, host and arbiter 100. */
    static ObjectNode migrateConf(String version) {
        ObjectNode c = FlowHttp.JSON.createObjectNode();
        c.putObject("migrate_initiator").put("role", "guest").put("party_id", 99);
        c.set("role", roles(9999, 10000));
        c.set("migrate_role", roles(99, 100));
        c.put("model_id", OLD_MODEL_ID);
        c.put("model_version", version);
        c.set("execute_party", roles(9999, 10000));
        c.putObject("job_parameters").put("federated_mode", "MULTIPLE");
        return c;
    }

    static ObjectNode roles(long guest, long other) {
        ObjectNode r = FlowHttp.JSON.createObjectNode();
        r.putArray("guest").add(guest);
        r.putArray("host").add(other);
        r.putArray("arbiter").add(other);
        return r;
    }

    static JsonNode migrate(JsonNode conf) {
        return sites.http("9999").post("/v1/model/migrate", conf.toString());
    }

    static JsonNode rows(TestNode site, String modelId, String version) {
        return site.http().post("/v1/model/query", Map.of("model_id", modelId, "model_version", version));
    }

    static void refused(JsonNode answer, int retcode, String... mentions) {
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isEqualTo(retcode);
        if (mentions.length > 0) {
            assertThat(answer.get("retmsg").asText()).contains(mentions);
        }
    }

    @Test
    @Order(1)
    void eachMissingFieldIsRefusedByName() {
        for (String field : List.of("migrate_initiator", "role", "migrate_role", "model_id", "model_version",
                "execute_party", "job_parameters")) {
            ObjectNode conf = migrateConf(trainJob);
            conf.remove(field);
            refused(migrate(conf), 101, "required argument are missing: " + field);
        }
    }

    @Test
    @Order(1)
    void overGrpcAMissingFieldIsInvalidArgumentWithRetcode101() {
        ModelMigrateRequest r = ModelMigrateRequest.newBuilder().setModelId(OLD_MODEL_ID).setModelVersion(trainJob)
                .build();
        assertThatThrownBy(() -> ModelServiceGrpc.newBlockingStub(sites.site("9999").channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS).migrate(r))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("101");
                    assertThat(e.getStatus().getDescription()).contains("migrate_initiator", "execute_party",
                            "job_parameters");
                });
    }

    @Test
    @Order(1)
    void migrateRolesThatDoNotMatchTheRolesAreRefused() {
        ObjectNode otherRoles = migrateConf(trainJob);
        ((ObjectNode) otherRoles.get("migrate_role")).remove("arbiter");
        refused(migrate(otherRoles), 101, "migrate_role", "same roles");

        ObjectNode otherCount = migrateConf(trainJob);
        ((ObjectNode) otherCount.get("migrate_role")).putArray("host").add(100).add(101);
        refused(migrate(otherCount), 101, "migrate_role", "host");

        ObjectNode same = migrateConf(trainJob);
        same.set("migrate_role", roles(9999, 10000));
        same.putObject("migrate_initiator").put("role", "guest").put("party_id", 9999);
        refused(migrate(same), 100, "no need to migrate");

        ObjectNode otherInitiator = migrateConf(trainJob);
        otherInitiator.putObject("migrate_initiator").put("role", "guest").put("party_id", 9999);
        refused(migrate(otherInitiator), 101, "migrate_initiator", "9999");

        ObjectNode notAnId = migrateConf(trainJob);
        ((ObjectNode) notAnId.get("migrate_role")).putArray("guest").add("g-99");
        refused(migrate(notAnId), 101, "migrate_role.guest", "g-99");

        ObjectNode longVersion = migrateConf(trainJob);
        longVersion.put("unify_model_version", "v".repeat(101));
        refused(migrate(longVersion), 101, "unify_model_version");
    }

    @Test
    @Order(1)
    void anExecutePartyThatIsNotAPartyOfTheModelIsRefused() {
        ObjectNode conf = migrateConf(trainJob);
        conf.putObject("execute_party").putArray("host").add(12345);
        refused(migrate(conf), 101, "execute_party", "12345", "host");
    }

    @Test
    @Order(1)
    void anUnknownModelIsRefusedAndNothingStays() {
        ObjectNode conf = migrateConf("202612040000000000001");
        conf.put("unify_model_version", "unknown_1");
        refused(migrate(conf), 100, "No model found", "202612040000000000001");
        for (String party : List.of("9999", "10000")) {
            refused(rows(sites.site(party), NEW_MODEL_ID, "unknown_1"), 100);
        }
    }

    @Test
    @Order(1)
    void aPartyThatFailsUndoesWhatTheOthersSaved() {
        // the host holds the new version already, so it refuses after the guest (asked first) has saved
        ObjectNode hostOnly = migrateConf(trainJob);
        hostOnly.put("unify_model_version", "taken_1");
        hostOnly.putObject("execute_party").putArray("host").add(10000);
        assertThat(migrate(hostOnly).get("retcode").asInt()).isZero();

        ObjectNode both = migrateConf(trainJob);
        both.put("unify_model_version", "taken_1");
        both.putObject("execute_party");
        ((ObjectNode) both.get("execute_party")).putArray("guest").add(9999);
        ((ObjectNode) both.get("execute_party")).putArray("host").add(10000);
        JsonNode answer = migrate(both);
        refused(answer, 100, "host 10000", "already exists", "nothing was kept");
        refused(rows(sites.site("9999"), NEW_MODEL_ID, "taken_1"), 100);
        // what the host held before stays
        assertThat(rows(sites.site("10000"), NEW_MODEL_ID, "taken_1").at("/data/0/f_role").asText())
                .isEqualTo("host");
    }

    @Test
    @Order(1)
    void anUnsignedSiteCallIsRefused() throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", sites.node("10000").sitePort())
                .usePlaintext().build();
        try {
            MigrateSiteRequest r = MigrateSiteRequest.newBuilder().setModelId(OLD_MODEL_ID).setModelVersion(trainJob)
                    .setRole("host").setPartyId("10000").setNewModelId(NEW_MODEL_ID).setNewModelVersion("unsigned_1")
                    .setNewPartyId("100").build();
            for (var call : List.<Runnable>of(() -> MigrateSiteServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS).migrate(r), () -> MigrateSiteServiceGrpc
                    .newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).undo(r))) {
                assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("109");
                });
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        refused(rows(sites.site("10000"), NEW_MODEL_ID, "unsigned_1"), 100);
    }

    @Test
    @Order(1)
    void aSignedCallFromASiteThatIsNoPartyOfTheModelIsRefused() throws Exception {
        SiteKeys stranger = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-stranger"));
        sites.node("10000").peers().put(new Peer("7777", "127.0.0.1", 1, stranger.publicKeyBase64(), false));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", sites.node("10000").sitePort())
                .usePlaintext().build();
        try {
            MigrateSiteRequest r = MigrateSiteRequest.newBuilder().setModelId(OLD_MODEL_ID).setModelVersion(trainJob)
                    .setRole("host").setPartyId("10000").setNewModelId(NEW_MODEL_ID).setNewModelVersion("stranger_1")
                    .setNewPartyId("100").setRolesJson(roles(9999, 10000).toString())
                    .setMigrateRolesJson(roles(99, 100).toString()).setMigrateInitiatorRole("guest")
                    .setMigrateInitiatorPartyId("99").build();
            Metadata md = new Metadata();
            new SiteCallSigner("7777", stranger.signer(), Clock.systemUTC(), new SecureRandom())
                    .headersFor(MigrateSiteServiceGrpc.getMigrateMethod().getFullMethodName(), "10000", r.toByteArray())
                    .asMap().forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
            assertThatThrownBy(() -> MigrateSiteServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                    .withDeadlineAfter(10, TimeUnit.SECONDS).migrate(r))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("108");
                        assertThat(e.getStatus().getDescription()).contains("7777", "not a party of model");
                    });
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            sites.node("10000").peers().remove("7777");
        }
        refused(rows(sites.site("10000"), NEW_MODEL_ID, "stranger_1"), 100);
    }

    @Test
    @Order(2)
    void migratesEveryPartyToTheNewIdsKeepingTheOldModel() throws IOException {
        ObjectNode conf = migrateConf(trainJob);
        conf.put("unify_model_version", "migrated_1");
        JsonNode answer = migrate(conf);
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isZero();
        assertThat(answer.get("jobId").asText()).matches("\\d{21,25}");
        for (String[] rp : new String[][] {{"guest", "9999"}, {"host", "10000"}, {"arbiter", "10000"}}) {
            assertThat(answer.at("/data/" + rp[0] + "/" + rp[1]).asInt()).as(answer.toString()).isZero();
            assertThat(answer.at("/data/detail/" + rp[0] + "/" + rp[1] + "/retmsg").asText())
                    .contains(NEW_MODEL_ID, "migrated_1");
        }

        Map<String, String> newIds = Map.of("9999", "99", "10000", "100");
        for (String[] rp : new String[][] {{"9999", "guest"}, {"10000", "host"}, {"10000", "arbiter"}}) {
            TestNode site = sites.site(rp[0]);
            JsonNode row = site.http().post("/v1/model/query", Map.of("model_id", NEW_MODEL_ID,
                    "model_version", "migrated_1", "role", rp[1])).at("/data/0");
            assertThat(row.get("f_party_id").asText()).isEqualTo(newIds.get(rp[0]));
            assertThat(row.get("f_job_id").asText()).isEqualTo(trainJob);
            assertThat(PartyIdMapping.roles(row.get("f_roles"), "f_roles")).isEqualTo(NEW_ROLES);
            assertThat(row.get("f_initiator_role").asText()).isEqualTo("guest");
            assertThat(row.get("f_initiator_party_id").asText()).isEqualTo("99");
            assertThat(row.at("/f_parent_info/parent_version").asText()).isEqualTo(trainJob);
            JsonNode rc = row.get("f_runtime_conf");
            assertThat(PartyIdMapping.roles(rc.get("role"), "role")).isEqualTo(NEW_ROLES);
            assertThat(rc.at("/initiator/party_id").asLong()).isEqualTo(99);
            assertThat(rc.at("/job_parameters/common/model_id").asText()).isEqualTo(NEW_MODEL_ID);
            assertThat(rc.at("/job_parameters/common/model_version").asText()).isEqualTo("migrated_1");
            // a trained model's train runtime conf is empty (it is its own train job); it stays so
            assertThat(row.get("f_train_runtime_conf").isEmpty()).isTrue();
            // the component models are the old ones (no party ids inside HeteroLR's and DataTransform's)
            ModelRegistry registry = new ModelRegistry(new ModelRegistryStore(site.node().database().dsl()));
            List<ComponentModel> migrated = registry.components(NEW_MODEL_ID, "migrated_1", rp[1],
                    newIds.get(rp[0]));
            assertThat(migrated).isNotEmpty()
                    .isEqualTo(registry.components(OLD_MODEL_ID, trainJob, rp[1], rp[0]));
            // the old model stays
            assertThat(registry.find(OLD_MODEL_ID, trainJob, rp[1], rp[0])).isPresent();
        }
        refused(migrate(conf), 100, "already exists");
    }

    @Test
    @Order(3)
    void theSitesRestartedUnderTheNewIdsPredictEveryRowAsTheOriginalModelDid() {
        sites.restartAs(Map.of("9999", "99", "10000", "100"));
        TestNode guest = sites.site("99");
        TestNode host = sites.site("100");
        assertThat(guest.node().peers().find("100")).isPresent();
        assertThat(guest.node().peers().find("10000")).isEmpty();
        host.grant("99", "*", "breast_hetero_host");

        String predictJob = run(guest, host, PREDICT_DSL, conf("99", "100",
                predictParams(NEW_MODEL_ID, "migrated_1")));
        Map<String, Double> migrated = scores(guest, predictJob);
        assertThat(migrated).hasSize(ROWS).isEqualTo(originalScores);
    }
}
