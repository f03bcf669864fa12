package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.ModelInput;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Paging;
import io.fedflow.node.job.PipelineModels;
import io.fedflow.proto.RetCode;
import java.util.List;
import java.util.Optional;

/**
 * The pipeline models this node holds: what train jobs made here, and what deploy, import, restore and
 * migrate add. Every other part of the model domain (queries, deploy, export, serving) reads through it.
 */
public final class ModelRegistry implements PipelineModels {
    private final ModelRegistryStore store;

    public ModelRegistry(ModelRegistryStore store) {
        this.store = store;
    }

    @Override
    public boolean holds(String modelId, String modelVersion) {
        return !store.find(modelId, modelVersion, "", "", "").isEmpty();
    }

    @Override
    public List<ModelInput> componentModels(String modelId, String modelVersion, String role, String partyId,
                                            String component) {
        return store.components(modelId, modelVersion, role, partyId).stream()
                .filter(c -> c.componentName().equals(component))
                .map(c -> new ModelInput(c.componentName(), c.module(), c.param(), c.meta()))
                .toList();
    }

    @Override
    public Optional<JsonNode> inferenceDsl(String modelId, String modelVersion) {
        return versions(modelId, modelVersion).stream().filter(PipelineModel::deployed)
                .map(PipelineModel::inferenceDsl).findFirst();
    }

    /** The model at one role and party, if this node holds it. */
    public Optional<PipelineModel> find(String modelId, String modelVersion, String role, String partyId) {
        return store.find(modelId, modelVersion, role, partyId);
    }

    /** Every role and party this node holds of one model version. */
    public List<PipelineModel> versions(String modelId, String modelVersion) {
        return store.find(modelId, modelVersion, "", "", "");
    }

    /** The models matching each non-empty argument. */
    public List<PipelineModel> search(String modelId, String modelVersion, String role, String partyId,
                                      String jobId) {
        return store.find(modelId, modelVersion, role, partyId, jobId);
    }

    /** One page of a list of models, and how many the whole list holds. */
    public record Page(long count, List<PipelineModel> models) {}

    /** One page of every model this node holds, newest first (the page read alone, not the whole list). */
    public Page newestFirst(Paging paging) {
        return new Page(store.count(), store.newestFirst(paging.offset(), paging.limit()));
    }

    /** The model at one role and party, or FATE's "no model" answer naming it. */
    public PipelineModel require(String modelId, String modelVersion, String role, String partyId) {
        return find(modelId, modelVersion, role, partyId).orElseThrow(() -> new FlowException(
                RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND, "No model found: model_id '" + modelId
                + "', model_version '" + modelVersion + "', role '" + role + "', party_id '" + partyId + "'.",
                null));
    }

    public List<ComponentModel> components(String modelId, String modelVersion, String role, String partyId) {
        return store.components(modelId, modelVersion, role, partyId);
    }

    /**
     * Saves a model with its component models in one transaction. A model that exists is refused (FATE's
     * 409-like "exists" answer, retcode 100) unless {@code replace}.
     */
    public void save(PipelineModel model, List<ComponentModel> components, boolean replace) {
        if (!store.save(model, components, replace)) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.ALREADY_EXISTS, "model_id '" + model.modelId()
                    + "', model_version '" + model.modelVersion() + "' already exists at role '" + model.role()
                    + "', party_id '" + model.partyId() + "'.", null);
        }
    }

    /** Deletes one model; returns whether it was there. */
    public boolean delete(String modelId, String modelVersion, String role, String partyId) {
        return store.delete(modelId, modelVersion, role, partyId);
    }

    /** FATE's model size: the bytes of the component models' Param and Meta (as JSON) at this role and party. */
    public long size(PipelineModel model) {
        return components(model.modelId(), model.modelVersion(), model.role(), model.partyId()).stream()
                .mapToLong(c -> c.param().toString().length() + c.meta().toString().length()).sum();
    }

    /** The FATE status of the job that trained a model, as model query rows show it. */
    public String jobStatus(PipelineModel model) {
        return store.jobStatus(model.jobId()).orElse("success");
    }
}
