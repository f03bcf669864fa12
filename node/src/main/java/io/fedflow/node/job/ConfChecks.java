package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.Param;
import io.fedflow.node.component.ParamSpec;
import io.fedflow.node.component.ParamType;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The runtime conf's parameter blocks, as {@link DslParser} checks them: job_parameters (the keys Fedflow acts
 * on, common and per role) and component_parameters (every parameter one its module declares, with a value its
 * spec accepts), each refusal naming the field.
 */
final class ConfChecks {
    /** job_parameters keys Fedflow acts on, with the values allowed; others are accepted and ignored. */
    private final Map<String, ParamSpec> jobParameters;

    ConfChecks(Limits limits) {
        int maxRetries = limits.maxAutoRetries();
        this.jobParameters = Map.ofEntries(
                Map.entry("job_type", Param.string().oneOf("train", "predict")),
                Map.entry("task_cores", Param.integer().atLeast(1)),
                Map.entry("task_parallelism", Param.integer().atLeast(1)),
                Map.entry("auto_retries", Param.integer().atLeast(0).where(v -> v.asDouble() <= maxRetries,
                        "at most " + maxRetries + " (this node's cap, --max-auto-retries)")),
                Map.entry("auto_retry_delay", Param.integer().atLeast(0)),
                Map.entry("timeout", Param.integer().atLeast(0)),
                Map.entry("computing_partitions", ParamType.INT),
                Map.entry("model_id", ParamType.STRING),
                Map.entry("model_version", ParamType.STRING));
    }

    /**
     * job_parameters.common and each job_parameters.role.&lt;role&gt;.&lt;index&gt; (FATE lets a role override
     * common job parameters), checked with the same rules; answers common with Fedflow's defaults filled in.
     */
    ObjectNode checkJobParameters(ObjectNode conf, Map<String, List<String>> roles) {
        JsonNode jp = conf.path("job_parameters");
        if (!jp.isMissingNode() && !jp.isObject()) {
            throw FlowException.argument("job_parameters must be an object");
        }
        JsonNode common = jp.path("common");
        ObjectNode out = common.isObject() ? ((ObjectNode) common).deepCopy() : JsonNodeFactory.instance.objectNode();
        checkJobParameterBlock(out, "job_parameters.common");
        for (Iterator<Map.Entry<String, JsonNode>> it = jp.path("role").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> r = it.next();
            String field = "job_parameters.role." + r.getKey();
            if (!roles.containsKey(r.getKey())) {
                throw FlowException.argument(field + ": the job has no role " + r.getKey()
                        + " (roles: " + roles.keySet() + ")");
            }
            for (Iterator<Map.Entry<String, JsonNode>> idx = r.getValue().fields(); idx.hasNext(); ) {
                Map.Entry<String, JsonNode> i = idx.next();
                checkIndexKey(i.getKey(), roles.get(r.getKey()).size(), field);
                if (!i.getValue().isObject()) {
                    throw FlowException.argument(field + "." + i.getKey() + " must be an object of job parameters");
                }
                checkJobParameterBlock(i.getValue(), field + "." + i.getKey());
            }
        }
        out.put("job_type", out.path("job_type").asText("train").toLowerCase(Locale.ROOT));
        return out;
    }

    private void checkJobParameterBlock(JsonNode block, String field) {
        for (Map.Entry<String, ParamSpec> e : jobParameters.entrySet()) {
            JsonNode v = block.get(e.getKey());
            String problem = v == null ? null : e.getValue().problem(v);
            if (problem != null) {
                throw FlowException.argument(field + "." + e.getKey() + " " + problem);
            }
        }
    }

    static void checkComponentParameters(ObjectNode conf, Map<String, JobPlan.PlannedComponent> cpns,
                                         Map<String, List<String>> roles) {
        JsonNode cp = conf.path("component_parameters");
        if (cp.isMissingNode()) {
            return;
        }
        if (!cp.isObject()) {
            throw FlowException.argument("component_parameters must be an object");
        }
        for (Iterator<String> it = cp.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("common") && !key.equals("role")) {
                throw FlowException.argument("component_parameters." + key + " is not common or role");
            }
        }
        checkParameterBlock(cp.path("common"), "component_parameters.common", null, cpns);
        JsonNode byRole = cp.path("role");
        for (Iterator<Map.Entry<String, JsonNode>> it = byRole.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> r = it.next();
            if (!roles.containsKey(r.getKey())) {
                throw FlowException.argument("component_parameters.role." + r.getKey()
                        + ": the job has no role " + r.getKey() + " (roles: " + roles.keySet() + ")");
            }
            int n = roles.get(r.getKey()).size();
            for (Iterator<Map.Entry<String, JsonNode>> idx = r.getValue().fields(); idx.hasNext(); ) {
                Map.Entry<String, JsonNode> i = idx.next();
                checkIndexKey(i.getKey(), n, "component_parameters.role." + r.getKey());
                checkParameterBlock(i.getValue(), "component_parameters.role." + r.getKey() + "." + i.getKey(),
                        r.getKey(), cpns);
            }
        }
    }

    private static void checkIndexKey(String key, int size, String field) {
        if (key.equals("all")) {
            return;
        }
        for (String part : key.split("\\|")) {
            int i;
            try {
                i = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw FlowException.argument(field + "." + key + ": the key must be a party index (\"0\", "
                        + "\"0|1\") or \"all\"");
            }
            if (i < 0 || i >= size) {
                throw FlowException.argument(field + "." + key + ": index " + i + " is out of range: the role has "
                        + size + " part" + (size == 1 ? "y" : "ies"));
            }
        }
    }

    /**
     * One block of component parameters: every parameter must be one the module declares, with a value its
     * spec accepts. A bad value is refused naming the component, the role (null for common), the parameter
     * and the block it was set in.
     */
    private static void checkParameterBlock(JsonNode block, String field, String role,
                                            Map<String, JobPlan.PlannedComponent> cpns) {
        if (block.isMissingNode()) {
            return;
        }
        if (!block.isObject()) {
            throw FlowException.argument(field + " must be an object of components");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = block.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JobPlan.PlannedComponent c = cpns.get(e.getKey());
            if (c == null) {
                throw FlowException.argument(field + "." + e.getKey() + ": there is no component " + e.getKey()
                        + " in the dsl");
            }
            if (!e.getValue().isObject()) {
                throw FlowException.argument(field + "." + e.getKey() + " must be an object of parameters");
            }
            String who = "component " + e.getKey() + " (" + c.definition().module() + ")"
                    + (role == null ? "" : " at role " + role);
            Map<String, ? extends ParamSpec> known = c.definition().params();
            for (Iterator<Map.Entry<String, JsonNode>> p = e.getValue().fields(); p.hasNext(); ) {
                Map.Entry<String, JsonNode> pe = p.next();
                ParamSpec spec = pe.getKey().equals("need_run") ? ParamType.BOOL : known.get(pe.getKey());
                if (spec == null) {
                    throw FlowException.argument(who + ": unknown parameter " + pe.getKey() + " (" + field
                            + "); known: " + sorted(known.keySet()));
                }
                String problem = spec.problem(pe.getValue());
                if (problem != null) {
                    throw FlowException.argument(who + ": parameter " + pe.getKey() + " " + problem
                            + " (" + field + ")");
                }
            }
        }
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        l.sort(null);
        return l;
    }
}
