package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * FATE's /v1/model/query and /v1/model/query/detail over the jobs that finished successfully at this node. Nothing
 * found is retcode 100, as FATE answers; a missing field or an unknown field in {@code query_filters} is 101.
 */
public final class ModelQueries {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The row fields a query answers, by FATE's column name, in FATE's order. */
    private static final Map<String, Function<ModelRow, JsonNode>> FIELDS = fields();

    private final ModelStore store;

    public ModelQueries(ModelStore store) {
        this.store = store;
    }

    /** The filters a query reads; an empty string does not filter. */
    public record Filters(String modelId, String modelVersion, String role, String partyId, String jobId) {}

    public ModelAnswer query(Filters filters, List<String> queryFilters) {
        List<String> columns = columns(queryFilters);
        List<ModelRow> rows = matching(filters);
        if (rows.isEmpty()) {
            throw notFound("No model found: " + describe(filters) + ".");
        }
        ArrayNode data = NODES.arrayNode();
        for (ModelRow row : rows) {
            ObjectNode out = data.addObject();
            columns.forEach(c -> out.set(c, FIELDS.get(c).apply(row)));
        }
        return new ModelAnswer("success", data);
    }

    /** The model's configuration; inference_* stay empty until models can be deployed. */
    public ModelAnswer detail(String modelId, String modelVersion) {
        requireField("model_id", modelId);
        requireField("model_version", modelVersion);
        List<ModelRow> rows = matching(new Filters(modelId, modelVersion, "", "", ""));
        if (rows.isEmpty()) {
            throw notFound("No model found: model_id '" + modelId + "', model_version '" + modelVersion + "'.");
        }
        ModelRow row = rows.get(0);
        ObjectNode data = NODES.objectNode();
        data.set("runtime_conf", row.runtimeConf());
        data.set("dsl", row.dsl());
        data.putObject("inference_dsl");
        data.set("component_info", componentInfo(row.dsl()));
        data.putArray("inference_component_info");
        return new ModelAnswer("success", data);
    }

    private List<ModelRow> matching(Filters f) {
        String jobId = f.jobId().isEmpty() ? f.modelVersion() : f.jobId();
        if (!f.jobId().isEmpty() && !f.modelVersion().isEmpty() && !f.jobId().equals(f.modelVersion())) {
            return List.of();
        }
        return store.find(jobId, f.role(), f.partyId()).stream()
                .filter(r -> f.modelId().isEmpty() || f.modelId().equals(ModelTags.modelId(r.roles())))
                .toList();
    }

    /** The components of the training DSL: {@code [{name, module}]}. */
    private static ArrayNode componentInfo(JsonNode dsl) {
        ArrayNode info = NODES.arrayNode();
        dsl.path("components").fields().forEachRemaining(c -> info.addObject()
                .put("name", c.getKey()).put("module", c.getValue().path("module").asText()));
        return info;
    }

    private static List<String> columns(List<String> queryFilters) {
        if (queryFilters.isEmpty()) {
            return List.copyOf(FIELDS.keySet());
        }
        List<String> columns = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String name : queryFilters) {
            String column = name.startsWith("f_") ? name : "f_" + name;
            if (FIELDS.containsKey(column)) {
                columns.add(column);
            } else {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw FlowException.argument("query_filters has unknown fields " + unknown + "; known: "
                    + FIELDS.keySet());
        }
        return columns;
    }

    private static String describe(Filters f) {
        List<String> parts = new ArrayList<>();
        Map.of("model_id", f.modelId(), "model_version", f.modelVersion(), "role", f.role(), "party_id",
                f.partyId(), "job_id", f.jobId()).forEach((k, v) -> {
                    if (!v.isEmpty()) {
                        parts.add(k + " '" + v + "'");
                    }
                });
        return parts.isEmpty() ? "no successful job at this node" : String.join(", ", parts.stream().sorted()
                .toList());
    }

    private static Map<String, Function<ModelRow, JsonNode>> fields() {
        Map<String, Function<ModelRow, JsonNode>> f = new LinkedHashMap<>();
        f.put("f_model_id", r -> NODES.textNode(ModelTags.modelId(r.roles())));
        f.put("f_model_version", r -> NODES.textNode(r.jobId()));
        f.put("f_role", r -> NODES.textNode(r.role()));
        f.put("f_party_id", r -> NODES.textNode(r.partyId()));
        f.put("f_job_id", r -> NODES.textNode(r.jobId()));
        f.put("f_roles", ModelRow::roles);
        f.put("f_initiator_role", r -> NODES.textNode(r.initiatorRole()));
        f.put("f_initiator_party_id", r -> NODES.textNode(r.initiatorPartyId()));
        f.put("f_runtime_conf", ModelRow::runtimeConf);
        f.put("f_train_dsl", ModelRow::dsl);
        f.put("f_train_runtime_conf", ModelRow::trainRuntimeConf);
        f.put("f_job_status", r -> NODES.textNode(r.status()));
        f.put("f_description", r -> NODES.textNode(r.description()));
        f.put("f_create_time", r -> NODES.numberNode(r.createTime()));
        f.put("f_update_time", r -> NODES.numberNode(r.updateTime()));
        return Collections.unmodifiableMap(f);
    }

    private static void requireField(String field, String value) {
        if (value == null || value.isBlank()) {
            throw FlowException.argument("required argument are missing: " + field);
        }
    }

    private static FlowException notFound(String message) {
        return new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND, message, null);
    }
}
