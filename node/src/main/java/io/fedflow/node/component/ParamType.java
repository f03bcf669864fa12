package io.fedflow.node.component;

import com.fasterxml.jackson.databind.JsonNode;

/** The JSON type a component parameter must have; checked at submit, before anything is created. */
public enum ParamType implements ParamSpec {
    STRING, INT, NUMBER, BOOL, OBJECT, LIST, ANY;

    public boolean accepts(JsonNode v) {
        if (v == null || v.isNull()) {
            return true; // null means "the default"
        }
        return switch (this) {
            case STRING -> v.isTextual();
            case INT -> v.isIntegralNumber() || v.isNumber() && v.asDouble() == Math.rint(v.asDouble());
            case NUMBER -> v.isNumber();
            case BOOL -> v.isBoolean();
            case OBJECT -> v.isObject();
            case LIST -> v.isArray();
            case ANY -> true;
        };
    }

    @Override
    public ParamType type() {
        return this;
    }

    @Override
    public String problem(JsonNode v) {
        return accepts(v) ? null : "must be " + describe() + ", got " + v;
    }

    public String describe() {
        return switch (this) {
            case STRING -> "a string";
            case INT -> "an integer";
            case NUMBER -> "a number";
            case BOOL -> "a boolean";
            case OBJECT -> "an object";
            case LIST -> "a list";
            case ANY -> "any value";
        };
    }
}
