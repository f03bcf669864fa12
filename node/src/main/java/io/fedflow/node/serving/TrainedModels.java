package io.fedflow.node.serving;

import java.util.Optional;

/**
 * Where load reads a trained model's parts at this node. One interface so that the source can change (today
 * the successful train job and its component models; the model registry once it holds them).
 */
public interface TrainedModels {
    /** The part of that model this node holds for {@code role} and {@code partyId}. */
    Optional<TrainedModel> find(String modelId, String modelVersion, String role, String partyId);

    /** The model id of the model a train job made (its version is the job id), if the job succeeded here. */
    Optional<String> modelIdOf(String jobId);
}
