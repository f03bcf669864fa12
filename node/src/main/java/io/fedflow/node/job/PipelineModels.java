package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.ModelInput;
import java.util.List;
import java.util.Optional;

/**
 * The pipeline models this node holds, as the job core needs them: a predict job reads its components' models
 * from one. (A train job that succeeds here becomes one in the transaction of its success: see
 * {@link JobStore.SuccessRecord}.) The model domain implements it; the job core knows no more of models than this.
 */
public interface PipelineModels {
    /** Whether this node holds {@code modelVersion} of {@code modelId} at any role. */
    boolean holds(String modelId, String modelVersion);

    /**
     * The inference DSL of a deployed model version, which a predict job submitted without a DSL runs; empty
     * when this node does not hold the version or it was never deployed (a trained model).
     */
    Optional<JsonNode> inferenceDsl(String modelId, String modelVersion);

    /**
     * The models {@code component} saved in a model at one role and party; empty when it saved none (or the
     * node does not hold the model).
     */
    List<ModelInput> componentModels(String modelId, String modelVersion, String role, String partyId,
                                     String component);
}
