package io.fedflow.node.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The order in which a DSL's components apply to a row: each after the components whose data or model it
 * takes. Read from the inputs, not from the key order, because a DSL stored as JSONB loses its key order.
 * Reader, Intersection and Evaluation have nothing to apply to one row and are left out.
 */
final class InferenceOrder {
    static final Set<String> NOT_APPLIED = Set.of("Reader", "Intersection", "Evaluation");

    private InferenceOrder() {}

    /** The component names of {@code dsl} (FATE's DSL v2) in dependency order, ties by name. */
    static List<String> of(JsonNode dsl) {
        JsonNode components = dsl.path("components");
        Map<String, Set<String>> deps = new LinkedHashMap<>();
        components.fieldNames().forEachRemaining(name -> deps.put(name, new TreeSet<>()));
        for (String name : deps.keySet()) {
            JsonNode input = components.path(name).path("input");
            List<JsonNode> refs = new ArrayList<>();
            input.path("data").forEach(refs::add);
            refs.add(input.path("model"));
            refs.add(input.path("isometric_model"));
            for (JsonNode list : refs) {
                for (JsonNode ref : list) {
                    String upstream = ref.asText().split("\\.", 2)[0];
                    if (deps.containsKey(upstream) && !upstream.equals(name)) {
                        deps.get(name).add(upstream);
                    }
                }
            }
        }
        Set<String> done = new LinkedHashSet<>();
        Set<String> pending = new TreeSet<>(deps.keySet());
        while (!pending.isEmpty()) {
            String next = pending.stream().filter(n -> done.containsAll(deps.get(n))).findFirst()
                    // a cycle cannot pass submit; should one be stored, keep the rest in name order
                    .orElse(pending.iterator().next());
            done.add(next);
            pending.remove(next);
        }
        List<String> out = new ArrayList<>();
        for (String name : done) {
            if (!NOT_APPLIED.contains(components.path(name).path("module").asText())) {
                out.add(name);
            }
        }
        return out;
    }
}
