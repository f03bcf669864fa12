package io.fedflow.node.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.RetCode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * FATE's /v1/component/woe_array/extract and /merge over HeteroFeatureBinning models. Only the guest has labels,
 * so only the guest's model has the WOE of the host's features (under their anonymous names, e.g.
 * {@code host_10000_x3}); extract gives them as {@code {name: {"woeArray": [...]}}}, and merge at the host puts
 * them into the host's own model, matching its features through its anonymous header, so that the host can
 * transform its data by WOE. As FATE's, merge leaves the model it read unchanged and saves a new model version
 * (a copy of every component's model, the binning component's with the WOE) whose parent is the version read.
 */
public final class WoeArrays {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String MODULE = "HeteroFeatureBinning";

    private final ModelRegistry registry;
    private final Supplier<String> versions;
    private final Clock clock;

    public WoeArrays(ModelRegistry registry, Supplier<String> versions, Clock clock) {
        this.registry = registry;
        this.versions = versions;
        this.clock = clock;
    }

    /** A party's component in a model version, as FATE's woe_array calls name it. */
    public record Ref(String modelId, String modelVersion, String role, String partyId, String componentName) {}

    /** The WOE arrays of the first host's features, from the guest's binning model (FATE's host_idx 0). */
    public ModelAnswer extract(Ref ref) {
        require(ref, null, false);
        if (!"guest".equals(ref.role())) {
            throw FlowException.argument("role " + ref.role() + ": Only support guest role (only the guest's "
                    + "binning model has the hosts' WOE)");
        }
        ComponentModel binning = binning(ref, held(ref));
        JsonNode host = binning.param().path("host_results").path(0).path("binning_result");
        if (!host.isObject()) {
            throw FlowException.data("the binning model of " + ref.componentName() + " has no host results: it was "
                    + "trained without a host");
        }
        ObjectNode data = NODES.objectNode();
        host.fields().forEachRemaining(f -> data.putObject(f.getKey()).set("woeArray",
                f.getValue().path("woe_array").isArray() ? f.getValue().get("woe_array").deepCopy()
                        : NODES.arrayNode()));
        return new ModelAnswer("success", data);
    }

    /** Saves a new version of the host's model whose binning component has the given WOE arrays. */
    public ModelAnswer merge(Ref ref, JsonNode woeArray) {
        require(ref, woeArray, true);
        if (!"host".equals(ref.role())) {
            throw FlowException.argument("role " + ref.role() + ": Only support host role (the guest's binning "
                    + "model has its WOE already)");
        }
        JsonNode woe = object(woeArray);
        PipelineModel model = held(ref);
        ComponentModel binning = binning(ref, model);
        ObjectNode param = binning.param().deepCopy();
        Map<String, String> anonymous = anonymousNames(param);
        Map<String, ArrayNode> arrays = arrays(woe, param, anonymous);
        JsonNode multiClass = param.path("multi_class_result").path("results").path(0).path("binning_result");
        anonymous.forEach((name, anon) -> {
            ArrayNode values = arrays.get(anon);
            if (values != null) {
                ((ObjectNode) param.path("binning_result").path("binning_result").path(name))
                        .set("woe_array", values.deepCopy());
                if (multiClass.path(name).isObject()) {
                    ((ObjectNode) multiClass.get(name)).set("woe_array", values.deepCopy());
                }
            }
        });
        String version = versions.get();
        long now = clock.millis();
        PipelineModel copy = new PipelineModel(model.modelId(), version, model.role(), model.partyId(),
                model.jobId(), model.modelVersion(), model.roles(), model.initiatorRole(),
                model.initiatorPartyId(), model.trainDsl(), model.inferenceDsl(), model.runtimeConf(),
                model.trainRuntimeConf(), model.description(), now, now);
        List<ComponentModel> components = new ArrayList<>();
        for (ComponentModel c : registry.components(model.modelId(), model.modelVersion(), model.role(),
                model.partyId())) {
            components.add(c.componentName().equals(binning.componentName())
                    && c.modelName().equals(binning.modelName())
                    ? new ComponentModel(c.componentName(), c.modelName(), c.module(), param, c.meta()) : c);
        }
        registry.save(copy, components, false);
        ObjectNode data = NODES.objectNode().put("role", model.role()).put("party_id", model.partyId())
                .put("model_id", model.modelId()).put("model_version", version)
                .put("component_name", binning.componentName());
        return new ModelAnswer("success", data);
    }

