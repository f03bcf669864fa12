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
 * components to keep. As FATE, a data input read from no kept component (a Reader above all) is erased, so that a
 * predict job or FATE Pipeline's predict wires its own Reader in.
 */
public final class PredictDsl {
    private PredictDsl() {}

    /**
     * A predict DSL keeping {@code keep}, as FATE's deploy_component makes it: inputs rewired past dropped
     * components, models from the pipeline, and the data input of a component that would read from no kept
     * component erased.
     */
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
            String key = predictDataKey(data);
            if (key != null) {
                // FATE maps the first of data, train_data, validate_data, test_data it finds (train and
                // validate become test_data) and leaves the others out
                ArrayNode refs = JsonNodeFactory.instance.arrayNode();
                data.path(key).forEach(ref -> refs.add(resolve(ref.asText(), cpns, keep)));
                // FATE erases a top component's data input: one reading from no kept component (a Reader
                // that is not kept, or what a dropped component read from it) gets its data at predict time
                boolean top = true;
                for (JsonNode ref : refs) {
                    String from = ref.asText().substring(0, Math.max(0, ref.asText().indexOf('.')));
                    top &= !from.equals("args") && !keep.contains(from);
                }
                if (!top) {
                    input.putObject("data").set(key.equals("data") ? "data" : "test_data", refs);
                }
            }
            if (c.path("output").path("model").size() > 0) {
                ArrayNode models = input.putArray("model");
                c.path("output").path("model").forEach(m -> models.add("pipeline." + e.getKey() + "." + m.asText()));
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

    /** The train DSL's data key a predict component reads, in FATE's order; null without data input. */
    private static String predictDataKey(JsonNode data) {
        if (!data.isObject()) {
            return null;
        }
        for (String key : List.of("data", "train_data", "validate_data", "test_data")) {
            if (data.has(key)) {
                return key;
            }
        }
        return null;
    }

    /**
     * Follows a data reference past components that are dropped from the predict DSL, as FATE does: a kept
     * component, a Reader (kept or not) and {@code args} end the walk; a dropped component is replaced by
     * its first train_data, eval_data or test_data input, else its first data input.
     */
    private static String resolve(String ref, JsonNode cpns, List<String> keep) {
        int dot = ref.indexOf('.');
        if (dot <= 0) {
            throw FlowException.argument("train_dsl: data input " + ref + " is not <component>.<data name>");
        }
        String cpn = ref.substring(0, dot);
        if (cpn.equals("args") || keep.contains(cpn) || "Reader".equals(cpns.path(cpn).path("module").asText())) {
            return ref;
        }
        JsonNode data = cpns.path(cpn).path("input").path("data");
        for (String key : List.of("train_data", "eval_data", "test_data", "data")) {
            if (data.path(key).size() > 0) {
                return resolve(data.path(key).get(0).asText(), cpns, keep);
            }
        }
        throw FlowException.argument("component " + cpn + " is dropped and has no data input to read from instead");
    }
}
