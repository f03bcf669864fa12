package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.ComponentRegistry;
import io.fedflow.node.component.InputRule;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.proto.RetCode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a DSL v2 and runtime conf v2 before anything is created and turns them into a {@link JobPlan}.
 * Every refusal names the component and the field: structure errors are retcode 101, errors in the data
 * the job would read (tables) retcode 102.
 */
public final class DslParser {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern PARTY = Pattern.compile("\\d{1,10}");
    private static final Set<String> ROLES = Set.of("guest", "host", "arbiter", "local");
    private static final Set<String> INPUT_KINDS = Set.of("data", "model", "isometric_model", "cache");
    private final ComponentRegistry registry;
    private final ConfChecks confChecks;

    public DslParser(ComponentRegistry registry) {
        this(registry, Limits.defaults());
    }

    public DslParser(ComponentRegistry registry, Limits limits) {
        this.registry = registry;
        this.confChecks = new ConfChecks(limits);
    }

    public JobPlan parse(JsonNode dslNode, JsonNode confNode) {
        if (dslNode == null || !dslNode.isObject() || dslNode.isEmpty()) {
            throw FlowException.argument("required argument are missing: dsl (or job_dsl)");
        }
        if (confNode == null || !confNode.isObject() || confNode.isEmpty()) {
            throw FlowException.argument("required argument are missing: runtime_conf (or job_runtime_conf)");
        }
        ObjectNode dsl = ((ObjectNode) dslNode).deepCopy();
        ObjectNode conf = ((ObjectNode) confNode).deepCopy();

        JsonNode version = conf.path("dsl_version");
        if (!version.isMissingNode() && !version.asText().equals("2")) {
            throw FlowException.argument("dsl_version " + version.asText()
                    + " is not supported: only the v2 version runtime conf is supported");
        }
        Map<String, List<String>> roles = parseRoles(conf);
        JsonNode initiator = conf.path("initiator");
        if (!initiator.isObject()) {
            throw FlowException.argument("required parameters are missing: initiator");
        }
        String initiatorRole = initiator.path("role").asText("");
        String initiatorParty = partyId(initiator.path("party_id"), "initiator.party_id");
        if (initiatorRole.isEmpty()) {
            throw FlowException.argument("required parameters are missing: initiator.role");
        }
        if (!roles.containsKey(initiatorRole) || !roles.get(initiatorRole).contains(initiatorParty)) {
            throw FlowException.argument("initiator " + initiatorRole + " " + initiatorParty
                    + " is not in role." + initiatorRole + " " + roles.getOrDefault(initiatorRole, List.of()));
        }
        ((ObjectNode) initiator).put("party_id", initiatorParty);

        Map<String, JobPlan.PlannedComponent> components = parseComponents(dsl);
        List<JobPlan.PlannedComponent> ordered = topologicalOrder(components);
        ObjectNode jobParameters = confChecks.checkJobParameters(conf, roles);
        confChecks.checkComponentParameters(conf, components, roles);

        JobPlan plan = new JobPlan(dsl, conf, initiatorRole, initiatorParty, roles, ordered, jobParameters);
        checkReaderTables(plan);
        return plan;
    }

