package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * FATE's /v1/model/query and /v1/model/query/detail over the models this node holds. Nothing found is retcode
 * 100, as FATE answers; a missing field or an unknown field in {@code query_filters} is 101.
 */
public final class ModelQueries {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** FATE's date columns as its JSON shows them, in UTC. */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    /** The row fields a query answers, by FATE's column name, in FATE's order. */
    private final Map<String, Function<PipelineModel, JsonNode>> fields = fields();

    private final ModelRegistry registry;

    public ModelQueries(ModelRegistry registry) {
        this.registry = registry;
    }

    /** The filters a query reads; an empty string does not filter. */
    public record Filters(String modelId, String modelVersion, String role, String partyId, String jobId) {}

    public ModelAnswer query(Filters filters, List<String> queryFilters) {
        List<String> columns = columns(queryFilters);
        List<PipelineModel> rows = registry.search(filters.modelId(), filters.modelVersion(), filters.role(),
                filters.partyId(), filters.jobId());
        if (rows.isEmpty()) {
            throw notFound("No model found: " + describe(filters) + ".");
        }
        ArrayNode data = NODES.arrayNode();
        for (PipelineModel row : rows) {
            ObjectNode out = data.addObject();
            columns.forEach(c -> out.set(c, fields.get(c).apply(row)));
        }
        return new ModelAnswer("success", data);
    }

    /** The model's configuration; inference_* stay empty until the model is deployed. */
    public ModelAnswer detail(String modelId, String modelVersion) {
        requireField("model_id", modelId);
        requireField("model_version", modelVersion);
        List<PipelineModel> rows = registry.versions(modelId, modelVersion);
        if (rows.isEmpty()) {
            throw notFound("No model found: model_id '" + modelId + "', model_version '" + modelVersion + "'.");
        }
        // every role and party of one version share the DSLs and the runtime conf
        PipelineModel row = rows.get(0);
        ObjectNode data = NODES.objectNode();
        data.set("runtime_conf", row.runtimeConf());
        data.set("dsl", row.trainDsl());
        data.set("inference_dsl", row.inferenceDsl());
        data.set("component_info", componentInfo(row.trainDsl()));
        data.set("inference_component_info", componentInfo(row.inferenceDsl()));
        return new ModelAnswer("success", data);
    }

    /** The components of a DSL: {@code [{name, module}]}. */
    private static ArrayNode componentInfo(JsonNode dsl) {
        ArrayNode info = NODES.arrayNode();
        dsl.path("components").fields().forEachRemaining(c -> info.addObject()
                .put("name", c.getKey()).put("module", c.getValue().path("module").asText()));
        return info;
    }

    private List<String> columns(List<String> queryFilters) {
        if (queryFilters.isEmpty()) {
            return List.copyOf(fields.keySet());
        }
        List<String> columns = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String name : queryFilters) {
            String column = name.startsWith("f_") ? name : "f_" + name;
            if (fields.containsKey(column)) {
                columns.add(column);
            } else {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw FlowException.argument("query_filters has unknown fields " + unknown + "; known: "
                    + fields.keySet());
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
        return parts.isEmpty() ? "no model at this node" : String.join(", ", parts.stream().sorted()
                .toList());
    }

    private Map<String, Function<PipelineModel, JsonNode>> fields() {
        Map<String, Function<PipelineModel, JsonNode>> f = new LinkedHashMap<>();
        f.put("f_model_id", r -> NODES.textNode(r.modelId()));
        f.put("f_model_version", r -> NODES.textNode(r.modelVersion()));
        f.put("f_role", r -> NODES.textNode(r.role()));
        f.put("f_party_id", r -> NODES.textNode(r.partyId()));
        f.put("f_job_id", r -> NODES.textNode(r.jobId()));
        f.put("f_roles", PipelineModel::roles);
        f.put("f_initiator_role", r -> NODES.textNode(r.initiatorRole()));
        f.put("f_initiator_party_id", r -> NODES.textNode(r.initiatorPartyId()));
        f.put("f_runtime_conf", PipelineModel::runtimeConf);
        f.put("f_train_dsl", PipelineModel::trainDsl);
        f.put("f_train_runtime_conf", PipelineModel::trainRuntimeConf);
        f.put("f_inference_dsl", PipelineModel::inferenceDsl);
        // FATE's parent is the trained model; a deployed (or migrated, imported) version names where it came from
        f.put("f_parent", r -> NODES.booleanNode(r.parentVersion().isEmpty()));
        f.put("f_parent_info", r -> r.parentVersion().isEmpty() ? NODES.objectNode()
                : NODES.objectNode().put("parent_version", r.parentVersion()));
        f.put("f_job_status", r -> NODES.textNode(registry.jobStatus(r)));
        f.put("f_description", r -> NODES.textNode(r.description()));
        f.put("f_create_time", r -> NODES.numberNode(r.createTime()));
        f.put("f_update_time", r -> NODES.numberNode(r.updateTime()));
        // the rest of the 11 fields FATE's `flow model get-model-info` asks for
        f.put("f_create_date", r -> NODES.textNode(DATE.format(Instant.ofEpochMilli(r.createTime()))));
        f.put("f_loaded_times", r -> NODES.numberNode(0)); // no model is loaded into a serving registry here yet
        f.put("f_size", r -> NODES.numberNode(registry.size(r)));
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
