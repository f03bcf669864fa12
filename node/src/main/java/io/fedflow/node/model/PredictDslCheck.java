package io.fedflow.node.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.FateJson;
import java.util.Iterator;
import java.util.Map;

/**
 * A predict DSL given to deploy (FATE's {@code predict_dsl}, or {@code dsl} from the CLI as JSON text) checked
 * against the model's train DSL: every component is one of the train DSL's with the same module (a Reader may
 * be new: it reads the data to predict), model inputs name trained components, data inputs components of the
 * predict DSL. Every refusal is retcode 101 naming the component.
 */
final class PredictDslCheck {
    private PredictDslCheck() {}

    static JsonNode check(JsonNode given, JsonNode trainDsl) {
        JsonNode dsl = given;
        if (given.isTextual()) {
            try {
                dsl = FateJson.MAPPER.readTree(given.asText());
            } catch (JsonProcessingException e) {
                throw FlowException.argument("predict_dsl is not valid JSON: " + e.getOriginalMessage());
            }
        }
        JsonNode cpns = dsl == null ? null : dsl.path("components");
        if (cpns == null || !cpns.isObject() || cpns.isEmpty()) {
            throw FlowException.argument("predict_dsl must be a DSL with components");
        }
        JsonNode trained = trainDsl.path("components");
        for (Iterator<Map.Entry<String, JsonNode>> it = cpns.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String module = e.getValue().path("module").asText("");
            if (module.isEmpty()) {
                throw FlowException.argument("predict_dsl component " + name + " has no module");
            }
            JsonNode train = trained.path(name);
            if (train.isMissingNode() && !module.equals("Reader")) {
                throw FlowException.argument("predict_dsl component " + name + " is not in the model's train DSL");
            }
            if (!train.isMissingNode() && !train.path("module").asText().equals(module)) {
                throw FlowException.argument("predict_dsl component " + name + " has module " + module
                        + ", the train DSL's " + name + " is " + train.path("module").asText());
            }
            JsonNode input = e.getValue().path("input");
            for (JsonNode ref : input.path("model")) {
                String[] parts = ref.asText().split("\\.");
                if (parts.length < 2 || !parts[0].equals("pipeline") || !trained.has(parts[1])) {
                    throw FlowException.argument("predict_dsl component " + name + " reads model " + ref.asText()
                            + ": a model input is pipeline.<trained component>.model");
                }
            }
            for (Iterator<JsonNode> data = input.path("data").elements(); data.hasNext(); ) {
                for (JsonNode ref : data.next()) {
                    String upstream = ref.asText().split("\\.")[0];
                    if (!cpns.has(upstream)) {
                        throw FlowException.argument("predict_dsl component " + name + " reads data "
                                + ref.asText() + ", but " + upstream + " is not in predict_dsl");
                    }
                }
            }
        }
        return dsl;
    }
}
