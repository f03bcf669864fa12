package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.checkpoint.CheckpointModel;
import io.fedflow.node.checkpoint.CheckpointOwner;
import io.fedflow.node.checkpoint.CheckpointStore;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * FATE's /v1/checkpoint/list and /v1/checkpoint/get over the checkpoints the train job of a model saved at this
 * node, and the read other parts of the node use to take a model from a chosen step ({@link #checkpoint}).
 *
 * <p>A model version is resolved through the registry, at this node's role and party, to the job that trained it
 * (a deployed child version to its parent's train job); its component must be in that job's DSL. As FATE answers, a component without checkpoints lists none ({@code []}); a model, a
 * component or a step that is not there is retcode 404 (FATE's "The checkpoint was not found.", here with what is
 * missing); a missing field is 101 naming it.
 *
 * <p>Each checkpoint shows its models as FATE's checkpoint directory does: one entry per protobuf FATE would
 * write, {@code <model name>Meta} and {@code <model name>Param} (HeteroLogisticRegressionMeta...), with FATE's
 * {@code buffer_name} and the {@code sha1} of the JSON content; get answers that content.
 */
public final class ModelCheckpoints {
    /** FATE's retcode for a checkpoint (or what it belongs to) that is not there: its error_response(404). */
    static final int NOT_FOUND = 404;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter CREATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    /** FATE's model and buffer names of a module's "model": LR and HeteroLR as federatedml names them. */
    private static final Map<String, String[]> FATE_NAMES = Map.of(
            "HeteroLR", new String[] {"HeteroLogisticRegression", "LRModel"},
            "LR", new String[] {"LogisticRegression", "LRModel"});

    private final ModelRegistry registry;
    private final CheckpointStore store;

    public ModelCheckpoints(ModelRegistry registry, CheckpointStore store) {
        this.registry = registry;
        this.store = store;
    }

    /** What a checkpoint call names: the model at one role and party, and one of its components. */
    public record Request(String role, String partyId, String modelId, String modelVersion, String componentName) {}

    /** Every checkpoint of the component, in step order: {@code [{step_index, step_name, create_time, models}]}. */
    public ModelAnswer list(Request r) {
        CheckpointOwner owner = owner(r);
        ArrayNode data = NODES.arrayNode();
        steps(store.list(owner)).values().forEach(step -> data.add(describe(step, false)));
        return new ModelAnswer("success", data);
    }

    /**
     * One checkpoint with its models' content, by {@code stepIndex}, or else by {@code stepName} (the latest step
     * of that name, as FATE's name index keeps it).
     */
    public ModelAnswer get(Request r, Integer stepIndex, String stepName) {
        CheckpointOwner owner = owner(r);
        return new ModelAnswer("success", describe(step(owner, stepIndex, stepName), true));
    }

    /**
     * The models a component of a train job saved at one step, at this node's {@code role} and {@code partyId}:
     * the step with {@code stepIndex}, or when it is null the latest step named {@code stepName}. For "deploy from
     * a chosen step" (FATE's {@code components_checkpoint}): each is a {@link ComponentModel} of {@code component}
     * with the model name and module the component saves its final model under and the same Param and Meta JSON,
     * for that step's weights, so it can stand in for the component's models in a deployed version.
     *
     * @param jobId the train job ({@link PipelineModel#jobId()} of the model version being deployed)
     * @throws FlowException retcode 404 (gRPC NOT_FOUND) when the component saved no such step at that role and
     *                       party; 101 when {@code stepIndex} is null and {@code stepName} null or empty
     */
    public List<ComponentModel> checkpoint(String jobId, String component, String role, String partyId,
                                           Integer stepIndex, String stepName) {
        List<CheckpointModel> step = step(new CheckpointOwner(jobId, component, role, partyId), stepIndex, stepName);
        return step.stream().map(m -> new ComponentModel(component, m.modelName(), m.module(), m.param(), m.meta()))
                .toList();
    }

    /**
     * As {@link #checkpoint(String, String, String, String, Integer, String)} for a model version this node holds
     * at {@code role} and {@code partyId}, resolved through the registry to the job that trained it (a deployed
     * child version to its parent's train job).
     *
     * @throws FlowException retcode 404 when the model is not held here, {@code component} is not in its train DSL,
     *                       or the step is not there; 101 for a missing argument
     */
    public List<ComponentModel> checkpoint(String modelId, String modelVersion, String role, String partyId,
                                           String component, Integer stepIndex, String stepName) {
        CheckpointOwner owner = owner(new Request(role, partyId, modelId, modelVersion, component));
        return checkpoint(owner.jobId(), component, role, partyId, stepIndex, stepName);
    }

    private List<CheckpointModel> step(CheckpointOwner owner, Integer stepIndex, String stepName) {
        if (stepIndex == null && (stepName == null || stepName.isEmpty())) {
            throw FlowException.argument("required argument are missing: step_index or step_name");
        }
        TreeMap<Integer, List<CheckpointModel>> steps = steps(store.list(owner));
        List<CheckpointModel> found = null;
        if (stepIndex != null) {
            found = steps.get(stepIndex);
        } else {
            for (List<CheckpointModel> s : steps.descendingMap().values()) {
                if (s.get(0).stepName().equals(stepName)) {
                    found = s;
                    break;
                }
            }
        }
        if (found == null) {
            throw notFound("The checkpoint was not found: component " + owner.componentName() + " of job "
                    + owner.jobId() + " has no " + (stepIndex != null ? "step_index " + stepIndex
                    : "step_name '" + stepName + "'") + " at " + owner.role() + " " + owner.partyId()
                    + (steps.isEmpty() ? " (it saved no checkpoint)" : " (its step_index: "
                    + String.join(", ", steps.keySet().stream().map(String::valueOf).toList()) + ")") + ".");
        }
        return found;
    }

    /** The train job and component a request names, checked as this node holds them. */
    private CheckpointOwner owner(Request r) {
        List<String> missing = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("role", r.role());
        fields.put("party_id", r.partyId());
        fields.put("model_id", r.modelId());
        fields.put("model_version", r.modelVersion());
        fields.put("component_name", r.componentName());
        fields.forEach((k, v) -> {
            if (v == null || v.isBlank()) {
                missing.add(k);
            }
        });
        if (!missing.isEmpty()) {
            throw FlowException.argument("required argument are missing: " + String.join(", ", missing));
        }
        PipelineModel model = registry.find(r.modelId(), r.modelVersion(), r.role(), r.partyId())
                .orElseThrow(() -> notFound("The checkpoint was not found: no model model_id '" + r.modelId()
                        + "', model_version '" + r.modelVersion() + "' at role " + r.role() + " party_id "
                        + r.partyId() + " on this node."));
        if (!model.trainDsl().path("components").has(r.componentName())) {
            throw notFound("The checkpoint was not found: model " + r.modelId() + " version " + r.modelVersion()
                    + " has no component '" + r.componentName() + "'.");
        }
        return new CheckpointOwner(model.jobId(), r.componentName(), r.role(), r.partyId());
    }

    private static TreeMap<Integer, List<CheckpointModel>> steps(List<CheckpointModel> rows) {
        TreeMap<Integer, List<CheckpointModel>> steps = new TreeMap<>();
        rows.forEach(m -> steps.computeIfAbsent(m.stepIndex(), i -> new ArrayList<>()).add(m));
        return steps;
    }

    /** A step as FATE's Checkpoint.to_dict: with the models' content, or their names, buffers and hashes. */
    private static ObjectNode describe(List<CheckpointModel> step, boolean content) {
        CheckpointModel first = step.get(0);
        ObjectNode out = NODES.objectNode();
        out.put("step_index", first.stepIndex());
        out.put("step_name", first.stepName());
        out.put("create_time", CREATE_TIME.format(Instant.ofEpochMilli(first.createTime())));
        ObjectNode models = out.putObject("models");
        for (CheckpointModel m : step) {
            String[] names = FATE_NAMES.getOrDefault(m.module(), new String[] {m.module(), m.module()});
            String prefix = "model".equals(m.modelName()) ? names[0] : names[0] + "_" + m.modelName();
            entry(models, prefix + "Meta", names[1] + "Meta", m.meta(), content);
            entry(models, prefix + "Param", names[1] + "Param", m.param(), content);
        }
        return out;
    }

    private static void entry(ObjectNode models, String name, String buffer, JsonNode value, boolean content) {
        if (content) {
            models.set(name, value);
        } else {
            models.putObject(name).put("buffer_name", buffer).put("sha1", sha1(value.toString()));
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FlowException notFound(String message) {
        return FlowException.withRetcode(NOT_FOUND, FailureKind.NOT_FOUND, message);
    }
}
