package io.fedflow.node.component;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A parameter's type with the values FATE accepts for it: a range, a set of choices, the fields of a nested
 * object. Immutable; each method returns a narrower copy, so a definition reads like FATE's param class:
 * {@code Param.integer().atLeast(1)}, {@code Param.string().oneOf("sgd", "adam")},
 * {@code Param.object().field("init_method", Param.string().oneOf(...))}.
 */
public final class Param implements ParamSpec {
    private final ParamType type;
    private final List<Rule> rules;
    private final Map<String, ParamSpec> fields;
    private final ParamSpec elements;

    /** One condition a present, well-typed value must meet, with the words for it ("at least 1"). */
    private record Rule(Predicate<JsonNode> test, String requirement) {}

    private Param(ParamType type, List<Rule> rules, Map<String, ParamSpec> fields, ParamSpec elements) {
        this.type = type;
        this.rules = List.copyOf(rules);
        this.fields = Map.copyOf(fields);
        this.elements = elements;
    }

    public static Param of(ParamType type) {
        return new Param(type, List.of(), Map.of(), null);
    }

    public static Param integer() {
        return of(ParamType.INT);
    }

    public static Param number() {
        return of(ParamType.NUMBER);
    }

    public static Param string() {
        return of(ParamType.STRING);
    }

    public static Param bool() {
        return of(ParamType.BOOL);
    }

    public static Param object() {
        return of(ParamType.OBJECT);
    }

    public static Param list() {
        return of(ParamType.LIST);
    }

    public static Param any() {
        return of(ParamType.ANY);
    }

    public Param atLeast(double min) {
        return where(v -> v.isNumber() && v.asDouble() >= min, "at least " + text(min));
    }

    public Param above(double min) {
        return where(v -> v.isNumber() && v.asDouble() > min, "greater than " + text(min));
    }

    public Param between(double min, double max) {
        return where(v -> v.isNumber() && v.asDouble() >= min && v.asDouble() <= max,
                "between " + text(min) + " and " + text(max));
    }

    /** At least {@code min}, or exactly one of {@code special} (FATE's -1 for "all"). */
    public Param atLeastOr(double min, double... special) {
        String also = Arrays.stream(special).mapToObj(Param::text).collect(Collectors.joining(" or "));
        return where(v -> v.isNumber() && (v.asDouble() >= min
                        || Arrays.stream(special).anyMatch(s -> s == v.asDouble())),
                also + " or at least " + text(min));
    }

    /** One of {@code choices}, compared case-insensitively as FATE's check_and_change_lower does. */
    public Param oneOf(String... choices) {
        List<String> lower = Arrays.stream(choices).map(c -> c.toLowerCase(Locale.ROOT)).toList();
        return where(v -> v.isTextual() && lower.contains(v.asText().toLowerCase(Locale.ROOT)),
                "one of " + String.join(", ", choices));
    }

    /** Any other condition, with the words that complete "must be ...". */
    public Param where(Predicate<JsonNode> test, String requirement) {
        List<Rule> more = new ArrayList<>(rules);
        more.add(new Rule(test, requirement));
        return new Param(type, more, fields, elements);
    }

    /** A field of a nested object parameter; fields not declared are left alone, as before. */
    public Param field(String name, ParamSpec spec) {
        Map<String, ParamSpec> more = new LinkedHashMap<>(fields);
        more.put(name, spec);
        return new Param(type, rules, more, elements);
    }

    /** What every element of a list parameter must be. */
    public Param elements(ParamSpec spec) {
        return new Param(type, rules, fields, spec);
    }

    @Override
    public ParamType type() {
        return type;
    }

    @Override
    public String requirement() {
        List<String> words = new ArrayList<>();
        words.add(type.describe());
        rules.forEach(r -> words.add(r.requirement()));
        if (!fields.isEmpty()) {
            words.add("with fields " + String.join(", ", new TreeSet<>(fields.keySet())));
        }
        return String.join(", ", words);
    }

    @Override
    public String problem(JsonNode v) {
        String typeProblem = type.problem(v);
        if (typeProblem != null || v == null || v.isNull()) {
            return typeProblem;
        }
        for (Rule r : rules) {
            if (!r.test().test(v)) {
                return "must be " + r.requirement() + ", got " + v;
            }
        }
        if (v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                ParamSpec spec = fields.get(f.getKey());
                String p = spec == null ? null : spec.problem(f.getValue());
                if (p != null) {
                    return "field " + f.getKey() + " " + p;
                }
            }
        }
        if (v.isArray() && elements != null) {
            for (JsonNode e : v) {
                String p = elements.problem(e);
                if (p != null) {
                    return "has an element that " + p;
                }
            }
        }
        return null;
    }

    private static String text(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
