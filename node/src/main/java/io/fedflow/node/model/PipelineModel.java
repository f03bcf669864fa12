package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One pipeline model as this node holds it for one role and party: FATE's model info row.
 *
 * @param modelId FATE's model id, built from the roles ({@code arbiter-10000#guest-9999#host-10000#model})
 * @param modelVersion the train job id for a trained model; a new version for a deployed, imported or migrated one
 * @param role the role this party plays in the model
 * @param partyId the party
 * @param jobId the train job whose components made it
 * @param parentVersion empty for a trained model; the version it came from otherwise
 * @param roles every role's parties, as in the runtime conf
 * @param trainDsl the train job's DSL
 * @param inferenceDsl the DSL a predict job runs: empty until the model is deployed
 */
public record PipelineModel(String modelId, String modelVersion, String role, String partyId, String jobId,
                            String parentVersion, JsonNode roles, String initiatorRole, String initiatorPartyId,
                            JsonNode trainDsl, JsonNode inferenceDsl, JsonNode runtimeConf,
                            JsonNode trainRuntimeConf, String description, long createTime, long updateTime) {

    /** FATE's party model id: {@code guest#9999#<model id>}. */
    public String partyModelId() {
        return role + "#" + partyId + "#" + modelId;
    }

    /** Whether a deploy made it (FATE's child model): it has an inference DSL. */
    public boolean deployed() {
        return inferenceDsl != null && inferenceDsl.path("components").size() > 0;
    }
}
