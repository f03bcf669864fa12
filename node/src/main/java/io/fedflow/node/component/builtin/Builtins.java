package io.fedflow.node.component.builtin;

import io.fedflow.node.component.ComponentRegistry;

/** The components Fedflow runs itself: Reader, DataTransform (DataIO), Intersection, FeatureScale,
 * HeteroFeatureBinning, HeteroFeatureSelection, LR, HeteroLR, Evaluation. */
public final class Builtins {
    private Builtins() {}

    public static ComponentRegistry registry() {
        return new ComponentRegistry()
                .register(Reader.DEFINITION)
                .register(DataTransform.DEFINITION)
                .register(Intersection.DEFINITION)
                .register(FeatureScale.DEFINITION)
                .register(HeteroFeatureBinning.DEFINITION)
                .register(HeteroFeatureSelection.DEFINITION)
                .register(LR.DEFINITION)
                .register(HeteroLR.DEFINITION)
                .register(Evaluation.DEFINITION);
    }
}