    /** Each binned feature's anonymous name, from the model's header and anonymous header. */
    private static Map<String, String> anonymousNames(JsonNode param) {
        JsonNode header = param.path("header");
        JsonNode anonymous = param.path("header_anonymous");
        if (header.size() != anonymous.size()) {
            throw FlowException.data("Given header length and anonymous header length in model param do not "
                    + "match (" + header.size() + " and " + anonymous.size() + ")");
        }
        Map<String, String> byName = new HashMap<>();
        for (int j = 0; j < header.size(); j++) {
            byName.put(header.get(j).asText(), anonymous.get(j).asText());
        }
        Map<String, String> binned = new LinkedHashMap<>();
        param.path("binning_result").path("binning_result").fieldNames().forEachRemaining(name -> {
            if (byName.containsKey(name)) {
                binned.put(name, byName.get(name));
            }
        });
        return binned;
    }

    /**
     * The arrays to merge by anonymous name, each checked against its feature's bins. FATE takes any; here a
     * name the model does not have, or an array of another length than the feature's bins, is refused, since
     * the new version would transform wrongly (or fail) with it.
     */
    private static Map<String, ArrayNode> arrays(JsonNode woe, JsonNode param, Map<String, String> anonymous) {
        Map<String, String> nameOf = new HashMap<>();
        anonymous.forEach((name, anon) -> nameOf.put(anon, name));
        Map<String, ArrayNode> out = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        woe.fields().forEachRemaining(e -> {
            String name = nameOf.get(e.getKey());
            if (name == null) {
                unknown.add(e.getKey());
                return;
            }
            JsonNode values = e.getValue().has("woeArray") ? e.getValue().get("woeArray")
                    : e.getValue().path("woe_array");
            int bins = param.path("binning_result").path("binning_result").path(name).path("split_points").size();
            if (!values.isArray() || values.size() != bins) {
                throw FlowException.argument("woe_array." + e.getKey() + ".woeArray must be an array of " + bins
                        + " numbers (the bins of " + name + ")");
            }
            ArrayNode numbers = NODES.arrayNode();
            for (JsonNode v : values) {
                if (!v.isNumber()) {
                    throw FlowException.argument("woe_array." + e.getKey() + ".woeArray must hold numbers, got "
                            + v);
                }
                numbers.add(v.asDouble());
            }
            out.put(e.getKey(), numbers);
        });
        if (!unknown.isEmpty()) {
            throw FlowException.argument("woe_array names features this host's binning model does not have: "
                    + unknown + "; its features are " + List.copyOf(anonymous.values()));
        }
        if (out.isEmpty()) {
            throw FlowException.argument("woe_array is empty: give {\"<anonymous feature>\": {\"woeArray\": [..]}}"
                    + " as woe_array/extract answers it");
        }
        return out;
    }

    private static JsonNode object(JsonNode woeArray) {
        JsonNode woe = woeArray;
        if (woe.isTextual()) {
            try {
                woe = FateJson.MAPPER.readTree(woe.asText());
            } catch (JsonProcessingException e) {
                throw FlowException.argument("woe_array is not valid JSON: " + e.getOriginalMessage());
            }
        }
        if (woe == null || !woe.isObject()) {
            throw FlowException.argument("woe_array must be an object {\"<anonymous feature>\": {\"woeArray\": "
                    + "[..]}}");
        }
        return woe;
    }

    private PipelineModel held(Ref ref) {
        return registry.find(ref.modelId(), ref.modelVersion(), ref.role(), ref.partyId()).orElseThrow(() ->
                new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND, "No model found: model_id '"
                        + ref.modelId() + "', model_version '" + ref.modelVersion() + "', role '" + ref.role()
                        + "', party_id '" + ref.partyId() + "'.", null));
    }

    private ComponentModel binning(Ref ref, PipelineModel model) {
        ComponentModel c = registry.components(model.modelId(), model.modelVersion(), model.role(),
                model.partyId()).stream().filter(m -> m.componentName().equals(ref.componentName())).findFirst()
                .orElseThrow(() -> new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND,
                        "Component not found: component_name '" + ref.componentName() + "' has no model in "
                                + model.partyModelId() + " " + model.modelVersion() + ".", null));
        if (!MODULE.equals(c.module())) {
            throw FlowException.argument("component_name '" + ref.componentName() + "' is a " + c.module()
                    + " model; woe_array works on " + MODULE + " models");
        }
        return c;
    }

    private static void require(Ref ref, JsonNode woeArray, boolean merge) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("model_id", ref.modelId());
        fields.put("model_version", ref.modelVersion());
        fields.put("role", ref.role());
        fields.put("party_id", ref.partyId());
        fields.put("component_name", ref.componentName());
        List<String> missing = new ArrayList<>();
        fields.forEach((k, v) -> {
            if (v == null || v.isBlank()) {
                missing.add(k);
            }
        });
        if (merge && (woeArray == null || woeArray.isNull() || woeArray.isMissingNode())) {
            missing.add("woe_array");
        }
        if (!missing.isEmpty()) {
            throw FlowException.argument("required argument are missing: " + String.join(",", missing));
        }
    }
}
