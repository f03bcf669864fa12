package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Paging;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the board shows of jobs: one-line summaries for its list, and one job whole (its row, DSL and conf,
 * its parties with their statuses as far as this site knows them, its components with their inputs' edges
 * and their statuses at the viewed party), and the upload history.
 */
final class JobOverviews {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> ROLE_ORDER = List.of("guest", "host", "arbiter", "local");

    private final JobStore jobs;
    private final JobQueryStore store;

    JobOverviews(JobStore jobs, JobQueryStore store) {
        this.jobs = jobs;
        this.store = store;
    }

    /** The rows matching every filter given (every job when none), newest first, one page. */
    ObjectNode page(JobFilter filter, Paging paging) {
        JobQueryStore.Page<TJobRecord> found = store.summaries(filter, paging);
        ObjectNode o = NODES.objectNode();
        o.put("count", found.count());
        ArrayNode rows = o.putArray("jobs");
        found.rows().forEach(r -> rows.add(summary(r)));
        return o;
    }

    /** A job row as the board's list shows it. */
    static ObjectNode summary(TJobRecord r) {
        ObjectNode o = NODES.objectNode();
        o.put("job_id", r.getFJobId());
        o.put("role", r.getFRole());
        o.put("party_id", r.getFPartyId());
        o.put("status", r.getFStatus());
        o.put("progress", r.getFProgress());
        o.put("tag", r.getFTag());
        o.put("description", r.getFDescription());
        o.put("is_initiator", r.getFIsInitiator());
        o.put("initiator_role", r.getFInitiatorRole());
        o.put("initiator_party_id", r.getFInitiatorPartyId());
        o.put("create_time", r.getFCreateTime());
        o.put("start_time", r.getFStartTime());
        o.put("end_time", r.getFEndTime());
        o.put("elapsed", r.getFElapsed());
        return o;
    }

    /**
     * One job at one of its rows here (role and party may be blank: the first row), or not found naming it:
     * {@code {job, dsl, runtime_conf, parties, components}}.
     */
    ObjectNode job(String jobId, String role, String partyId) {
        TJobRecord row = store.jobRow(jobId, role, partyId).orElseThrow(() -> FlowException.notFound(
                "no job " + jobId + (blank(role) && blank(partyId) ? "" : " for role " + orAny(role) + " party "
                        + orAny(partyId)) + " at this site"));
        List<TTaskRecord> tasks = jobs.latestTasks(jobId);
        JsonNode dsl = Json.parse(row.getFDsl().data());
        ObjectNode o = NODES.objectNode();
        ObjectNode job = summary(row);
        job.put("error_report", row.getFErrorReport());
        o.set("job", job);
        o.set("dsl", dsl);
        o.set("runtime_conf", Json.parse(row.getFRuntimeConf().data()));
        o.set("parties", parties(row, jobs.jobRows(jobId), tasks));
        o.set("components", components(dsl, row, tasks));
        return o;
    }

    /**
     * Every party of the job with its status as this site knows it: its own rows; the initiator's mirror of
     * the others' tasks (the initiator pulls them every round); at another party, once the job ended, the end
     * status the initiator sends every party; otherwise unknown here.
     */
    private static ArrayNode parties(TJobRecord row, List<TJobRecord> here, List<TTaskRecord> tasks) {
        Map<String, String> ownStatus = new LinkedHashMap<>();
        here.forEach(r -> ownStatus.put(r.getFRole() + "/" + r.getFPartyId(), r.getFStatus()));
        JobStatus jobStatus = StatusMachine.parse(row.getFStatus());
        ArrayNode out = NODES.arrayNode();
        JsonNode roles = Json.parse(row.getFRoles().data());
        List<String> roleNames = new ArrayList<>();
        roles.fieldNames().forEachRemaining(roleNames::add);
        // in FATE's order (the stored conf does not keep its keys' order), parties as the conf lists them
        roleNames.sort(Comparator.comparing((String r) -> ROLE_ORDER.contains(r) ? ROLE_ORDER.indexOf(r)
                : ROLE_ORDER.size()).thenComparing(Comparator.naturalOrder()));
        roleNames.forEach(role -> roles.path(role).forEach(p -> {
            String partyId = p.asText();
            ObjectNode party = out.addObject().put("role", role).put("party_id", partyId);
            String own = ownStatus.get(role + "/" + partyId);
            List<TTaskRecord> theirs = tasks.stream()
                    .filter(t -> t.getFRole().equals(role) && t.getFPartyId().equals(partyId)).toList();
            if (own != null) {
                party.put("status", own).put("known_from", "this site");
            } else if (!theirs.isEmpty()) {
                party.put("status", ofTasks(theirs).wire()).put("known_from", "its tasks, mirrored by the initiator");
            } else if (jobStatus.isEnd()) {
                party.put("status", jobStatus.wire()).put("known_from", "the end status the initiator sends");
            } else {
                party.put("status", "unknown").put("known_from", "the initiator, party " + row.getFInitiatorPartyId());
            }
        }));
        return out;
    }

