package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.proto.RetCode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Models leaving and entering this node: FATE's export and import (an archive file), store and restore (the
 * archive kept in a model store database), transfer (the archive as a serving system fetches it), and the
 * homo calls, refused since no homo component runs here. Everything saved goes through
 * {@link ModelRegistry#save}, in one transaction.
 */
public final class ModelArchives {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ModelRegistry registry;
    private final ArchiveStore store;
    private final Limits limits;
    private final Clock clock;

    public ModelArchives(ModelRegistry registry, ArchiveStore store, Limits limits, Clock clock) {
        this.registry = registry;
        this.store = store;
        this.limits = limits;
        this.clock = clock;
    }

    /** One party's model, as FATE's export, import, store and restore name it. */
    public record ModelRef(String role, String partyId, String modelId, String modelVersion) {
        /** FATE's party model id: {@code role#party_id#model_id}. */
        public String partyModelId() {
            return role + "#" + partyId + "#" + modelId;
        }

        /** FATE's checks first: every field is required. */
        void require() {
            requireFields(Map.of("model_id", modelId, "model_version", modelVersion, "role", role, "party_id",
                    partyId));
        }
    }

    /** An export: FATE's file name, the archive and its sha256. */
    public record Exported(String fileName, byte[] content, String sha256) {}

    public Exported export(ModelRef ref) {
        ref.require();
        PipelineModel model = held(ref);
        byte[] archive = ModelArchive.write(model, registry.components(ref.modelId(), ref.modelVersion(),
                ref.role(), ref.partyId()));
        return new Exported(ModelArchive.fileName(model), archive, ModelArchive.sha256(archive));
    }

    /**
     * Saves the model an archive holds as {@code ref}'s (FATE's import may re-home a model: the party must be
     * one of the model's at that role). A model that exists is refused unless {@code forceUpdate}; a {@code hash}
     * given must be the archive's sha256.
     */
    public ModelAnswer importArchive(ModelRef ref, byte[] archive, boolean forceUpdate, String hash) {
        ref.require();
        if (archive == null || archive.length == 0) {
            throw FlowException.argument("no model archive was sent: send it as the multipart part named file");
        }
        ModelArchive.Unpacked unpacked = ModelArchive.read(archive, limits.maxModelArchive());
        if (hash != null && !hash.isEmpty() && !hash.equals(unpacked.sha256())) {
            throw FlowException.data("model archive hash mismatch: expected " + hash + ", the archive's sha256 is "
                    + unpacked.sha256());
        }
        return saved(ref, unpacked, forceUpdate);
    }

    /** Keeps the model's archive in the model store (FATE: refused when it is there, unless force_update). */
    public ModelAnswer store(ModelRef ref, boolean forceUpdate) {
        ref.require();
        Exported exported = export(ref);
        if (!store.put(ref.partyModelId(), ref.modelVersion(), exported.content(), exported.sha256(), forceUpdate,
                clock.millis())) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.ALREADY_EXISTS, "The model "
                    + ref.partyModelId() + " " + ref.modelVersion() + " already exists in the model store: set "
                    + "force_update to replace it.", null);
        }
        ObjectNode data = describe(ref).put("sha256", exported.sha256()).put("size", exported.content().length);
        return new ModelAnswer("success", data);
    }

    /** Saves the model the model store keeps for {@code ref} here; a {@code sha256} given must be the archive's. */
    public ModelAnswer restore(ModelRef ref, String sha256, boolean forceUpdate) {
        ref.require();
        long size = store.size(ref.partyModelId(), ref.modelVersion()).orElseThrow(() -> new FlowException(
                RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND, "Cannot find the model " + ref.partyModelId() + " "
                + ref.modelVersion() + " in the model store.", null));
        if (size > limits.maxModelArchive()) {
            throw FlowException.data("the stored archive of " + ref.partyModelId() + " " + ref.modelVersion() + " is "
                    + size + " bytes, over " + limits.maxModelArchive() + ": raise "
                    + Limits.MAX_MODEL_ARCHIVE_FLAG + " to restore it");
        }
        ArchiveStore.Stored stored = store.get(ref.partyModelId(), ref.modelVersion()).orElseThrow();
        ModelArchive.Unpacked unpacked = ModelArchive.read(stored.content(), limits.maxModelArchive());
        if (!unpacked.sha256().equals(stored.sha256())) {
            throw FlowException.data("the stored archive of " + ref.partyModelId() + " " + ref.modelVersion()
                    + " does not match its sha256 (" + stored.sha256() + "): it is " + unpacked.sha256());
        }
        if (sha256 != null && !sha256.isEmpty() && !sha256.equals(unpacked.sha256())) {
            throw FlowException.data("model archive hash mismatch: expected " + sha256 + ", the stored archive's "
                    + "sha256 is " + unpacked.sha256());
        }
        return saved(ref, unpacked, forceUpdate);
    }

    /** The archive of a model by FATE's party model id ({@code ~} standing for {@code #}) and version. */
    public ModelAnswer transfer(String partyModelId, String modelVersion) {
        if (partyModelId.isEmpty() || modelVersion.isEmpty()) {
            throw FlowException.argument("namespace and name are required");
        }
        String[] parts = partyModelId.replace('~', '#').split("#", 3);
        if (parts.length < 3) {
            throw FlowException.argument("namespace must be a party model id (role#party_id#model_id), got "
                    + partyModelId);
        }
        ModelRef ref = new ModelRef(parts[0], parts[1], parts[2], modelVersion);
        if (registry.find(ref.modelId(), ref.modelVersion(), ref.role(), ref.partyId()).isEmpty()) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND, "model not found: "
                    + ref.partyModelId() + " " + modelVersion, null);
        }
        Exported exported = export(ref);
        ObjectNode data = NODES.objectNode().put("file_name", exported.fileName()).put("sha256", exported.sha256())
                .put("archive", Base64.getEncoder().encodeToString(exported.content()));
        return new ModelAnswer("success", data);
    }

    /** FATE's homo convert checks its fields, then: no homo model can be here. */
    public ModelAnswer homoConvert(ModelRef ref) {
        ref.require();
        throw noHomoModel();
    }

    /** FATE's homo deploy checks its fields, then: no homo model can be here. */
    public ModelAnswer homoDeploy(ModelRef ref, String serviceId, String componentName, String deploymentType,
                                  boolean hasDeploymentParameters) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("service_id", serviceId);
        fields.put("model_id", ref.modelId());
        fields.put("model_version", ref.modelVersion());
        fields.put("role", ref.role());
        fields.put("party_id", ref.partyId());
        fields.put("component_name", componentName);
        fields.put("deployment_type", deploymentType);
        fields.put("deployment_parameters", hasDeploymentParameters ? "set" : "");
        requireFields(fields);
        throw noHomoModel();
    }

    private static FlowException noHomoModel() {
        return new FlowException(RetCode.OPERATING_ERROR, FailureKind.UNSUPPORTED, "no homo model here: this node "
                + "runs no homo component, so it holds no homo model to convert or deploy", null);
    }

    private ModelAnswer saved(ModelRef ref, ModelArchive.Unpacked unpacked, boolean replace) {
        PipelineModel m = unpacked.model();
        if (!partiesAt(m.roles(), ref.role()).contains(ref.partyId())) {
            throw FlowException.argument("Party id " + ref.partyId() + " is not in model roles (" + ref.role() + ": "
                    + partiesAt(m.roles(), ref.role()) + "), please check if the party id is valid.");
        }
        long now = clock.millis();
        PipelineModel rehomed = new PipelineModel(ref.modelId(), ref.modelVersion(), ref.role(), ref.partyId(),
                m.jobId(), m.parentVersion(), m.roles(), m.initiatorRole(), m.initiatorPartyId(), m.trainDsl(),
                m.inferenceDsl(), m.runtimeConf(), m.trainRuntimeConf(), m.description(), m.createTime(), now);
        registry.save(rehomed, unpacked.components(), replace);
        return new ModelAnswer("success", describe(ref).put("sha256", unpacked.sha256()));
    }

    private static List<String> partiesAt(JsonNode roles, String role) {
        List<String> parties = new ArrayList<>();
        roles.path(role).forEach(p -> parties.add(p.asText()));
        return parties;
    }

    private static ObjectNode describe(ModelRef ref) {
        return NODES.objectNode().put("model_id", ref.modelId()).put("model_version", ref.modelVersion())
                .put("role", ref.role()).put("party_id", ref.partyId()).put("party_model_id", ref.partyModelId());
    }

    private static void requireFields(Map<String, String> fields) {
        List<String> missing = new ArrayList<>();
        fields.forEach((name, value) -> {
            if (value == null || value.isBlank()) {
                missing.add(name);
            }
        });
        if (!missing.isEmpty()) {
            throw FlowException.argument("required argument are missing: " + String.join(",", missing.stream()
                    .sorted().toList()));
        }
    }

    private PipelineModel held(ModelRef ref) {
        return registry.find(ref.modelId(), ref.modelVersion(), ref.role(), ref.partyId()).orElseThrow(() ->
                new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND, "Model " + ref.partyModelId() + " "
                        + ref.modelVersion() + " does not exist.", null));
    }
}
