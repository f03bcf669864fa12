package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;

/** One role and party of a successfully finished job at this node: a model version as FATE lists it. */
public record ModelRow(String jobId, String role, String partyId, JsonNode roles, String initiatorRole,
        String initiatorPartyId, JsonNode dsl, JsonNode runtimeConf, JsonNode trainRuntimeConf, String status,
        String description, long createTime, long updateTime) {}