    /** A party's status from its tasks: running while any runs or some are done and others wait. */
    static JobStatus ofTasks(List<TTaskRecord> tasks) {
        Set<JobStatus> s = EnumSet.noneOf(JobStatus.class);
        tasks.forEach(t -> s.add(StatusMachine.parse(t.getFStatus())));
        if (s.contains(JobStatus.RUNNING)) {
            return JobStatus.RUNNING;
        }
        if (EnumSet.of(JobStatus.SUCCESS, JobStatus.PASS).containsAll(s)) {
            return JobStatus.SUCCESS;
        }
        for (JobStatus end : List.of(JobStatus.FAILED, JobStatus.TIMEOUT, JobStatus.CANCELED)) {
            if (s.contains(end)) {
                return end;
            }
        }
        return s.equals(EnumSet.of(JobStatus.WAITING)) ? JobStatus.WAITING : JobStatus.RUNNING;
    }

    /**
     * The DSL's components in the DAG's order (by layer: a component's is one more than its furthest
     * upstream's, sources 0; by name within a layer; the stored DSL does not keep its keys' order): module,
     * layer, status of its latest task at the viewed row's party ("waiting" before any), and the components
     * its inputs read (data, model, cache... any reference {@code component.output} under {@code input}
     * naming another component of the DSL).
     */
    private static ArrayNode components(JsonNode dsl, TJobRecord row, List<TTaskRecord> tasks) {
        Map<String, String> status = new LinkedHashMap<>();
        for (TTaskRecord t : tasks) {
            if (t.getFRole().equals(row.getFRole()) && t.getFPartyId().equals(row.getFPartyId())) {
                status.put(t.getFComponentName(), t.getFStatus());
            }
        }
        JsonNode components = dsl.path("components");
        Map<String, List<String>> upstream = new TreeMap<>();
        components.fields().forEachRemaining(e -> {
            Set<String> names = new LinkedHashSet<>();
            references(e.getValue().path("input"), names);
            upstream.put(e.getKey(), names.stream().filter(n -> components.has(n) && !n.equals(e.getKey()))
                    .sorted().toList());
        });
        Map<String, Integer> layers = new HashMap<>();
        upstream.keySet().forEach(name -> layer(name, upstream, layers, new HashSet<>()));
        ArrayNode out = NODES.arrayNode();
        upstream.keySet().stream().sorted(Comparator.comparing((String n) -> layers.get(n))
                .thenComparing(Comparator.naturalOrder())).forEach(name -> {
                    ObjectNode c = out.addObject().put("name", name)
                            .put("module", components.path(name).path("module").asText())
                            .put("layer", layers.get(name))
                            .put("status", status.getOrDefault(name, JobStatus.WAITING.wire()));
                    ArrayNode ups = c.putArray("upstream");
                    upstream.get(name).forEach(ups::add);
                });
        return out;
    }

    /** A component's layer; a cycle (which a submitted DSL cannot have) stops at the component seen twice. */
    private static int layer(String name, Map<String, List<String>> upstream, Map<String, Integer> layers,
                             Set<String> visiting) {
        Integer known = layers.get(name);
        if (known != null) {
            return known;
        }
        if (!visiting.add(name)) {
            return 0;
        }
        int layer = 0;
        for (String up : upstream.get(name)) {
            layer = Math.max(layer, layer(up, upstream, layers, visiting) + 1);
        }
        layers.put(name, layer);
        return layer;
    }

    /** The component names every "component.output" text under {@code input} refers to. */
    private static void references(JsonNode input, Set<String> names) {
        if (input.isTextual()) {
            String ref = input.asText();
            List<String> parts = new ArrayList<>(List.of(ref.split("\\.")));
            if (parts.size() >= 2) {
                // "pipeline.lr_0.model" in a predict DSL reads the pipeline's model of lr_0: no edge
                names.add(parts.get(0).equals("pipeline") ? "" : parts.get(0));
            }
            return;
        }
        input.forEach(child -> references(child, names));
    }

    /** FATE's upload history: each upload's job and table, newest first, one page. */
    ObjectNode uploads(Paging paging) {
        JobQueryStore.Page<TTaskRecord> found = store.moduleTasks("Upload", paging);
        ObjectNode o = NODES.objectNode();
        o.put("count", found.count());
        ArrayNode rows = o.putArray("uploads");
        for (TTaskRecord t : found.rows()) {
            JsonNode p = Json.parse(t.getFComponentParameters().data());
            rows.addObject().put("job_id", t.getFJobId()).put("status", t.getFStatus())
                    .put("namespace", p.path("namespace").asText(""))
                    .put("table_name", p.path("table_name").asText(""))
                    .put("file", p.path("file").asText(""))
                    .put("create_time", t.getFCreateTime()).put("end_time", t.getFEndTime())
                    .put("elapsed", t.getFElapsed()).put("error_report", t.getFErrorReport());
        }
        return o;
    }

    private static String orAny(String s) {
        return blank(s) ? "(any)" : s;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
