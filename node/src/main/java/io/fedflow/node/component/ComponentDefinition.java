package io.fedflow.node.component;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the registry knows of a module: its names, the parameters it accepts (with their types; unknown
 * parameters are refused at submit), the roles it runs at, and how to make a task's instance.
 *
 * @param module the DSL module name, e.g. "DataTransform"
 * @param aliases other names FATE accepts for it, e.g. "DataIO"
 * @param params parameter name to type; nested objects are checked only for being objects
 * @param roles roles the module runs at; at other roles its tasks pass (FATE's need_run false)
 * @param factory a fresh instance per task
 */
public record ComponentDefinition(String module, List<String> aliases, Map<String, ParamType> params,
                                  Set<String> roles, Supplier<Component> factory) {
    public static final Set<String> ALL_ROLES = Set.of("local", "guest", "host", "arbiter");
}
