package io.fedflow.node.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * What the board shows of a component's model, read from the model's Param as tracking answers it: an LR's
 * weights and intercept (and an arbiter's loss history), a binning's IV and WOE per feature at every party
 * it knows, a selection's kept and dropped columns per filter. A part the model does not have is left out.
 */
final class ModelSummary {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ModelSummary() {}

    /** @param param the model's Param, or null when the component saved none */
    static ObjectNode of(String module, JsonNode param) {
        ObjectNode out = F.objectNode();
        out.put("module", module);
        out.put("has_model", param != null && param.isObject() && !param.isEmpty());
        if (param == null || !param.isObject()) {
            return out;
        }
        if (param.path("weight").isObject()) {
            out.set("weights", param.get("weight"));
            if (param.has("intercept")) {
                out.set("intercept", param.get("intercept"));
            }
        }
        copy(param, out, "iters");
        copy(param, out, "is_converged");
        copy(param, out, "loss_history");
        JsonNode binning = param.path("binning_result");
        if (binning.isObject()) {
            ArrayNode features = out.putArray("binning");
            binning(features, binning);
            param.path("host_results").forEach(h -> binning(features, h));
        }
        if (param.path("results").isArray() && param.has("final_left_cols")) {
            ArrayNode filters = out.putArray("selection");
            param.get("results").forEach(r -> {
                ObjectNode f = leftCols(r.path("left_cols"));
                f.put("filter", r.path("filter_name").asText());
                filters.add(f);
            });
            out.set("selected", leftCols(param.get("final_left_cols")));
        }
        return out;
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field));
        }
    }

    /** One party's binning result: {role, party_id, binning_result: {feature: {iv, woe_array, ...}}}. */
    private static void binning(ArrayNode features, JsonNode result) {
        Iterator<Map.Entry<String, JsonNode>> it = result.path("binning_result").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode f = e.getValue();
            ObjectNode one = features.addObject();
            one.put("role", result.path("role").asText());
            one.put("party_id", result.path("party_id").asText());
            one.put("feature", e.getKey());
            copy(f, one, "iv");
            one.set("woe", f.path("woe_array").isArray() ? f.get("woe_array") : F.arrayNode());
            copy(f, one, "split_points");
            copy(f, one, "bin_nums");
            copy(f, one, "event_count_array");
            copy(f, one, "non_event_count_array");
        }
    }

    /** {kept: [...], dropped: [...]} of a {left_cols: {column: kept?}}. */
    private static ObjectNode leftCols(JsonNode leftCols) {
        ObjectNode out = F.objectNode();
        ArrayNode kept = out.putArray("kept");
        ArrayNode dropped = out.putArray("dropped");
        leftCols.path("left_cols").fields().forEachRemaining(e -> (e.getValue().asBoolean() ? kept : dropped)
                .add(e.getKey()));
        return out;
    }
}
