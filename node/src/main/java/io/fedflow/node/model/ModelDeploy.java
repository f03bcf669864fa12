package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.job.JobStore;
import io.fedflow.node.job.PredictDsl;
import io.fedflow.proto.RetCode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FATE's /v1/model/deploy: a child version of a trained model, with the inference DSL a predict job runs, made
 * at every party of the model. The node that receives the call checks everything it can first (the model, the
 * components, the DSL), then makes the child at each party in turn; when one party fails, the children already
 * made are deleted, so that no party keeps a version the others lack.
 */
public final class ModelDeploy {
    private static final Logger logger = LoggerFactory.getLogger(ModelDeploy.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The other parties of a model, over the signed site port. */
    public interface Parties {
        void deployChild(String partyId, Child child);

        void deleteChild(String partyId, String modelId, String childVersion, String role, String rolePartyId);
    }

    /** One party's child: a copy of {@code parentVersion} at {@code role}/{@code partyId} with the inference DSL. */
    public record Child(String modelId, String parentVersion, String childVersion, String role, String partyId,
                        JsonNode inferenceDsl) {}

    /**
     * The deploy call: {@code predictDsl} (an object or its JSON text; null when absent) wins over
     * {@code cpnList}; {@code componentsCheckpoint} is null or an object.
     */
    public record Request(String modelId, String modelVersion, List<String> cpnList, JsonNode predictDsl,
                          JsonNode componentsCheckpoint) {}

    private final ModelRegistry registry;
    private final String thisParty;
    private final Supplier<String> versions;
    private final Parties parties;
    private final Clock clock;

    public ModelDeploy(ModelRegistry registry, String thisParty, Supplier<String> versions, Parties parties,
                       Clock clock) {
        this.registry = registry;
        this.thisParty = thisParty;
        this.versions = versions;
        this.parties = parties;
        this.clock = clock;
    }

    public ModelAnswer deploy(Request r) {
        requireField("model_id", r.modelId());
        requireField("model_version", r.modelVersion());
        List<PipelineModel> held = registry.versions(r.modelId(), r.modelVersion());
        if (held.isEmpty()) {
            throw FlowException.withRetcode(404, FailureKind.NOT_FOUND, "Deploy model failed. Model "
                    + r.modelId() + " " + r.modelVersion() + " not found.");
        }
        PipelineModel parent = held.stream().filter(m -> m.role().equals(m.initiatorRole())
                && m.partyId().equals(m.initiatorPartyId())).findFirst().orElseThrow(() ->
                FlowException.withRetcode(404, FailureKind.NOT_FOUND, "Deploy model failed. Cannot found model of "
                        + "initiator role: deploy model " + r.modelId() + " " + r.modelVersion() + " at its initiator, "
                        + "party " + held.get(0).initiatorPartyId() + "."));
        if (!parent.parentVersion().isEmpty()) {
            throw new FlowException(RetCode.OPERATING_ERROR, "Child model could not be deployed: model_version "
                    + r.modelVersion() + " was deployed from " + parent.parentVersion() + "; deploy the trained model.");
        }
        JsonNode inferenceDsl = inferenceDsl(r, parent.trainDsl());
        checkCheckpoints(r.componentsCheckpoint(), parent.trainDsl());

        String child = versions.get();
        ObjectNode data = NODES.objectNode();
        data.put("model_id", r.modelId());
        data.put("model_version", child);
        ObjectNode detail = data.putObject("detail");
        List<Made> made = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        FlowException first = null;
        for (Map.Entry<String, JsonNode> role : iterable(parent.roles())) {
            ObjectNode codes = data.putObject(role.getKey());
            ObjectNode details = detail.putObject(role.getKey());
            for (JsonNode p : role.getValue()) {
                String partyId = p.asText();
                Child c = new Child(r.modelId(), r.modelVersion(), child, role.getKey(), partyId, inferenceDsl);
                try {
                    if (JobStore.isHere(role.getKey(), partyId, thisParty)) {
                        createChild(thisParty, c);
                    } else {
                        parties.deployChild(partyId, c);
                    }
                    made.add(new Made(role.getKey(), partyId));
                    codes.put(partyId, 0);
                    details.putObject(partyId).put("retcode", 0).put("retmsg", "deploy model of role "
                            + role.getKey() + " " + partyId + " success");
                } catch (FlowException e) {
                    first = first == null ? e : first;
                    failures.add(role.getKey() + " " + partyId + ": " + e.getMessage());
                    codes.put(partyId, e.retcode());
                    details.putObject(partyId).put("retcode", e.retcode()).put("retmsg", e.getMessage());
                }
            }
        }
        if (first != null) {
            made.forEach(m -> undo(r.modelId(), child, m));
            throw FlowException.withRetcode(first.retcode(), first.kind(), "deploy of model " + r.modelId() + " "
                    + r.modelVersion() + " failed at " + String.join("; at ", failures)
                    + " (no party keeps version " + child + ")");
        }
        return new ModelAnswer("success", data);
    }

    private record Made(String role, String partyId) {}

    private void undo(String modelId, String child, Made m) {
        try {
            if (JobStore.isHere(m.role(), m.partyId(), thisParty)) {
                registry.delete(modelId, child, m.role(), m.partyId());
            } else {
                parties.deleteChild(m.partyId(), modelId, child, m.role(), m.partyId());
            }
        } catch (FlowException e) {
            logger.warn("could not delete child {} {} at {} {} after a failed deploy: {}", modelId, child,
                    m.role(), m.partyId(), e.getMessage());
        }
    }

    /**
     * Makes the child at one role and party of this node, asked by {@code caller} (this party, or the party
     * deploying the model, which must be one of the model's parties).
     */
    public void createChild(String caller, Child c) {
        PipelineModel parent = registry.find(c.modelId(), c.parentVersion(), c.role(), c.partyId())
                .orElseThrow(() -> new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND,
                        "Can not found " + c.modelId() + " " + c.parentVersion() + " model of role " + c.role()
                                + " party " + c.partyId() + " at party " + thisParty + ".", null));
        requireParty(caller, parent);
        if (!parent.parentVersion().isEmpty()) {
            throw new FlowException(RetCode.OPERATING_ERROR, "Child model could not be deployed.");
        }
        // checked here too: a party keeps no inference DSL that its own train DSL does not allow
        PredictDslCheck.check(c.inferenceDsl(), parent.trainDsl());
        Set<String> used = names(c.inferenceDsl());
        List<ComponentModel> components = registry.components(c.modelId(), c.parentVersion(), c.role(),
                c.partyId()).stream().filter(m -> used.contains(m.componentName())).toList();
        long now = clock.millis();
        registry.save(new PipelineModel(c.modelId(), c.childVersion(), c.role(), c.partyId(), parent.jobId(),
                c.parentVersion(), parent.roles(), parent.initiatorRole(), parent.initiatorPartyId(),
                parent.trainDsl(), c.inferenceDsl(), withVersion(parent.runtimeConf(), c.childVersion()),
                withVersion(parent.trainRuntimeConf(), c.childVersion()), parent.description(), now, now),
                components, false);
    }

