package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.ComponentDefinition;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated DSL v2 and runtime conf v2: the components in an order where every one comes after its
 * inputs, the parties by role, and each component's parameters per role and party.
 *
 * @param dsl the DSL as submitted
 * @param conf the runtime conf as submitted (party ids as strings)
 * @param roles party ids by role, in conf order
 * @param components in topological order
 * @param jobParameters job_parameters.common, with Fedflow's defaults filled in
 */
public record JobPlan(ObjectNode dsl, ObjectNode conf, String initiatorRole, String initiatorPartyId,
                      Map<String, List<String>> roles, List<PlannedComponent> components,
                      ObjectNode jobParameters) {

    /**
     * One DSL component.
     *
     * @param dataInputs DSL data key to "component.output" references
     * @param modelInputs references under input.model
     * @param isometricInputs references under input.isometric_model
     * @param upstream components this one reads from
     */
    public record PlannedComponent(String name, ComponentDefinition definition,
                                   Map<String, List<String>> dataInputs, List<String> modelInputs,
                                   List<String> isometricInputs, List<String> dataOutputs,
                                   List<String> modelOutputs, Set<String> upstream) {}

    public PlannedComponent component(String name) {
        for (PlannedComponent c : components) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no component " + name);
    }

    /** common parameters, then the role entries whose index key ("0", "0|2", "all") covers this party. */
    public ObjectNode parameters(String component, String role, String partyId) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        JsonNode cp = conf.path("component_parameters");
        merge(out, cp.path("common").path(component));
        int index = roles.getOrDefault(role, List.of()).indexOf(partyId);
        JsonNode byIndex = cp.path("role").path(role);
        for (Iterator<Map.Entry<String, JsonNode>> it = byIndex.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (covers(e.getKey(), index)) {
                merge(out, e.getValue().path(component));
            }
        }
        return out;
    }

    /** Whether the component runs at this role and party (FATE's need_run), else its task passes. */
    public boolean needRun(String component, String role, String partyId) {
        PlannedComponent c = component(component);
        if (!c.definition().roles().contains(role)) {
            return false;
        }
        JsonNode needRun = parameters(component, role, partyId).path("need_run");
        return !needRun.isBoolean() || needRun.booleanValue();
    }

    static boolean covers(String indexKey, int index) {
        if (indexKey.equals("all")) {
            return true;
        }
        for (String part : indexKey.split("\\|")) {
            if (part.trim().equals(Integer.toString(index))) {
                return true;
            }
        }
        return false;
    }

    private static void merge(ObjectNode into, JsonNode from) {
        if (!from.isObject()) {
            return;
        }
        from.fields().forEachRemaining(e -> {
            JsonNode existing = into.get(e.getKey());
            if (existing != null && existing.isObject() && e.getValue().isObject()) {
                ObjectNode copy = ((ObjectNode) existing).deepCopy();
                merge(copy, e.getValue());
                into.set(e.getKey(), copy);
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        });
    }

    /** Every (role, party) of the job, in conf order. */
    public List<Map.Entry<String, String>> parties() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        roles.forEach((role, ids) -> ids.forEach(id -> out.add(Map.entry(role, id))));
        return out;
    }

    /** A Reader's table at one role and party. */
    public record ReaderTable(String component, String role, String partyId, JsonNode table) {}

    /** The table every Reader reads at every party where it runs. */
    public List<ReaderTable> readerTables() {
        List<ReaderTable> out = new ArrayList<>();
        for (PlannedComponent c : components) {
            if (!c.definition().module().equals("Reader")) {
                continue;
            }
            for (Map.Entry<String, String> party : parties()) {
                if (needRun(c.name(), party.getKey(), party.getValue())) {
                    out.add(new ReaderTable(c.name(), party.getKey(), party.getValue(),
                            parameters(c.name(), party.getKey(), party.getValue()).path("table")));
                }
            }
        }
        return out;
    }

    /** FATE's job_default_config: seconds between a task's failure and its automatic retry. */
    public static final int DEFAULT_AUTO_RETRY_DELAY = 1;

    /**
     * A job parameter for one party: job_parameters.common, overridden by the job_parameters.role entries
     * whose index key covers the party (FATE's role-specific job parameters).
     */
    public int intParameter(String name, String role, String partyId, int dflt) {
        int out = intParameter(name, dflt);
        int index = roles.getOrDefault(role, List.of()).indexOf(partyId);
        for (Iterator<Map.Entry<String, JsonNode>> it = conf.path("job_parameters").path("role").path(role).fields();
             it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue().path(name);
            if (covers(e.getKey(), index) && v.isNumber()) {
                out = v.asInt();
            }
        }
        return out;
    }

    public int intParameter(String name, int dflt) {
        JsonNode v = jobParameters.path(name);
        return v.isNumber() ? v.asInt() : dflt;
    }

    static Map<String, List<String>> copy(Map<String, List<String>> m) {
        return new LinkedHashMap<>(m);
    }
}
