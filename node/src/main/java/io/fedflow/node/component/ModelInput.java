package io.fedflow.node.component;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A model an upstream component saved: FATE's Param (the values) and Meta (how they were made).
 *
 * @param component the upstream component's name
 * @param module its module
 * @param param the model's values
 * @param meta the model's settings
 */
public record ModelInput(String component, String module, JsonNode param, JsonNode meta) {}
