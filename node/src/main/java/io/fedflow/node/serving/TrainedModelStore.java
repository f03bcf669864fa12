package io.fedflow.node.serving;

import static io.fedflow.node.store.generated.Tables.T_COMPONENT_MODEL;
import static io.fedflow.node.store.generated.Tables.T_JOB;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * Trained models read from their train job until the model registry holds them: a model's version is the id
 * of a job that succeeded here, its parts the component models the job's tasks saved at each role and party.
 */
public final class TrainedModelStore implements TrainedModels {
    private static final String SUCCESS = "success";
    private static final String MODEL_NAME = "model";

    private final DSLContext dsl;

    public TrainedModelStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public Optional<TrainedModel> find(String modelId, String modelVersion, String role, String partyId) {
        Record job = dsl.select(T_JOB.F_DSL, T_JOB.F_ROLES, T_JOB.F_RUNTIME_CONF_ON_PARTY).from(T_JOB)
                .where(T_JOB.F_JOB_ID.eq(modelVersion), T_JOB.F_ROLE.eq(role), T_JOB.F_PARTY_ID.eq(partyId),
                        T_JOB.F_STATUS.eq(SUCCESS))
                .fetchOne();
        if (job == null) {
            return Optional.empty();
        }
        JsonNode conf = Json.parse(job.get(T_JOB.F_RUNTIME_CONF_ON_PARTY).data());
        if (!modelId.equals(modelIdOf(conf))) {
            return Optional.empty();
        }
        JsonNode dsl = Json.parse(job.get(T_JOB.F_DSL).data());
        JsonNode roles = Json.parse(job.get(T_JOB.F_ROLES).data());
        Map<String, ServedComponent> saved = new LinkedHashMap<>();
        this.dsl.selectFrom(T_COMPONENT_MODEL)
                .where(T_COMPONENT_MODEL.F_JOB_ID.eq(modelVersion), T_COMPONENT_MODEL.F_ROLE.eq(role),
                        T_COMPONENT_MODEL.F_PARTY_ID.eq(partyId), T_COMPONENT_MODEL.F_MODEL_NAME.eq(MODEL_NAME))
                .forEach(r -> saved.put(r.getFComponentName(), new ServedComponent(r.getFComponentName(),
                        r.getFModule(), Json.parse(r.getFParam().data()), Json.parse(r.getFMeta().data()))));
        List<ServedComponent> components = new ArrayList<>();
        for (String name : InferenceOrder.of(dsl)) {
            if (saved.containsKey(name)) {
                components.add(saved.get(name));
            }
        }
        String[] reader = readerTable(dsl, conf, roles, role, partyId);
        return Optional.of(new TrainedModel(modelId, modelVersion, role, partyId, roles, List.copyOf(components),
                reader[0], reader[1]));
    }

    @Override
    public Optional<String> modelIdOf(String jobId) {
        return dsl.select(T_JOB.F_RUNTIME_CONF_ON_PARTY).from(T_JOB)
                .where(T_JOB.F_JOB_ID.eq(jobId), T_JOB.F_STATUS.eq(SUCCESS)).limit(1)
                .fetchOptional(r -> modelIdOf(Json.parse(r.value1().data())));
    }

    private static String modelIdOf(JsonNode conf) {
        JsonNode params = conf.path("job_parameters");
        String id = params.path("common").path("model_id").asText("");
        return id.isEmpty() ? params.path("model_id").asText("") : id;
    }

    /**
     * The table the Reader read at this role and party: its role parameters (by the party's index among the
     * role's parties), else the common ones; empty when no Reader ran here.
     */
    private static String[] readerTable(JsonNode dsl, JsonNode conf, JsonNode roles, String role, String partyId) {
        int index = 0;
        JsonNode parties = roles.path(role);
        for (int i = 0; i < parties.size(); i++) {
            if (parties.get(i).asText().equals(partyId)) {
                index = i;
            }
        }
        JsonNode params = conf.path("component_parameters");
        for (var it = dsl.path("components").fields(); it.hasNext(); ) {
            var c = it.next();
            if (!"Reader".equals(c.getValue().path("module").asText())) {
                continue;
            }
            JsonNode table = params.path("role").path(role).path(Integer.toString(index)).path(c.getKey())
                    .path("table");
            if (table.isMissingNode()) {
                table = params.path("common").path(c.getKey()).path("table");
            }
            if (table.isObject()) {
                return new String[] {table.path("namespace").asText(""), table.path("name").asText("")};
            }
        }
        return new String[] {"", ""};
    }
}
