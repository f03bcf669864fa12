package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.v1.ModelArchiveFile;
import io.fedflow.proto.v1.ModelArchiveRequest;
import io.fedflow.proto.v1.ModelArchiveServiceGrpc;
import io.fedflow.proto.v1.ModelImportRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FATE's model export, import, store, restore, transfer and homo calls at one node, over real HTTP and gRPC:
 * what each answers, and each refusal.
 */
class ModelArchiveApiTest {
    private static final long MAX_ARCHIVE = 256 * 1024;

    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder()
            .configure(b -> b.limits(Limits.builder().maxModelArchive(MAX_ARCHIVE).build())).build();

    private static final String MODEL_ID = "local-0#model";
    private static String version;

    @BeforeAll
    static void trainAModel() {
        version = LocalJobs.trainBreast(node.http());
    }

    @Test
    void exportAnswersTheModelsZipNamedAsFateNamesIt() throws IOException {
        HttpResponse<byte[]> r = node.http().getWithBody("/v1/model/export", ref());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition")).contains(
                "attachment; filename=local#0#" + MODEL_ID + "_" + version + ".zip");
        Map<String, byte[]> entries = unzip(r.body());
        JsonNode manifest = FlowHttp.JSON.readTree(entries.get("manifest.json"));
        assertThat(manifest.at("/model/model_version").asText()).isEqualTo(version);
        assertThat(manifest.at("/model/train_dsl/components/lr_0/module").asText()).isEqualTo("LR");
        assertThat(manifest.get("components")).extracting(c -> c.get("component_name").asText())
                .contains("data_transform_0", "feature_scale_0", "lr_0");
        for (JsonNode c : manifest.get("components")) {
            assertThat(ModelArchive.sha256(entries.get(c.get("file").asText()))).isEqualTo(c.get("sha256").asText());
        }
        // POST answers the same bytes
        HttpResponse<byte[]> post = sendPost(ref());
        assertThat(post.body()).isEqualTo(r.body());
    }

    @Test
    void exportOfAModelThisNodeDoesNotHoldIs404NamingIt() throws IOException {
        Map<String, Object> unknown = new LinkedHashMap<>(ref());
        unknown.put("model_version", "202612040000000000009");
        HttpResponse<byte[]> r = node.http().getWithBody("/v1/model/export", unknown);
        assertThat(r.statusCode()).isEqualTo(404);
        JsonNode answer = FlowHttp.JSON.readTree(r.body());
        assertThat(answer.get("retcode").asInt()).isNotZero();
        assertThat(answer.get("retmsg").asText()).contains("local#0#" + MODEL_ID, "202612040000000000009",
                "does not exist");
    }

    @Test
    void exportWithoutAFieldIs400Naming101() throws IOException {
        Map<String, Object> partial = new LinkedHashMap<>(ref());
        partial.remove("party_id");
        HttpResponse<byte[]> r = node.http().getWithBody("/v1/model/export", partial);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode answer = FlowHttp.JSON.readTree(r.body());
        assertThat(answer.get("retcode").asInt()).isEqualTo(101);
        assertThat(answer.get("retmsg").asText()).contains("party_id");
    }

    @Test
    void importOfAModelThatExistsIs409UnlessForceUpdate() throws IOException {
        byte[] archive = export();
        HttpResponse<String> refused = node.http().pythonModelImport(form("0"), "m.zip", archive);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(FlowHttp.JSON.readTree(refused.body()).get("retmsg").asText()).contains("already exists");

        HttpResponse<String> forced = node.http().pythonModelImport(form("1"), "m.zip", archive);
        assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
        JsonNode answer = FlowHttp.JSON.readTree(forced.body());
        assertThat(answer.get("retcode").asInt()).as(forced.body()).isZero();
        assertThat(answer.at("/data/sha256").asText()).isEqualTo(ModelArchive.sha256(archive));
    }

    @Test
    void importUnderAnotherVersionMakesAModelWithTheSameComponentModels() throws IOException {
        byte[] archive = export();
        Map<String, String> form = form("0");
        form.put("model_version", "imported-" + version);
        HttpResponse<String> r = node.http().pythonModelImport(form, "m.zip", archive);
        assertThat(FlowHttp.JSON.readTree(r.body()).get("retcode").asInt()).as(r.body()).isZero();
        Map<String, Object> imported = new LinkedHashMap<>(ref());
        imported.put("model_version", "imported-" + version);
        Map<String, byte[]> original = unzip(archive);
        Map<String, byte[]> again = unzip(node.http().getWithBody("/v1/model/export", imported).body());
        assertThat(again.keySet()).isEqualTo(original.keySet());
        for (String name : original.keySet()) {
            if (!name.equals("manifest.json")) {
                assertThat(again.get(name)).as(name).isEqualTo(original.get(name));
            }
        }
    }

    @Test
    void importRefusesWhatIsNotAModelArchive() throws IOException {
        refusedImport(form("1"), "not a zip at all".getBytes(StandardCharsets.UTF_8), 400, "manifest.json");
        refusedImport(form("1"), zip(Map.of("readme.txt", "hi".getBytes(StandardCharsets.UTF_8))), 400,
                "no manifest.json");
        byte[] truncated = Arrays.copyOf(export(), 200);
        refusedImport(form("1"), truncated, 400, "model archive");
    }

    @Test
    void importRefusesATamperedEntry() throws IOException {
        Map<String, byte[]> entries = unzip(export());
        String file = FlowHttp.JSON.readTree(entries.get("manifest.json")).at("/components/0/file").asText();
        ObjectNode changed = (ObjectNode) FlowHttp.JSON.readTree(entries.get(file));
        changed.put("model_name", "swapped");
        entries.put(file, FlowHttp.JSON.writeValueAsBytes(changed));
        refusedImport(form("1"), zip(entries), 400, "sha256 mismatch", file);
    }

    @Test
    void importRefusesAnEntryOutsideTheArchiveAndAnUnlistedOne() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>(unzip(export()));
        entries.put("../evil.json", "{}".getBytes(StandardCharsets.UTF_8));
        refusedImport(form("1"), zip(entries), 400, "outside", "../evil.json");
        Map<String, byte[]> extra = new LinkedHashMap<>(unzip(export()));
        extra.put("components/extra.json", "{}".getBytes(StandardCharsets.UTF_8));
        refusedImport(form("1"), zip(extra), 400, "does not list", "components/extra.json");
    }

    @Test
    void importRefusesAnArchiveThatUnpacksPastTheCap() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>(unzip(export()));
        entries.put("components/zeros.json", new byte[(int) MAX_ARCHIVE * 4]); // compresses to a few KiB
        byte[] bomb = zip(entries);
        assertThat(bomb.length).isLessThan((int) MAX_ARCHIVE);
        refusedImport(form("1"), bomb, 400, "over " + MAX_ARCHIVE, Limits.MAX_MODEL_ARCHIVE_FLAG);
    }

    @Test
    void importRefusesAnArchiveSentPastTheCap() throws IOException {
        byte[] big = new byte[(int) MAX_ARCHIVE + 1];
        new Random(1).nextBytes(big);
        refusedImport(form("1"), big, 400, Limits.MAX_MODEL_ARCHIVE_FLAG);
    }

    @Test
    void importRefusesAPartyThatIsNotTheModels() throws IOException {
        Map<String, String> form = form("1");
        form.put("party_id", "10000");
        refusedImport(form, export(), 400, "Party id 10000 is not in model roles");
    }

    @Test
    void importRefusesAMissingFieldAHashMismatchAndNoArchive() throws IOException {
        Map<String, String> form = form("1");
        form.remove("model_version");
        HttpResponse<String> r = refusedImport(form, export(), 400, "model_version");
        assertThat(FlowHttp.JSON.readTree(r.body()).get("retcode").asInt()).isEqualTo(101);
        Map<String, String> hashed = form("1");
        hashed.put("hash", "0".repeat(64));
        refusedImport(hashed, export(), 400, "hash mismatch");
        HttpResponse<String> json = node.http().postRaw("/v1/model/import",
                FlowHttp.JSON.writeValueAsString(form("1")));
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(json.body()).contains("multipart part named file");
    }

    @Test
    void grpcExportAndImportCarryTheSameArchive() {
        var stub = ModelArchiveServiceGrpc.newBlockingStub(node.channel());
        ModelArchiveFile file = stub.export(ModelArchiveRequest.newBuilder().setRole("local").setPartyId("0")
                .setModelId(MODEL_ID).setModelVersion(version).build());
        assertThat(file.getFileName()).isEqualTo("local#0#" + MODEL_ID + "_" + version + ".zip");
        assertThat(file.getContent().toByteArray()).isEqualTo(export());
        var answer = stub.import_(ModelImportRequest.newBuilder().setRole("local").setPartyId("0")
                .setModelId(MODEL_ID).setModelVersion(version).setForceUpdate(true).setHash(file.getSha256())
                .setFile(ByteString.copyFrom(file.getContent().toByteArray())).build());
        assertThat(answer.getRetcode()).as(answer.toString()).isZero();
    }

    @Test
    void storeKeepsTheArchiveOnceUnlessForceUpdateAndRestoreChecksItsSha256() {
        Map<String, Object> store = new LinkedHashMap<>(ref());
        store.put("model_version", version);
        JsonNode stored = node.http().post("/v1/model/store", withForce(store, true));
        assertThat(stored.get("retcode").asInt()).as(stored.toString()).isZero();
        String sha256 = stored.at("/data/sha256").asText();
        assertThat(sha256).isEqualTo(ModelArchive.sha256(export()));
        JsonNode again = node.http().post("/v1/model/store", withForce(store, false));
        assertThat(again.get("retcode").asInt()).as(again.toString()).isEqualTo(100);
        assertThat(again.get("retmsg").asText()).contains("already exists in the model store");

        JsonNode exists = node.http().post("/v1/model/restore", withForce(store, false));
        assertThat(exists.get("retcode").asInt()).as(exists.toString()).isEqualTo(100);
        assertThat(exists.get("retmsg").asText()).contains("already exists");
        Map<String, Object> wrongHash = withForce(store, true);
        wrongHash.put("sha256", "f".repeat(64));
        JsonNode mismatch = node.http().post("/v1/model/restore", wrongHash);
        assertThat(mismatch.get("retcode").asInt()).as(mismatch.toString()).isEqualTo(102);
        assertThat(mismatch.get("retmsg").asText()).contains("hash mismatch");
        Map<String, Object> rightHash = withForce(store, true);
        rightHash.put("sha256", sha256);
        JsonNode restored = node.http().post("/v1/model/restore", rightHash);
        assertThat(restored.get("retcode").asInt()).as(restored.toString()).isZero();
    }

    @Test
    void restoreOfAModelTheStoreDoesNotHoldIsRefused() {
        Map<String, Object> unknown = new LinkedHashMap<>(ref());
        unknown.put("model_version", "202612040000000000008");
        JsonNode answer = node.http().post("/v1/model/restore", unknown);
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isEqualTo(100);
        assertThat(answer.get("retmsg").asText()).contains("202612040000000000008", "model store");
        JsonNode store = node.http().post("/v1/model/store", unknown);
        assertThat(store.get("retcode").asInt()).as(store.toString()).isEqualTo(100);
        assertThat(store.get("retmsg").asText()).contains("does not exist");
        JsonNode missing = node.http().post("/v1/model/store", Map.of("model_id", MODEL_ID));
        assertThat(missing.get("retcode").asInt()).isEqualTo(101);
        assertThat(missing.get("retmsg").asText()).contains("model_version", "party_id", "role");
    }

    @Test
    void transferAnswersTheArchiveByNamespaceAndNameOrByPath() {
        JsonNode byBody = node.http().post("/v1/model/transfer", Map.of("namespace", "local#0#" + MODEL_ID,
                "name", version));
        assertThat(byBody.get("retcode").asInt()).as(byBody.toString()).isZero();
        assertThat(Base64.getDecoder().decode(byBody.at("/data/archive").asText())).isEqualTo(export());
        JsonNode byPath = node.http().post("/v1/model/transfer/local~0~local-0~model/" + version, "{}");
        assertThat(byPath.get("retcode").asInt()).as(byPath.toString()).isZero();
        assertThat(byPath.at("/data/sha256").asText()).isEqualTo(byBody.at("/data/sha256").asText());

        JsonNode missing = node.http().post("/v1/model/transfer", Map.of("namespace", "local#0#" + MODEL_ID));
        assertThat(missing.get("retcode").asInt()).isEqualTo(101);
        assertThat(missing.get("retmsg").asText()).contains("namespace and name are required");
        JsonNode unknown = node.http().post("/v1/model/transfer", Map.of("namespace", "local#0#" + MODEL_ID,
                "name", "202612040000000000007"));
        assertThat(unknown.get("retcode").asInt()).isEqualTo(100);
        assertThat(unknown.get("retmsg").asText()).contains("model not found");
    }

    @Test
    void homoCallsCheckFateFieldsThenRefuse() {
        JsonNode missing = node.http().post("/v1/model/homo/convert", Map.of("model_id", MODEL_ID));
        assertThat(missing.get("retcode").asInt()).isEqualTo(101);
        assertThat(missing.get("retmsg").asText()).contains("model_version");
        JsonNode convert = node.http().post("/v1/model/homo/convert", ref());
        assertThat(convert.get("retcode").asInt()).as(convert.toString()).isEqualTo(103);
        assertThat(convert.get("retmsg").asText()).contains("no homo model here");

        JsonNode deployMissing = node.http().post("/v1/model/homo/deploy", ref());
        assertThat(deployMissing.get("retcode").asInt()).isEqualTo(101);
        assertThat(deployMissing.get("retmsg").asText()).contains("service_id", "component_name",
                "deployment_type", "deployment_parameters");
        Map<String, Object> deploy = new LinkedHashMap<>(ref());
        deploy.put("service_id", "s");
        deploy.put("component_name", "homo_lr_0");
        deploy.put("deployment_type", "kfserving");
        deploy.put("deployment_parameters", Map.of());
        JsonNode refused = node.http().post("/v1/model/homo/deploy", deploy);
        assertThat(refused.get("retcode").asInt()).as(refused.toString()).isEqualTo(103);
        assertThat(refused.get("retmsg").asText()).contains("no homo model here");
    }

    private static Map<String, Object> ref() {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("role", "local");
        ref.put("party_id", 0);
        ref.put("model_id", MODEL_ID);
        ref.put("model_version", version);
        return ref;
    }

    private static Map<String, Object> withForce(Map<String, Object> ref, boolean force) {
        Map<String, Object> m = new LinkedHashMap<>(ref);
        m.put("force_update", force);
        return m;
    }

    /** The form FATE's CLI sends (strings; file the client's path). */
    private static Map<String, String> form(String forceUpdate) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("role", "local");
        form.put("party_id", "0");
        form.put("model_id", MODEL_ID);
        form.put("model_version", version);
        form.put("file", "/home/user/model.zip");
        form.put("force_update", forceUpdate);
        form.put("conf_path", "/home/user/import.json");
        return form;
    }

    private static HttpResponse<String> refusedImport(Map<String, String> form, byte[] archive, int status,
                                                      String... mentions) throws IOException {
        HttpResponse<String> r = node.http().pythonModelImport(form, "m.zip", archive);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode answer = FlowHttp.JSON.readTree(r.body());
        assertThat(answer.get("retcode").asInt()).isNotZero();
        assertThat(answer.get("retmsg").asText()).contains(mentions);
        return r;
    }

    private static byte[] export() {
        HttpResponse<byte[]> r = node.http().getWithBody("/v1/model/export", ref());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static HttpResponse<byte[]> sendPost(Object body) {
        try {
            return node.http().client().send(HttpRequest.newBuilder(
                            URI.create(node.http().base() + "/v1/model/export"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(FlowHttp.JSON.writeValueAsString(body)))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, byte[]> unzip(byte[] archive) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        }
        return entries;
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
