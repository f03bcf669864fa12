package io.fedflow.node.serving;

import static io.fedflow.node.store.generated.Tables.T_SERVING_BIND;
import static io.fedflow.node.store.generated.Tables.T_SERVING_MODEL;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.generated.tables.records.TServingModelRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/** The serving registry's rows: the model parts loaded at this node and the service ids bound to them. */
public final class ServingStore {
    private final DSLContext dsl;
    private final Clock clock;

    public ServingStore(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /** Saves a loaded part, replacing the one loaded before under the same key (a reload). */
    public LoadedPart save(TrainedModel model, String featureNamespace, String featureName) {
        long now = clock.millis();
        ArrayNode components = JsonNodeFactory.instance.arrayNode();
        for (ServedComponent c : model.components()) {
            ObjectNode o = components.addObject();
            o.put("component_name", c.componentName());
            o.put("module", c.module());
            o.set("param", c.param());
            o.set("meta", c.meta());
        }
        JSONB roles = JSONB.valueOf(model.roles().toString());
        dsl.insertInto(T_SERVING_MODEL)
                .set(T_SERVING_MODEL.F_MODEL_ID, model.modelId())
                .set(T_SERVING_MODEL.F_MODEL_VERSION, model.modelVersion())
                .set(T_SERVING_MODEL.F_ROLE, model.role())
                .set(T_SERVING_MODEL.F_PARTY_ID, model.partyId())
                .set(T_SERVING_MODEL.F_ROLES, roles)
                .set(T_SERVING_MODEL.F_COMPONENTS, JSONB.valueOf(components.toString()))
                .set(T_SERVING_MODEL.F_FEATURE_NAMESPACE, featureNamespace)
                .set(T_SERVING_MODEL.F_FEATURE_NAME, featureName)
                .set(T_SERVING_MODEL.F_CREATE_TIME, now)
                .onConflict(T_SERVING_MODEL.F_MODEL_ID, T_SERVING_MODEL.F_MODEL_VERSION, T_SERVING_MODEL.F_ROLE,
                        T_SERVING_MODEL.F_PARTY_ID)
                .doUpdate()
                .set(T_SERVING_MODEL.F_ROLES, roles)
                .set(T_SERVING_MODEL.F_COMPONENTS, JSONB.valueOf(components.toString()))
                .set(T_SERVING_MODEL.F_FEATURE_NAMESPACE, featureNamespace)
                .set(T_SERVING_MODEL.F_FEATURE_NAME, featureName)
                .set(T_SERVING_MODEL.F_CREATE_TIME, now)
                .execute();
        return new LoadedPart(model.modelId(), model.modelVersion(), model.role(), model.partyId(), model.roles(),
                model.components(), featureNamespace, featureName, now);
    }

    public Optional<LoadedPart> find(String modelId, String modelVersion, String role, String partyId) {
        return dsl.selectFrom(T_SERVING_MODEL)
                .where(T_SERVING_MODEL.F_MODEL_ID.eq(modelId), T_SERVING_MODEL.F_MODEL_VERSION.eq(modelVersion),
                        T_SERVING_MODEL.F_ROLE.eq(role), T_SERVING_MODEL.F_PARTY_ID.eq(partyId))
                .fetchOptional(ServingStore::part);
    }

    /** Removes a loaded part (and the service ids bound to it); whether there was one. */
    public boolean delete(String modelId, String modelVersion, String role, String partyId) {
        return dsl.deleteFrom(T_SERVING_MODEL)
                .where(T_SERVING_MODEL.F_MODEL_ID.eq(modelId), T_SERVING_MODEL.F_MODEL_VERSION.eq(modelVersion),
                        T_SERVING_MODEL.F_ROLE.eq(role), T_SERVING_MODEL.F_PARTY_ID.eq(partyId))
                .execute() > 0;
    }

    /** Binds {@code serviceId} to a loaded part, moving it from the part it named before. */
    public void bind(String serviceId, LoadedPart part) {
        dsl.insertInto(T_SERVING_BIND)
                .set(T_SERVING_BIND.F_SERVICE_ID, serviceId)
                .set(T_SERVING_BIND.F_MODEL_ID, part.modelId())
                .set(T_SERVING_BIND.F_MODEL_VERSION, part.modelVersion())
                .set(T_SERVING_BIND.F_ROLE, part.role())
                .set(T_SERVING_BIND.F_PARTY_ID, part.partyId())
                .set(T_SERVING_BIND.F_CREATE_TIME, clock.millis())
                .onConflict(T_SERVING_BIND.F_SERVICE_ID)
                .doUpdate()
                .set(T_SERVING_BIND.F_MODEL_ID, part.modelId())
                .set(T_SERVING_BIND.F_MODEL_VERSION, part.modelVersion())
                .set(T_SERVING_BIND.F_ROLE, part.role())
                .set(T_SERVING_BIND.F_PARTY_ID, part.partyId())
                .set(T_SERVING_BIND.F_CREATE_TIME, clock.millis())
                .execute();
    }

    /** The key (model id, version, role, party) of the part a service id is bound to. */
    public Optional<List<String>> bound(String serviceId) {
        return dsl.select(T_SERVING_BIND.F_MODEL_ID, T_SERVING_BIND.F_MODEL_VERSION, T_SERVING_BIND.F_ROLE,
                        T_SERVING_BIND.F_PARTY_ID)
                .from(T_SERVING_BIND).where(T_SERVING_BIND.F_SERVICE_ID.eq(serviceId))
                .fetchOptional(r -> List.of(r.value1(), r.value2(), r.value3(), r.value4()));
    }

    private static LoadedPart part(TServingModelRecord r) {
        List<ServedComponent> components = new ArrayList<>();
        for (JsonNode c : Json.parse(r.getFComponents().data())) {
            components.add(new ServedComponent(c.path("component_name").asText(), c.path("module").asText(),
                    c.path("param"), c.path("meta")));
        }
        return new LoadedPart(r.getFModelId(), r.getFModelVersion(), r.getFRole(), r.getFPartyId(),
                Json.parse(r.getFRoles().data()), List.copyOf(components), r.getFFeatureNamespace(),
                r.getFFeatureName(), r.getFCreateTime());
    }
}
