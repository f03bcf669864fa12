package io.fedflow.node.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One model of one checkpoint: what the component's task had after iteration {@code stepIndex}, as the Param
 * and Meta JSON it saves for its final model under the same {@code modelName} and {@code module}.
 *
 * @param createTime when it was saved, epoch milliseconds
 */
public record CheckpointModel(int stepIndex, String stepName, String modelName, String module, JsonNode param,
                              JsonNode meta, long createTime) {}
