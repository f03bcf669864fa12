package io.fedflow.node.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.wire.FateJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Fedflow's model archive, what export answers and import takes: a zip holding {@code manifest.json} (the
 * pipeline model, and each component model's file with its sha256) and one JSON file per component model.
 * Not FATE's archive (FATE zips its model directory of protobuf buffers): a FATE archive is refused.
 *
 * <p>Reading trusts nothing in the zip: entries are counted as they unpack, whatever sizes their headers
 * claim, and the whole is refused past {@link Limits#maxModelArchive()}; a name with {@code ..} or a leading
 * {@code /}, a duplicate, an entry the manifest does not list or a sha256 that does not match are refused.
 */
public final class ModelArchive {
    static final String MANIFEST = "manifest.json";
    static final String FORMAT = "fedflow-model-archive";
    static final int FORMAT_VERSION = 1;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ModelArchive() {}

    /** A model read from an archive, with the archive's sha256. */
    public record Unpacked(PipelineModel model, List<ComponentModel> components, String sha256) {}

    /** FATE's archive name: {@code <party model id>_<model version>.zip}. */
    public static String fileName(PipelineModel model) {
        return model.partyModelId() + "_" + model.modelVersion() + ".zip";
    }

    /** The archive of one model: the same model always makes the same bytes. */
    public static byte[] write(PipelineModel model, List<ComponentModel> components) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        ArrayNode listed = NODES.arrayNode();
        for (int i = 0; i < components.size(); i++) {
            ComponentModel c = components.get(i);
            String name = "components/" + i + ".json";
            byte[] bytes = json(NODES.objectNode().put("component_name", c.componentName())
                    .put("model_name", c.modelName()).put("module", c.module())
                    .<ObjectNode>set("param", c.param()).set("meta", c.meta()));
            files.put(name, bytes);
            listed.addObject().put("file", name).put("sha256", sha256(bytes))
                    .put("component_name", c.componentName()).put("model_name", c.modelName());
        }
        ObjectNode manifest = NODES.objectNode().put("format", FORMAT).put("format_version", FORMAT_VERSION);
        manifest.set("model", modelJson(model));
        manifest.set("components", listed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, MANIFEST, json(manifest));
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                put(zip, f.getKey(), f.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads and checks an archive (see the class comment); every refusal names what is wrong. */
    public static Unpacked read(byte[] archive, long maxBytes) {
        if (archive.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        Map<String, byte[]> entries = entries(archive, maxBytes);
        byte[] manifestBytes = entries.remove(MANIFEST);
        if (manifestBytes == null) {
            throw FlowException.data("not a Fedflow model archive: it has no " + MANIFEST
                    + (entries.isEmpty() ? " (no zip entry could be read)" : ""));
        }
        JsonNode manifest = FateJson.parse(manifestBytes, "the archive's " + MANIFEST);
        if (!FORMAT.equals(manifest.path("format").asText())
                || manifest.path("format_version").asInt() != FORMAT_VERSION) {
            throw FlowException.data("not a Fedflow model archive: " + MANIFEST + " is not format " + FORMAT + " "
                    + FORMAT_VERSION);
        }
        PipelineModel model = model(manifest.path("model"));
        List<ComponentModel> components = new ArrayList<>();
        for (JsonNode listed : manifest.path("components")) {
            String file = listed.path("file").asText();
            byte[] bytes = entries.remove(file);
            if (bytes == null) {
                throw FlowException.data("the model archive lacks " + file + ", which " + MANIFEST + " lists");
            }
            String actual = sha256(bytes);
            if (!actual.equals(listed.path("sha256").asText())) {
                throw FlowException.data("sha256 mismatch in the model archive: " + file + " is " + actual
                        + ", " + MANIFEST + " says " + listed.path("sha256").asText());
            }
            JsonNode c = FateJson.parse(bytes, "the archive's " + file);
            components.add(new ComponentModel(text(c, "component_name", file), text(c, "model_name", file),
                    text(c, "module", file), c.path("param"), c.path("meta")));
        }
        if (!entries.isEmpty()) {
            throw FlowException.data("the model archive holds entries " + MANIFEST + " does not list: "
                    + entries.keySet());
        }
        return new Unpacked(model, components, sha256(archive));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, byte[]> entries(byte[] archive, long maxBytes) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        long total = 0;
        byte[] buffer = new byte[8192];
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                String name = e.getName();
                if (name.startsWith("/") || name.startsWith("\\") || List.of(name.split("[/\\\\]")).contains("..")) {
                    throw FlowException.data("the model archive has an entry outside it: " + name);
                }
                if (e.isDirectory()) {
                    continue;
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (int n = zip.read(buffer); n > 0; n = zip.read(buffer)) {
                    total += n;
                    if (total > maxBytes) {
                        throw tooLarge(maxBytes);
                    }
                    bytes.write(buffer, 0, n);
                }
                if (entries.put(name, bytes.toByteArray()) != null) {
                    throw FlowException.data("the model archive has the entry " + name + " twice");
                }
            }
        } catch (ZipException e) {
            throw FlowException.data("the model archive is not a valid zip: " + e.getMessage());
        } catch (IOException e) {
            throw FlowException.data("the model archive is not a valid zip: " + e);
        }
        return entries;
    }

    private static FlowException tooLarge(long maxBytes) {
        return FlowException.data("the model archive is over " + maxBytes + " bytes (as sent or unpacked): raise "
                + Limits.MAX_MODEL_ARCHIVE_FLAG + " to take it");
    }

    private static ObjectNode modelJson(PipelineModel m) {
        ObjectNode o = NODES.objectNode().put("model_id", m.modelId()).put("model_version", m.modelVersion())
                .put("role", m.role()).put("party_id", m.partyId()).put("job_id", m.jobId())
                .put("parent_version", m.parentVersion());
        o.set("roles", m.roles());
        o.put("initiator_role", m.initiatorRole()).put("initiator_party_id", m.initiatorPartyId());
        o.set("train_dsl", m.trainDsl());
        o.set("inference_dsl", m.inferenceDsl());
        o.set("runtime_conf", m.runtimeConf());
        o.set("train_runtime_conf", m.trainRuntimeConf());
        o.put("description", m.description()).put("create_time", m.createTime()).put("update_time", m.updateTime());
        return o;
    }

    private static PipelineModel model(JsonNode m) {
        if (!m.isObject()) {
            throw FlowException.data("the archive's " + MANIFEST + " has no model");
        }
        return new PipelineModel(text(m, "model_id", MANIFEST), text(m, "model_version", MANIFEST),
                text(m, "role", MANIFEST), text(m, "party_id", MANIFEST), m.path("job_id").asText(),
                m.path("parent_version").asText(), object(m, "roles"), m.path("initiator_role").asText(),
                m.path("initiator_party_id").asText(), object(m, "train_dsl"), object(m, "inference_dsl"),
                object(m, "runtime_conf"), object(m, "train_runtime_conf"), m.path("description").asText(),
                m.path("create_time").asLong(), m.path("update_time").asLong());
    }

    private static JsonNode object(JsonNode parent, String field) {
        JsonNode v = parent.path(field);
        return v.isObject() ? v : NODES.objectNode();
    }

    private static String text(JsonNode parent, String field, String where) {
        JsonNode v = parent.path(field);
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw FlowException.data("the archive's " + where + " has no " + field);
        }
        return v.asText();
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(0); // the same model, the same bytes (and sha256)
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    private static byte[] json(JsonNode node) {
        try {
            return FateJson.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
