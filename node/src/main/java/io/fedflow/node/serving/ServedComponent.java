package io.fedflow.node.serving;

import com.fasterxml.jackson.databind.JsonNode;

/** One component model of a loaded model: what its component saved in training (FATE's Param and Meta). */
public record ServedComponent(String componentName, String module, JsonNode param, JsonNode meta) {}