    /** Deletes a child this node made, asked by a party of the model; a child that is not here is no failure. */
    public void deleteChild(String caller, String modelId, String childVersion, String role, String partyId) {
        PipelineModel child = registry.find(modelId, childVersion, role, partyId).orElse(null);
        if (child == null) {
            return;
        }
        requireParty(caller, child);
        if (child.parentVersion().isEmpty()) {
            throw new FlowException(RetCode.OPERATING_ERROR, "model_version " + childVersion
                    + " is a trained model, not a deployed child: it is not deleted");
        }
        registry.delete(modelId, childVersion, role, partyId);
    }

    private void requireParty(String caller, PipelineModel model) {
        if (caller.equals(thisParty)) {
            return;
        }
        for (JsonNode ids : model.roles()) {
            for (JsonNode id : ids) {
                if (id.asText().equals(caller)) {
                    return;
                }
            }
        }
        throw new FlowException(RetCode.PERMISSION_ERROR, "party " + caller + " is not a party of model "
                + model.modelId() + " " + model.modelVersion());
    }

    /** The conf with {@code job_parameters.common.model_version} set to the child's, as FATE's deploy does. */
    private static JsonNode withVersion(JsonNode conf, String version) {
        if (!conf.isObject()) {
            return conf;
        }
        ObjectNode copy = conf.deepCopy();
        JsonNode params = copy.path("job_parameters");
        if (params.path("common").isObject()) {
            ((ObjectNode) params.path("common")).put("model_version", version);
        } else if (params.isObject() && params.has("model_version")) {
            ((ObjectNode) params).put("model_version", version);
        }
        return copy;
    }

    private static JsonNode inferenceDsl(Request r, JsonNode trainDsl) {
        JsonNode given = r.predictDsl();
        if (given != null && !given.isNull() && !(given.isTextual() && given.asText().isBlank())) {
            return PredictDslCheck.check(given, trainDsl);
        }
        List<String> keep = r.cpnList().isEmpty() ? List.copyOf(names(trainDsl)) : r.cpnList();
        try {
            return PredictDsl.generate(trainDsl, keep);
        } catch (FlowException e) {
            throw FlowException.argument("cpn_list: " + e.getMessage());
        }
    }

    /**
     * A checkpoint can only name a component of the train DSL; deploying from a checkpoint needs the
     * checkpoints of LR and HeteroLR, which this node does not keep yet: refused, naming the component.
     */
    private static void checkCheckpoints(JsonNode checkpoints, JsonNode trainDsl) {
        if (checkpoints == null || !checkpoints.isObject() || checkpoints.isEmpty()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : iterable(checkpoints)) {
            if (!trainDsl.path("components").has(e.getKey())) {
                throw FlowException.argument("components_checkpoint names component " + e.getKey()
                        + ", which is not in the model's train DSL");
            }
            throw new FlowException(RetCode.ARGUMENT_ERROR, FailureKind.UNSUPPORTED, "components_checkpoint names "
                    + "component " + e.getKey() + " (" + e.getValue() + "): this node keeps no checkpoints yet, "
                    + "deploy the component's final model (leave components_checkpoint out)", null);
        }
    }

    private static Set<String> names(JsonNode dsl) {
        Set<String> names = new LinkedHashSet<>();
        dsl.path("components").fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }

    private static void requireField(String field, String value) {
        if (value == null || value.isBlank()) {
            throw FlowException.argument("required argument are missing: " + field);
        }
    }
}
