package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * FATE's /v1/model/get/predict/dsl and /v1/model/get/predict/conf: a model's inference DSL (empty until it is
 * deployed) and the predict conf template built from its train runtime conf. No such model is FATE's retcode
 * 210 (its HTTP 210 on the file form).
 */
public final class PredictFiles {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The roles whose model FATE reads: a predicting party's (Fedflow's local jobs too), never the arbiter's. */
    private static final List<String> PREDICTING = List.of("guest", "host", "local");

    private final ModelRegistry registry;

    public PredictFiles(ModelRegistry registry) {
        this.registry = registry;
    }

    public JsonNode predictDsl(String modelId, String modelVersion) {
        return predicting(modelId, modelVersion).inferenceDsl();
    }

    /**
     * FATE's generate_predict_conf_template (DSL v2): the train conf's initiator, roles and job parameters with
     * job_type predict and this model's id and version, and for each predicting role and party a table to fill
     * in for every Reader of the inference DSL.
     */
    public JsonNode predictConf(String modelId, String modelVersion) {
        PipelineModel model = predicting(modelId, modelVersion);
        // the conf the train job was submitted with (a model made before train confs were kept has it as runtime conf)
        JsonNode train = model.trainRuntimeConf().path("role").isObject() ? model.trainRuntimeConf()
                : model.runtimeConf();
        ObjectNode conf = NODES.objectNode();
        conf.put("dsl_version", 2);
        conf.set("role", train.path("role").isObject() ? train.path("role").deepCopy() : model.roles().deepCopy());
        conf.set("initiator", train.path("initiator").isObject() ? train.path("initiator").deepCopy()
                : NODES.objectNode().put("role", model.initiatorRole()).put("party_id", model.initiatorPartyId()));
        ObjectNode params = train.path("job_parameters").isObject() ? train.path("job_parameters").deepCopy()
                : NODES.objectNode();
        conf.set("job_parameters", params);
        params.with("common").put("model_id", modelId).put("model_version", modelVersion).put("job_type", "predict");
        List<String> readers = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.inferenceDsl().path("components").fields();
             it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            if (c.getValue().path("module").asText().equals("Reader")) {
                readers.add(c.getKey());
            }
        }
        ObjectNode byRole = conf.putObject("component_parameters").putObject("role");
        for (Iterator<Map.Entry<String, JsonNode>> it = conf.path("role").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> role = it.next();
            if (!PREDICTING.contains(role.getKey())) {
                continue;
            }
            ObjectNode parties = byRole.putObject(role.getKey());
            for (int i = 0; i < role.getValue().size(); i++) {
                ObjectNode fill = parties.putObject(String.valueOf(i));
                for (int r = 0; r < readers.size(); r++) {
                    fill.putObject(readers.get(r)).putObject("table").put("name", "name_to_be_filled_" + r)
                            .put("namespace", "namespace_to_be_filled_" + r);
                }
            }
        }
        return conf;
    }

    /** The model at a predicting role (guest first, as FATE reads the guest's), or FATE's 210. */
    private PipelineModel predicting(String modelId, String modelVersion) {
        requireField("model_id", modelId);
        requireField("model_version", modelVersion);
        List<PipelineModel> rows = registry.versions(modelId, modelVersion);
        if (rows.isEmpty()) {
            throw new FlowException(RetCode.NO_DATA, "No model found, please check if arguments are specified "
                    + "correctly: model_id '" + modelId + "', model_version '" + modelVersion + "'.");
        }
        for (String role : PREDICTING) {
            Optional<PipelineModel> m = rows.stream().filter(r -> r.role().equals(role)).findFirst();
            if (m.isPresent()) {
                return m.get();
            }
        }
        throw new FlowException(RetCode.NO_DATA, "can not found guest or host model, please get predict dsl on "
                + "guest or host: this node holds model_id '" + modelId + "', model_version '" + modelVersion
                + "' as " + Set.copyOf(rows.stream().map(PipelineModel::role).toList()) + " only.");
    }

    private static void requireField(String field, String value) {
        if (value == null || value.isBlank()) {
            throw FlowException.argument("required argument are missing: " + field);
        }
    }
}
