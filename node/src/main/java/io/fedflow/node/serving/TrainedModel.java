package io.fedflow.node.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One party's part of a trained model, as load reads it: the model's roles (role -> party ids), its component
 * models in inference order and, at a host, the table its Reader read in training (namespace and name, empty
 * when none ran there).
 */
public record TrainedModel(String modelId, String modelVersion, String role, String partyId, JsonNode roles,
                           List<ServedComponent> components, String readerNamespace, String readerName) {}
