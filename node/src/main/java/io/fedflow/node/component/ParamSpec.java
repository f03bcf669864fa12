package io.fedflow.node.component;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a component accepts for one parameter, checked at submit for every block of the runtime conf that
 * sets it (component_parameters.common and each role.&lt;role&gt;.&lt;index&gt;), so that a value the task
 * would refuse is refused before anything is created. A plain {@link ParamType} checks the JSON type only;
 * {@link Param} adds ranges, choices and the fields of nested objects.
 */
public interface ParamSpec {
    ParamType type();

    /**
     * Why {@code value} is not accepted, phrased to follow the parameter's name ("must be at least 1, got
     * -3"), or null when it is. Null (FATE's None) always means "the default" and is accepted.
     */
    String problem(JsonNode value);

    /** What a value must be, in words ("an integer, at least 1"), for the component listing. */
    default String requirement() {
        return type().describe();
    }
}
