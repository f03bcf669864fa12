package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.Param;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.FateJson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A component's parameters with FATE's defaults and checks: a missing or null parameter takes the default,
 * a present one of the wrong kind fails with an argument error naming the component and the field.
 */
final class Params {
    static final ObjectMapper JSON = FateJson.MAPPER;

    private final JsonNode params;
    private final String who;

    Params(ComponentContext ctx) {
        this(ctx.parameters(), ctx.module() + " component " + ctx.componentName());
    }

    Params(JsonNode params, String who) {
        this.params = params == null ? MissingNode.getInstance() : params;
        this.who = who;
    }

    String who() {
        return who;
    }

    /** Present and not null. */
    boolean has(String name) {
        JsonNode v = params.get(name);
        return v != null && !v.isNull();
    }

    /** Present, possibly null (FATE's None). */
    boolean present(String name) {
        return params.has(name);
    }

    JsonNode node(String name) {
        JsonNode v = params.get(name);
        return v == null || v.isNull() ? null : v;
    }

    /** A nested object parameter (init_param, predict_param...), empty when absent. */
    Params object(String name) {
        JsonNode v = node(name);
        if (v != null && !v.isObject()) {
            throw bad(name, "must be an object, got " + v);
        }
        return new Params(v, who + " " + name);
    }

    String str(String name, String def) {
        JsonNode v = node(name);
        if (v == null) {
            return def;
        }
        if (!v.isTextual()) {
            throw bad(name, "must be a string, got " + v);
        }
        return v.asText();
    }

    /** A lower-cased choice among {@code allowed} (FATE's check_and_change_lower). */
    String choice(String name, String def, String... allowed) {
        String v = str(name, def);
        if (v == null) {
            return null;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (!Arrays.asList(allowed).contains(lower)) {
            throw bad(name, "'" + v + "' is not supported; use one of " + String.join(", ", allowed));
        }
        return lower;
    }

    boolean bool(String name, boolean def) {
        JsonNode v = node(name);
        if (v == null) {
            return def;
        }
        if (!v.isBoolean()) {
            throw bad(name, "must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    double num(String name, double def) {
        JsonNode v = node(name);
        if (v == null) {
            return def;
        }
        if (!v.isNumber()) {
            throw bad(name, "must be a number, got " + v);
        }
        return v.asDouble();
    }

    int integer(String name, int def) {
        JsonNode v = node(name);
        if (v == null) {
            return def;
        }
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble())) {
            throw bad(name, "must be an integer, got " + v);
        }
        return v.asInt();
    }

    /** A list of strings (numbers are taken as their text), or {@code def} when absent. */
    List<String> strings(String name, List<String> def) {
        JsonNode v = node(name);
        if (v == null) {
            return def;
        }
        if (!v.isArray()) {
            throw bad(name, "must be a list, got " + v);
        }
        List<String> out = new ArrayList<>();
        v.forEach(e -> out.add(e.isNull() ? "None" : e.asText()));
        return out;
    }

    // Specs shared by several components' definitions (checked at submit, see ComponentDefinition).

    /** FATE's switch for a feature Fedflow does not have: only false (or absent) is accepted. */
    static Param offOnly(String feature) {
        return Param.bool().where(v -> !v.asBoolean(), "false (" + feature + " is not supported)");
    }

    /** -1 (every column) or a list of column indexes; whether they exist is known once the data is read. */
    static Param columnIndexes() {
        return Param.any().where(v -> v.isIntegralNumber() && v.asInt() == -1
                        || v.isArray() && allMatch(v, e -> e.isIntegralNumber() && e.asInt() >= 0),
                "-1 (every column) or a list of column indexes");
    }

    /** One number for every column, or a list of numbers (one per column). */
    static Param numberOrNumbers() {
        return Param.any().where(v -> v.isNumber() || v.isArray() && allMatch(v, JsonNode::isNumber),
                "a number or a list of numbers");
    }

    /** A Paillier key size the key generator accepts. */
    static Param paillierKeyLength() {
        return Param.integer().where(v -> v.asInt() >= 512 && v.asInt() % 2 == 0,
                "an even number of at least 512 bits");
    }

    private static boolean allMatch(JsonNode array, Predicate<JsonNode> test) {
        for (JsonNode e : array) {
            if (!test.test(e)) {
                return false;
            }
        }
        return true;
    }

    FlowException bad(String name, String message) {
        return FlowException.argument(who + ": parameter " + name + " " + message);
    }

    FlowException refuse(String message) {
        return FlowException.argument(who + ": " + message);
    }

    FlowException dataError(String message) {
        return FlowException.data(who + ": " + message);
    }
}
