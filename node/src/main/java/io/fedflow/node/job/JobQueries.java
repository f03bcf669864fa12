package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The read side of FATE's job, task and pipeline APIs: rows as FATE prints them, with what this node adds
 * (a waiting job's place in the queue, what a job waits for right now), and a job's DAG.
 */
final class JobQueries {
    private final JobCore core;
    private final JobStore jobs;
    private final JobQueryStore store;
    private final JobOverviews overviews;

    JobQueries(JobCore core, JobQueryStore store) {
        this.core = core;
        this.jobs = core.jobs();
        this.store = store;
        this.overviews = new JobOverviews(core.jobs(), store);
    }

    /** What the board shows of jobs. */
    JobOverviews overviews() {
        return overviews;
    }

    /** FATE's job/query rows, with each waiting job's place in the queue. */
    ArrayNode query(JobFilter filter, String orderBy, boolean reverse) {
        ArrayNode rows = store.query(filter, orderBy, reverse);
        boolean anyWaiting = false;
        for (JsonNode r : rows) {
            anyWaiting |= "waiting".equals(r.path("f_status").asText());
        }
        // The queue is only read when a row needs its position: job/query is the call clients poll.
        Map<String, Integer> positions = anyWaiting ? queuePositions() : Map.of();
        Map<String, String> waitingFor = new HashMap<>();
        rows.forEach(r -> {
            Integer pos = positions.get(r.path("f_job_id").asText());
            if (pos != null && "waiting".equals(r.path("f_status").asText())) {
                ((ObjectNode) r).put("f_queue_position", pos);
            }
            // Beyond FATE: what a waiting or running job waits for right now (cores, a peer, a message...).
            String status = r.path("f_status").asText();
            if ("waiting".equals(status) || "running".equals(status) || "ready".equals(status)) {
                String jobId = r.path("f_job_id").asText();
                String why = waitingFor.computeIfAbsent(jobId, id -> Objects.requireNonNullElse(
                        waitingFor(id, StatusMachine.parse(status), r.path("f_initiator_role").asText(),
                                r.path("f_initiator_party_id").asText()), ""));
                if (!why.isEmpty()) {
                    ((ObjectNode) r).put("f_waiting_for", why);
                }
            }
        });
        return rows;
    }

    /** FATE's list/job: un-prefixed rows with partners, newest first, paged. */
    ObjectNode list(int limit, int page, String jobId, String description, String partyId, List<String> roles,
                    List<String> statuses, String orderBy, String order) {
        JobQueryStore.Page<TJobRecord> found = store.listJobs(jobId, description, partyId, roles, statuses, orderBy,
                order, limit, page);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (TJobRecord r : found.rows()) {
            ObjectNode row = unprefixed(JobQueryStore.row(r));
            ArrayNode partners = row.putArray("partners");
            Json.parse(r.getFRoles().data()).fields().forEachRemaining(e -> e.getValue().forEach(p -> {
                if (!p.asText().equals(r.getFPartyId())) {
                    partners.add(p.asText());
                }
            }));
            out.add(row);
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("jobs", out);
        o.put("count", found.count());
        return o;
    }

    static ObjectNode unprefixed(ObjectNode row) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        row.fields().forEachRemaining(e -> o.set(e.getKey().startsWith("f_") ? e.getKey().substring(2)
                : e.getKey(), e.getValue()));
        return o;
    }

    void update(String jobId, String role, String partyId, String notes) {
        if (blank(jobId) || blank(role) || blank(partyId)) {
            throw FlowException.argument("required argument are missing: job_id, role, party_id");
        }
        if (!store.updateDescription(jobId, role, partyId, notes)) {
            throw FlowException.notFound("find job failed: no job " + jobId + " for role " + role + " party "
                    + partyId);
        }
    }

    ObjectNode config(String jobId, String role, String partyId) {
        TJobRecord r = store.jobRow(jobId, role, partyId)
                .orElseThrow(() -> FlowException.notFound("find job failed: no job " + jobId));
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("job_id", jobId);
        o.set("dsl", Json.parse(r.getFDsl().data()));
        o.set("runtime_conf", Json.parse(r.getFRuntimeConf().data()));
        o.set("runtime_conf_on_party", Json.parse(r.getFRuntimeConfOnParty().data()));
        o.set("train_runtime_conf", Json.parse(r.getFTrainRuntimeConf().data()));
        o.putObject("model_info").put("model_id", r.getFModelId()).put("model_version", r.getFModelVersion());
        return o;
    }

    Path logDirectory(String jobId) {
        if (jobs.jobRows(jobId).isEmpty()) {
            throw FlowException.notFound("no job " + jobId);
        }
        return core.logs().jobDir(jobId);
    }

    ArrayNode queryTasks(String jobId, String component, String role, String partyId, String status,
                         String taskId, Long version, boolean onlyLatest) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        store.tasks(new JobQueryStore.TaskFilter(jobId, component, role, partyId, status, taskId, version, onlyLatest))
                .forEach(r -> out.add(JobQueryStore.row(r)));
        if (out.isEmpty()) {
            throw FlowException.notFound("find task failed");
        }
        return out;
    }

    ObjectNode listTasks(int limit, int page, String jobId, String role, String partyId, String component,
                         String orderBy, String order) {
        JobQueryStore.Page<TTaskRecord> found = store.listTasks(jobId, role, partyId, component, orderBy, order,
                limit, page);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        found.rows().forEach(r -> out.add(unprefixed(JobQueryStore.row(r))));
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("tasks", out);
        o.put("count", found.count());
        return o;
    }

    /** FATE's dag/dependency for a submitted job or a DSL and conf. */
    ObjectNode dagDependency(String jobId, JsonNode dslJson, JsonNode confJson, String role, String partyId) {
        JobPlan plan;
        if (!blank(jobId)) {
            List<TJobRecord> rows = jobs.jobRows(jobId);
            if (rows.isEmpty()) {
                throw FlowException.notFound("no job " + jobId);
            }
            plan = core.plans().fresh(rows.get(0));
        } else {
            plan = core.plans().parse(dslJson, confJson);
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ArrayNode list = o.putArray("component_list");
        ObjectNode deps = o.putObject("dependencies");
        ObjectNode modules = o.putObject("component_module");
        ObjectNode needRun = o.putObject("component_need_run");
        for (JobPlan.PlannedComponent c : plan.components()) {
            list.add(c.name());
            modules.put(c.name(), c.definition().module());
            boolean run = blank(role) || blank(partyId) || plan.needRun(c.name(), role, partyId);
            needRun.put(c.name(), run);
            ArrayNode d = deps.putArray(c.name());
            c.dataInputs().forEach((key, refs) -> refs.forEach(ref -> d.addObject()
                    .put("component_name", ref.substring(0, ref.indexOf('.')))
                    .put("type", key)
                    .set("up_output_info", JsonNodeFactory.instance.arrayNode().add("data").add(0))));
            c.modelInputs().forEach(ref -> d.addObject().put("component_name", ref.substring(0, ref.indexOf('.')))
                    .put("type", "model")
                    .set("up_output_info", JsonNodeFactory.instance.arrayNode().add("model").add(0)));
            if (d.isEmpty()) {
                deps.remove(c.name());
            }
        }
        return o;
    }

    /**
     * What a waiting or running job waits for right now at this site, in words; null when it ended or
     * nothing is known to hold it. Shown by job/query as {@code f_waiting_for}.
     */
    String waitingFor(String jobId, JobStatus status, String initiatorRole, String initiatorPartyId) {
        String known = core.waits().describe(jobId);
        if (known != null) {
            return known;
        }
        if (status == JobStatus.WAITING || status == JobStatus.READY) {
            return JobStore.isHere(initiatorRole, initiatorPartyId, core.thisParty())
                    ? "cores: the scheduler admits it at its next round"
                    : "its start by the initiator, party " + initiatorPartyId
                    + ", once the job's cores are free at every party";
        }
        if (status != JobStatus.RUNNING) {
            return null;
        }
        List<String> busy = new ArrayList<>();
        for (TTaskRecord t : jobs.latestTasks(jobId)) {
            if (JobStatus.RUNNING.wire().equals(t.getFStatus())) {
                busy.add("task " + t.getFComponentName() + " " + t.getFRole() + " " + t.getFPartyId() + " (version "
                        + t.getFTaskVersion() + (t.getFRunOnThisParty() ? "" : ", at its party") + ")");
            }
        }
        return busy.isEmpty() ? "its next task to start" : "running " + String.join(", ", busy);
    }

    /** Queue position of each waiting job (1 = next). */
    Map<String, Integer> queuePositions() {
        Map<String, Integer> out = new LinkedHashMap<>();
        int i = 1;
        for (TJobRecord job : jobs.jobsWithStatus(JobStatus.WAITING)) {
            out.put(job.getFJobId(), i++);
        }
        return out;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
