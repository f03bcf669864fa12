package io.fedflow.node.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.model.ComponentModel;
import io.fedflow.node.model.ModelRegistry;
import io.fedflow.node.model.PipelineModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trained models as the model registry holds them: a deployed model's parts in its inference DSL's order, a
 * model not deployed yet in its train DSL's (less Reader, Intersection and Evaluation).
 */
public final class RegistryTrainedModels implements TrainedModels {
    private static final String MODEL_NAME = "model";

    private final ModelRegistry registry;

    public RegistryTrainedModels(ModelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Optional<TrainedModel> find(String modelId, String modelVersion, String role, String partyId) {
        return registry.find(modelId, modelVersion, role, partyId).map(m -> {
            Map<String, ServedComponent> saved = new LinkedHashMap<>();
            for (ComponentModel c : registry.components(modelId, modelVersion, role, partyId)) {
                if (MODEL_NAME.equals(c.modelName()) || !saved.containsKey(c.componentName())) {
                    saved.put(c.componentName(), new ServedComponent(c.componentName(), c.module(), c.param(),
                            c.meta()));
                }
            }
            JsonNode dsl = m.deployed() ? m.inferenceDsl() : m.trainDsl();
            List<ServedComponent> components = new ArrayList<>();
            for (String name : InferenceOrder.of(dsl)) {
                if (saved.containsKey(name)) {
                    components.add(saved.get(name));
                }
            }
            String[] reader = ReaderTables.of(m.trainDsl(), m.trainRuntimeConf().isEmpty() ? m.runtimeConf()
                    : m.trainRuntimeConf(), m.roles(), role, partyId);
            return new TrainedModel(modelId, modelVersion, role, partyId, m.roles(), List.copyOf(components),
                    reader[0], reader[1]);
        });
    }

    @Override
    public Optional<String> modelIdOf(String jobId) {
        return registry.search("", jobId, "", "", jobId).stream().map(PipelineModel::modelId).findFirst();
    }
}
