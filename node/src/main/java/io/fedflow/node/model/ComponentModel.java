package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One model a component saved in a pipeline model: FATE's Param (the values) and Meta (how they were made).
 *
 * @param componentName the component in the DSL
 * @param modelName the name it saved the model under
 * @param module the component's module
 */
public record ComponentModel(String componentName, String modelName, String module, JsonNode param,
                             JsonNode meta) {}
