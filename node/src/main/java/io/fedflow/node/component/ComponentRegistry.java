package io.fedflow.node.component;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Modules by name (and alias), as a DSL names them. */
public final class ComponentRegistry {
    private final Map<String, ComponentDefinition> byName = new LinkedHashMap<>();
    private final Map<String, ComponentDefinition> modules = new LinkedHashMap<>();

    public ComponentRegistry register(ComponentDefinition def) {
        modules.put(def.module(), def);
        byName.put(def.module().toLowerCase(Locale.ROOT), def);
        def.aliases().forEach(a -> byName.put(a.toLowerCase(Locale.ROOT), def));
        return this;
    }

    /** Module names match case-insensitively, as FATE's component registry does. */
    public Optional<ComponentDefinition> find(String module) {
        return module == null ? Optional.empty()
                : Optional.ofNullable(byName.get(module.toLowerCase(Locale.ROOT)));
    }

    public Collection<ComponentDefinition> all() {
        return modules.values();
    }
}
