package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.MigrateSiteReply;
import io.fedflow.proto.v1.MigrateSiteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * FATE's {@code /v1/model/migrate} at the party that receives it: checks the conf, then asks each execute
 * party to re-issue its part of the model under the new party ids (a new model id built from migrate_role,
 * the new version shared by all). A party that fails fails the migration: what the others saved is deleted.
 */
public final class ModelMigration {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_VERSION_LENGTH = 100;

    /** The execute parties, at this site or over the signed site port. */
    public interface Sites {
        MigrateSiteReply migrate(String partyId, MigrateSiteRequest request);

        void undo(String partyId, MigrateSiteRequest request);
    }

    /** FATE's migrate conf as it came; a field that was not sent is null. */
    public record Request(JsonNode migrateInitiator, JsonNode role, JsonNode migrateRole, String modelId,
                          String modelVersion, JsonNode executeParty, JsonNode jobParameters,
                          String unifyModelVersion) {}

    /** FATE's answer: the migration's job id and, per role and party, the retcode and the party's retmsg. */
    public record Outcome(String jobId, JsonNode data) {}

    private record Asked(String role, String partyId, MigrateSiteRequest request) {}

    private final Sites sites;
    private final Supplier<String> jobIds;

    public ModelMigration(Sites sites, Supplier<String> jobIds) {
        this.sites = sites;
        this.jobIds = jobIds;
    }

    public Outcome migrate(Request r) {
        requireFields(r);
        Map<String, List<String>> roles = PartyIdMapping.roles(r.role(), "role");
        Map<String, List<String>> migrateRoles = PartyIdMapping.roles(r.migrateRole(), "migrate_role");
        PartyIdMapping mapping = PartyIdMapping.of(roles, migrateRoles);
        if (mapping.identity()) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, "The config of previous roles is the same with that of "
                    + "migrate roles. There is no need to migrate model. Migration process aborting.");
        }
        String initiatorRole = r.migrateInitiator().path("role").asText("");
        String initiatorParty = r.migrateInitiator().path("party_id").asText("");
        if (!migrateRoles.getOrDefault(initiatorRole, List.of()).contains(initiatorParty)) {
            throw FlowException.argument("migrate_initiator " + r.migrateInitiator() + " is not a party of "
                    + "migrate_role " + migrateRoles);
        }
        Map<String, List<String>> execute = PartyIdMapping.roles(r.executeParty(), "execute_party");
        execute.forEach((role, ids) -> ids.forEach(id -> {
            if (mapping.map(role, id) == null) {
                throw FlowException.argument("execute_party: party " + id + " is not a " + role + " of the model "
                        + "(role " + roles + ")");
            }
        }));
        String jobId = jobIds.get();
        String version = r.unifyModelVersion() == null || r.unifyModelVersion().isBlank() ? jobId
                : r.unifyModelVersion();
        if (version.length() > MAX_VERSION_LENGTH) {
            throw FlowException.argument("unify_model_version is longer than " + MAX_VERSION_LENGTH + " characters");
        }
        MigrateSiteRequest.Builder common = MigrateSiteRequest.newBuilder().setModelId(r.modelId())
                .setModelVersion(r.modelVersion()).setNewModelId(PartyIdMapping.modelId(migrateRoles))
                .setNewModelVersion(version).setRolesJson(r.role().toString())
                .setMigrateRolesJson(r.migrateRole().toString()).setMigrateInitiatorRole(initiatorRole)
                .setMigrateInitiatorPartyId(initiatorParty);
        ObjectNode data = NODES.objectNode();
        ObjectNode detail = data.putObject("detail");
        List<Asked> done = new ArrayList<>();
        execute.forEach((role, ids) -> {
            for (String id : ids) {
                Asked asked = new Asked(role, id, common.clone().setRole(role).setPartyId(id)
                        .setNewPartyId(mapping.map(role, id)).build());
                MigrateSiteReply reply;
                try {
                    reply = sites.migrate(id, asked.request());
                } catch (FlowException e) {
                    if (mayHaveSaved(e)) {
                        done.add(asked);
                    }
                    throw FlowException.withRetcode(e.retcode(), e.kind(), "migrate failed at " + role + " " + id
                            + ": " + e.getMessage() + undo(done));
                }
                done.add(asked);
                detail.with(role).putObject(id).put("retcode", 0).put("retmsg", reply.getRetmsg());
                data.with(role).put(id, 0);
            }
        });
        return new Outcome(jobId, data);
    }

    /**
     * Whether a party that failed may still have saved: it was not reached, or did not answer in time. A party
     * that refused saved nothing (its save is one transaction), and may hold the new version from before.
     */
    private static boolean mayHaveSaved(FlowException e) {
        return e.retCode() == RetCode.FEDERATED_ERROR || e.retCode() == RetCode.CONNECTION_ERROR;
    }

    /** Takes back what the parties asked so far saved. */
    private String undo(List<Asked> done) {
        List<String> failures = new ArrayList<>();
        for (Asked a : done) {
            try {
                sites.undo(a.partyId(), a.request());
            } catch (FlowException e) {
                failures.add(a.role() + " " + a.partyId() + " (" + e.getMessage() + ")");
            }
        }
        return failures.isEmpty() ? "; nothing was kept at any party"
                : "; the migrated model could not be deleted at " + String.join(", ", failures);
    }

    private static void requireFields(Request r) {
        List<String> missing = new ArrayList<>();
        check(missing, "migrate_initiator", r.migrateInitiator());
        check(missing, "role", r.role());
        check(missing, "migrate_role", r.migrateRole());
        if (r.modelId() == null || r.modelId().isBlank()) {
            missing.add("model_id");
        }
        if (r.modelVersion() == null || r.modelVersion().isBlank()) {
            missing.add("model_version");
        }
        check(missing, "execute_party", r.executeParty());
        if (r.jobParameters() == null) {
            missing.add("job_parameters");
        }
        if (!missing.isEmpty()) {
            throw FlowException.argument("required argument are missing: " + String.join(",", missing) + "; ");
        }
    }

    private static void check(List<String> missing, String field, JsonNode value) {
        if (value == null || !value.isObject() || value.isEmpty()) {
            missing.add(field);
        }
    }
}
