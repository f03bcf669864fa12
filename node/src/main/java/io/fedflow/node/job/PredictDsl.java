package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * FATE's deploy_component (behind pipeline/dsl/generate and model deploy): a predict DSL from a train DSL and the
 * components to keep. As FATE, a data input read from a component that is not kept (a Reader above all) is
 * erased, so that a predict job or FATE Pipeline's predict wires its own Reader in.
 */
public final class PredictDsl {
    private PredictDsl() {}

    /** A predict DSL keeping {@code keep}: inputs rewired past dropped components, models from the pipeline. */
    public static ObjectNode generate(JsonNode trainDsl, List<String> keep) {
        if (trainDsl == null || !trainDsl.path("components").isObject()) {
            throw FlowException.argument("train_dsl must be a DSL with components");
        }
        if (keep.isEmpty()) {
            throw FlowException.argument("required argument are missing: cpn_str");
        }
        JsonNode cpns = trainDsl.path("components");
        for (String k : keep) {
            if (!cpns.has(k)) {
                throw FlowException.argument("component " + k + " is not in train_dsl");
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode outCpns = out.putObject("components");
        for (Iterator<Map.Entry<String, JsonNode>> it = cpns.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!keep.contains(e.getKey())) {
                continue;
            }
            JsonNode c = e.getValue();
            ObjectNode nc = outCpns.putObject(e.getKey());
            nc.put("module", c.path("module").asText());
            ObjectNode input = JsonNodeFactory.instance.objectNode();
            JsonNode data = c.path("input").path("data");
            if (data.isObject()) {
                ObjectNode nd = input.putObject("data");
                data.fields().forEachRemaining(d -> {
                    String key = d.getKey().equals("train_data") ? "test_data" : d.getKey();
                    if (d.getKey().equals("validate_data")) {
                        return;
                    }
                    ArrayNode refs = JsonNodeFactory.instance.arrayNode();
                    d.getValue().forEach(ref -> {
                        String resolved = resolve(ref.asText(), cpns, keep);
                        if (keep.contains(resolved.substring(0, resolved.indexOf('.')))) {
                            refs.add(resolved);
                        }
                    });
                    if (!refs.isEmpty()) {
                        nd.set(key, refs);
                    }
                });
                if (nd.isEmpty()) {
                    input.remove("data");
                }
            }
            if (c.path("output").path("model").size() > 0) {
                input.putArray("model").add("pipeline." + e.getKey() + ".model");
            }
            if (!input.isEmpty()) {
                nc.set("input", input);
            }
            if (c.path("output").path("data").isArray()) {
                nc.putObject("output").set("data", c.path("output").path("data").deepCopy());
            }
        }
        return out;
    }

    /** Follows a data reference past components that are dropped from the predict DSL. */
    private static String resolve(String ref, JsonNode cpns, List<String> keep) {
        int dot = ref.indexOf('.');
        if (dot < 1) {
            throw FlowException.argument("data input " + ref + " of train_dsl is not <component>.<data>");
        }
        String cpn = ref.substring(0, dot);
        if (keep.contains(cpn) || cpns.path(cpn).path("module").asText().equals("Reader")) {
            return ref;
        }
        JsonNode data = cpns.path(cpn).path("input").path("data");
        for (Iterator<JsonNode> it = data.elements(); it.hasNext(); ) {
            JsonNode refs = it.next();
            if (refs.size() > 0) {
                return resolve(refs.get(0).asText(), cpns, keep);
            }
        }
        throw FlowException.argument("component " + cpn + " is dropped and has no data input to read from instead");
    }
}
