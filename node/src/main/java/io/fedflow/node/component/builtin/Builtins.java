package io.fedflow.node.component.builtin;

import io.fedflow.node.component.ComponentRegistry;

/** The built-in modules. */
public final class Builtins {
    private Builtins() {}

    public static ComponentRegistry registry() {
        return new ComponentRegistry();
    }
}
