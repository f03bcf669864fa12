package io.fedflow.node.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.MigrateSiteReply;
import io.fedflow.proto.v1.MigrateSiteRequest;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An execute party's side of a model migration (FATE's {@code /model/migrate/do}): its part of the model
 * re-issued under the new model id, version and party ids, saved next to the old one with the old version as
 * its parent; and taken back when another party of the same migration failed.
 */
public final class ModelMigrationSite {
    private final ModelRegistry registry;
    private final Clock clock;

    public ModelMigrationSite(ModelRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Saves the migrated model here. Refused when the model is not here (100), when {@code caller} is not one of
     * its parties (108), when its roles are not the request's {@code role} or the new party id is not the one
     * migrate_role pairs with it (101), and when the new version exists here (100).
     */
    public MigrateSiteReply migrate(MigrateSiteRequest r, String caller) {
        Map<String, List<String>> roles = PartyIdMapping.roles(json(r.getRolesJson(), "role"), "role");
        PartyIdMapping mapping = PartyIdMapping.of(roles,
                PartyIdMapping.roles(json(r.getMigrateRolesJson(), "migrate_role"), "migrate_role"));
        PipelineModel old = registry.require(r.getModelId(), r.getModelVersion(), r.getRole(), r.getPartyId());
        Map<String, List<String>> held = PartyIdMapping.roles(old.roles(), "the model's roles");
        requireParty(caller, held, r);
        if (!sameParties(held, roles)) {
            throw FlowException.argument("role " + roles + " is not the roles of model " + r.getModelId() + " "
                    + r.getModelVersion() + " here: " + held);
        }
        if (!r.getNewPartyId().equals(mapping.map(r.getRole(), r.getPartyId()))) {
            throw FlowException.argument("migrate_role pairs " + r.getRole() + " " + r.getPartyId() + " with "
                    + mapping.map(r.getRole(), r.getPartyId()) + ", not " + r.getNewPartyId());
        }
        long now = clock.millis();
        PipelineModel migrated = new PipelineModel(r.getNewModelId(), r.getNewModelVersion(), old.role(),
                r.getNewPartyId(), old.jobId(), old.modelVersion(), mapping.roleDict(old.roles()),
                r.getMigrateInitiatorRole(), r.getMigrateInitiatorPartyId(), old.trainDsl(), old.inferenceDsl(),
                conf(mapping, old.runtimeConf(), r), conf(mapping, old.trainRuntimeConf(), r), old.description(),
                now, now);
        List<ComponentModel> components = registry.components(old.modelId(), old.modelVersion(), old.role(),
                old.partyId()).stream()
                .map(c -> new ComponentModel(c.componentName(), c.modelName(), c.module(),
                        mapping.component(c.param(), old.role()), mapping.component(c.meta(), old.role())))
                .toList();
        registry.save(migrated, components, false);
        return MigrateSiteReply.newBuilder()
                .setRetmsg("Migrating model successfully. The configuration of model has been modified "
                        + "automatically. New model id is: " + migrated.modelId() + ", model version is: "
                        + migrated.modelVersion() + ".")
                .setPartyModelId(migrated.partyModelId()).setModelVersion(migrated.modelVersion()).build();
    }

    /**
     * Deletes what {@link #migrate} saved for the same request: the new model, if it is here and was migrated
     * from that version. Answers whether there was one.
     */
    public boolean undo(MigrateSiteRequest r, String caller) {
        Optional<PipelineModel> old = registry.find(r.getModelId(), r.getModelVersion(), r.getRole(), r.getPartyId());
        if (old.isEmpty()) {
            return false;
        }
        requireParty(caller, PartyIdMapping.roles(old.get().roles(), "the model's roles"), r);
        Optional<PipelineModel> made = registry.find(r.getNewModelId(), r.getNewModelVersion(), r.getRole(),
                r.getNewPartyId());
        if (made.isEmpty() || !made.get().parentVersion().equals(r.getModelVersion())) {
            return false;
        }
        return registry.delete(r.getNewModelId(), r.getNewModelVersion(), r.getRole(), r.getNewPartyId());
    }

    /**
     * Only a party of the model may have it re-issued here; {@code caller} is the verified calling site, or
     * null for this site's own part (the client port authenticates its callers itself).
     */
    private static void requireParty(String caller, Map<String, List<String>> held, MigrateSiteRequest r) {
        if (caller != null && held.values().stream().noneMatch(ids -> ids.contains(caller))) {
            throw new FlowException(RetCode.PERMISSION_ERROR, "party " + caller + " is not a party of model "
                    + r.getModelId() + " " + r.getModelVersion() + ": only its parties may migrate it");
        }
    }

    private static JsonNode conf(PartyIdMapping mapping, JsonNode conf, MigrateSiteRequest r) {
        return mapping.runtimeConf(conf, r.getMigrateInitiatorRole(), r.getMigrateInitiatorPartyId(),
                r.getNewModelId(), r.getNewModelVersion());
    }

    private static boolean sameParties(Map<String, List<String>> a, Map<String, List<String>> b) {
        return a.keySet().equals(b.keySet()) && a.keySet().stream()
                .allMatch(role -> new HashSet<>(a.get(role)).equals(new HashSet<>(b.get(role))));
    }

    private static JsonNode json(String text, String field) {
        try {
            return FateJson.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw FlowException.argument(field + " is not JSON: " + e.getOriginalMessage());
        }
    }
}
