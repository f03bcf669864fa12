package io.fedflow.node.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The part of a model a node has loaded to serve, as persisted: the model's roles, the component models in
 * inference order and, at a host, the table its features are read from by id (empty elsewhere).
 */
public record LoadedPart(String modelId, String modelVersion, String role, String partyId, JsonNode roles,
                         List<ServedComponent> components, String featureNamespace, String featureName,
                         long createTime) {}
