package io.fedflow.node.job;

import io.fedflow.node.component.ModelInput;
import java.util.List;

/**
 * The pipeline models this node holds, as the job core needs them: a train job that succeeds here becomes
 * one, and a predict job reads its components' models from one. The model domain implements it; the job
 * core knows no more of models than this.
 */
public interface PipelineModels {
    /** Records a job that succeeded here as a model, when it is a train job. */
    void recordTrained(String jobId);

    /** Whether this node holds {@code modelVersion} of {@code modelId} at any role. */
    boolean holds(String modelId, String modelVersion);

    /**
     * The models {@code component} saved in a model at one role and party; empty when it saved none (or the
     * node does not hold the model).
     */
    List<ModelInput> componentModels(String modelId, String modelVersion, String role, String partyId,
                                     String component);
}