    private static Map<String, List<String>> parseRoles(ObjectNode conf) {
        JsonNode role = conf.path("role");
        if (!role.isObject() || role.isEmpty()) {
            throw FlowException.argument("required parameters are missing: role");
        }
        Map<String, List<String>> roles = new LinkedHashMap<>();
        ObjectNode normalised = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = role.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!ROLES.contains(e.getKey())) {
                throw FlowException.argument("role " + e.getKey() + " is not one of " + sorted(ROLES));
            }
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw FlowException.argument("role." + e.getKey() + " must be a non-empty list of party ids");
            }
            List<String> ids = new ArrayList<>();
            ArrayNode arr = normalised.putArray(e.getKey());
            for (JsonNode id : e.getValue()) {
                String pid = partyId(id, "role." + e.getKey());
                if (ids.contains(pid)) {
                    throw FlowException.argument("role." + e.getKey() + " lists party " + pid + " twice");
                }
                ids.add(pid);
                arr.add(pid);
            }
            roles.put(e.getKey(), ids);
        }
        if (roles.containsKey("local") && roles.size() > 1) {
            throw FlowException.argument("role local cannot be combined with other roles");
        }
        conf.set("role", normalised);
        return roles;
    }

    private static String partyId(JsonNode v, String field) {
        String s = v.isNumber() ? v.asText() : v.isTextual() ? v.asText().trim() : "";
        if (s.isEmpty()) {
            throw FlowException.argument("required parameters are missing: " + field);
        }
        if (v.isNumber() && !v.isIntegralNumber() || !PARTY.matcher(s).matches()) {
            throw FlowException.argument(field + ": party id must be an integer, got " + v);
        }
        return Long.toString(Long.parseLong(s));
    }

    private Map<String, JobPlan.PlannedComponent> parseComponents(ObjectNode dsl) {
        JsonNode cpns = dsl.path("components");
        if (!cpns.isObject() || cpns.isEmpty()) {
            throw FlowException.argument("No components filed in dsl, please have a check!");
        }
        // First pass: declared outputs, so inputs can be checked against them.
        Map<String, Set<String>> dataOut = new HashMap<>();
        Map<String, Set<String>> modelOut = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = cpns.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (!NAME.matcher(name).matches()) {
                throw FlowException.argument("component name " + name
                        + " may only contain letters, digits, _ and -");
            }
            JsonNode c = e.getValue();
            if (!c.isObject()) {
                throw FlowException.argument("component " + name + " must be an object");
            }
            JsonNode output = c.path("output");
            if (!output.isMissingNode() && !output.isObject()) {
                throw FlowException.argument("component " + name + ": output must be an object of lists");
            }
            dataOut.put(name, names(output.path("data"), name, "output.data"));
            modelOut.put(name, names(output.path("model"), name, "output.model"));
            names(output.path("cache"), name, "output.cache");
        }
        Map<String, JobPlan.PlannedComponent> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = cpns.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode c = e.getValue();
            String module = c.path("module").asText("");
            if (module.isEmpty()) {
                throw FlowException.argument("component " + name + ": module is missing");
            }
            ComponentDefinition def = registry.find(module).orElseThrow(() -> FlowException.argument(
                    "component " + name + ": module " + module + " is not known; known modules: "
                            + registry.all().stream().map(ComponentDefinition::module).toList()));
            JsonNode input = c.path("input");
            if (!input.isMissingNode() && !input.isObject()) {
                throw FlowException.argument("component " + name + ": input must be an object");
            }
            for (Iterator<String> keys = input.fieldNames(); keys.hasNext(); ) {
                String kind = keys.next();
                if (!INPUT_KINDS.contains(kind)) {
                    throw FlowException.argument("component " + name + ": input." + kind
                            + " is not one of " + sorted(INPUT_KINDS));
                }
            }
            Map<String, List<String>> dataInputs = new LinkedHashMap<>();
            Set<String> upstream = new LinkedHashSet<>();
            JsonNode data = input.path("data");
            if (!data.isMissingNode() && !data.isObject()) {
                throw FlowException.argument("component " + name + ": input.data must be an object of lists");
            }
            for (Iterator<Map.Entry<String, JsonNode>> d = data.fields(); d.hasNext(); ) {
                Map.Entry<String, JsonNode> de = d.next();
                List<String> refs = refs(de.getValue(), name, "input.data." + de.getKey(), dataOut, "data", upstream);
                dataInputs.put(de.getKey(), refs);
            }
            List<String> model = refs(input.path("model"), name, "input.model", modelOut, "model", upstream);
            List<String> isometric = refs(input.path("isometric_model"), name, "input.isometric_model", modelOut,
                    "model", upstream);
            checkInputs(name, def, dataInputs, !model.isEmpty());
            if (upstream.contains(name)) {
                throw FlowException.argument("component " + name + " reads its own output: " + name + "->" + name
                        + " form a loop");
            }
            out.put(name, new JobPlan.PlannedComponent(name, def, dataInputs, model, isometric,
                    List.copyOf(dataOut.get(name)), List.copyOf(modelOut.get(name)), upstream));
        }
        return out;
    }

    /** The inputs the module cannot run without, so that it does not fail after its upstream wrote tables. */
    private static void checkInputs(String name, ComponentDefinition def, Map<String, List<String>> dataInputs,
                                    boolean hasModel) {
        Set<String> given = new LinkedHashSet<>();
        dataInputs.forEach((key, refs) -> {
            if (!refs.isEmpty()) {
                given.add(key);
            }
        });
        InputRule rule = def.inputs();
        if (!rule.satisfiedBy(given, hasModel)) {
            throw FlowException.argument("component " + name + " (" + def.module() + "): needs "
                    + rule.description() + "; the dsl gives it input.data " + given
                    + (hasModel ? " and input.model" : " and no input.model"));
        }
    }

    private static Set<String> names(JsonNode list, String cpn, String field) {
        Set<String> out = new LinkedHashSet<>();
        if (list.isMissingNode()) {
            return out;
        }
        if (!list.isArray()) {
            throw FlowException.argument("component " + cpn + ": " + field + " must be a list");
        }
        list.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static List<String> refs(JsonNode list, String cpn, String field, Map<String, Set<String>> outputs,
                                     String kind, Set<String> upstream) {
        List<String> out = new ArrayList<>();
        if (list.isMissingNode()) {
            return out;
        }
        if (!list.isArray()) {
            throw FlowException.argument("component " + cpn + ": " + field + " must be a list");
        }
        for (JsonNode v : list) {
            String ref = v.asText();
            int dot = ref.indexOf('.');
            if (!v.isTextual() || dot <= 0 || dot == ref.length() - 1) {
                throw FlowException.argument("component " + cpn + ": " + field + " entry " + v
                        + " must be \"component.output\"");
            }
            String up = ref.substring(0, dot);
            String output = ref.substring(dot + 1);
            if (up.equals("pipeline") && kind.equals("model")) {
                // A predict DSL reads the trained model: "pipeline.<component>[.model]".
                out.add(ref);
                continue;
            }
            if (!outputs.containsKey(up)) {
                throw FlowException.argument("Component " + cpn + "'s " + kind + " input " + ref
                        + " does not exist: there is no component " + up + " (" + field + ")");
            }
            if (!outputs.get(up).contains(output)) {
                throw FlowException.argument("Component " + cpn + "'s " + kind + " input " + ref
                        + " does not exist: component " + up + " declares no " + kind + " output " + output
                        + " (" + field + ")");
            }
            upstream.add(up);
            out.add(ref);
        }
        return out;
    }

    private static List<JobPlan.PlannedComponent> topologicalOrder(Map<String, JobPlan.PlannedComponent> cpns) {
        List<JobPlan.PlannedComponent> order = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>(); // 1 visiting, 2 done
        for (String name : cpns.keySet()) {
            visit(name, cpns, state, order, new ArrayDeque<>());
        }
        return order;
    }

    private static void visit(String name, Map<String, JobPlan.PlannedComponent> cpns, Map<String, Integer> state,
                              List<JobPlan.PlannedComponent> order, Deque<String> path) {
        Integer s = state.get(name);
        if (s != null && s == 2) {
            return;
        }
        path.addLast(name);
        if (s != null && s == 1) {
            List<String> loop = new ArrayList<>(path);
            throw FlowException.argument(String.join("->", loop.subList(loop.indexOf(name), loop.size()))
                    + " form a loop");
        }
        state.put(name, 1);
        for (String up : cpns.get(name).upstream()) {
            visit(up, cpns, state, order, path);
        }
        state.put(name, 2);
        path.removeLast();
        order.add(cpns.get(name));
    }

    /** A Reader must know its table at every party where it runs. */
    private static void checkReaderTables(JobPlan plan) {
        for (JobPlan.ReaderTable r : plan.readerTables()) {
            JsonNode table = r.table();
            if (!table.isObject() || table.path("name").asText("").isEmpty()
                    || table.path("namespace").asText("").isEmpty()) {
                throw new FlowException(RetCode.ARGUMENT_ERROR, "component " + r.component()
                        + ": parameter table {name, namespace} is missing for role " + r.role()
                        + " party " + r.partyId());
            }
        }
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        l.sort(null);
        return l;
    }
}
