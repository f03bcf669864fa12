package io.fedflow.node.component;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the registry knows of a module: its names, the parameters it accepts (with their types and the values
 * allowed; unknown parameters and values the task would refuse are refused at submit), the inputs it needs,
 * the roles it runs at, and how to make a task's instance.
 *
 * @param module the DSL module name, e.g. "DataTransform"
 * @param aliases other names FATE accepts for it, e.g. "DataIO"
 * @param params parameter name to what it accepts (a {@link ParamType}, or a {@link Param} with ranges,
 *               choices and nested fields)
 * @param roles roles the module runs at; at other roles its tasks pass (FATE's need_run false)
 * @param factory a fresh instance per task
 * @param inputs the DSL inputs the module needs
 * @param partyCheck what only the party running a task can check of its parameters, at submit and create
 */
public record ComponentDefinition(String module, List<String> aliases, Map<String, ? extends ParamSpec> params,
                                  Set<String> roles, Supplier<Component> factory, InputRule inputs,
                                  PartyCheck partyCheck) {
    public static final Set<String> ALL_ROLES = Set.of("local", "guest", "host", "arbiter");

    /** A module whose parameters mean the same at every party. */
    public ComponentDefinition(String module, List<String> aliases, Map<String, ? extends ParamSpec> params,
                               Set<String> roles, Supplier<Component> factory, InputRule inputs) {
        this(module, aliases, params, roles, factory, inputs, PartyCheck.NONE);
    }

    /** A module that needs no particular input. */
    public ComponentDefinition(String module, List<String> aliases, Map<String, ? extends ParamSpec> params,
                               Set<String> roles, Supplier<Component> factory) {
        this(module, aliases, params, roles, factory, InputRule.NONE);
    }
}
