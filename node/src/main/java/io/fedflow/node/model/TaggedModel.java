package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;

/** A model version carrying a tag, as this node holds it: the job id, one role and party, the job's roles. */
public record TaggedModel(String modelVersion, String role, String partyId, JsonNode roles) {}
