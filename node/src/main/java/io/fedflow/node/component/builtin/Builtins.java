package io.fedflow.node.component.builtin;

import io.fedflow.node.component.ComponentRegistry;

/** The components Fedflow runs itself: Reader, DataTransform (DataIO), FeatureScale, LR, HeteroLR, Evaluation. */
public final class Builtins {
    private Builtins() {}

    public static ComponentRegistry registry() {
        return new ComponentRegistry()
                .register(Reader.DEFINITION)
                .register(DataTransform.DEFINITION)
                .register(FeatureScale.DEFINITION)
                .register(LR.DEFINITION)
                .register(HeteroLR.DEFINITION)
                .register(Evaluation.DEFINITION);
    }
}
