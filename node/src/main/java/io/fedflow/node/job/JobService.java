package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Paging;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import java.nio.file.Path;
import java.util.List;

/**
 * The job operations of FATE's /v1/job, /v1/pipeline and /v1/resource APIs, as the client port's adapters
 * call them: checks the arguments every call shares, then hands each to its part of the job core
 * (submission, the coordinator, reruns, parameters, clean, queries).
 */
public final class JobService {
    private final JobCore core;
    private final JobParts parts;

    JobService(JobCore core, JobParts parts) {
        this.core = core;
        this.parts = parts;
    }

    /** A submitted job: its id and FATE's submit answer. */
    public record Submitted(String jobId, ObjectNode data) {}

    public Submitted submit(JsonNode dslJson, JsonNode confJson) {
        return parts.submission().submit(dslJson, confJson);
    }

    public void stop(String jobId, String stopStatus) {
        requireId(jobId);
        JobStatus status = stopStatus == null || stopStatus.isBlank() ? JobStatus.CANCELED
                : parseStatus(stopStatus, "stop_status");
        if (status != JobStatus.CANCELED && status != JobStatus.FAILED) {
            throw FlowException.argument("stop_status must be canceled or failed, got " + stopStatus);
        }
        parts.coordinator().stop(jobId, status);
    }

    public List<String> rerun(String jobId, List<String> components, boolean force) {
        requireId(jobId);
        return parts.reruns().rerun(jobId, components, force);
    }

    /** FATE's job/query rows, with each waiting job's place in the queue. */
    public ArrayNode query(JobFilter filter, String orderBy, boolean reverse) {
        return parts.queries().query(filter, orderBy, reverse);
    }

    /** FATE's list/job: un-prefixed rows with partners, newest first, paged. */
    public ObjectNode list(int limit, int page, String jobId, String description, String partyId, List<String> roles,
                           List<String> statuses, String orderBy, String order) {
        return parts.queries().list(limit, page, jobId, description, partyId, roles, statuses, orderBy, order);
    }

    /** The board's job list: rows matching every filter given (every job when none), newest first, paged. */
    public ObjectNode page(JobFilter filter, Paging paging) {
        return parts.queries().overviews().page(filter, paging);
    }

    /**
     * The board's job: {@code {job, dsl, runtime_conf, parties, components}} at one of its rows here (the
     * first when role and party are blank).
     */
    public ObjectNode overview(String jobId, String role, String partyId) {
        requireId(jobId);
        return parts.queries().overviews().job(jobId, role, partyId);
    }

    /** Whether a job's status (as {@link #overview} shows it) is one it ends with. */
    public static boolean ended(String status) {
        return StatusMachine.parse(status).isEnd();
    }

    /** The upload history: each upload's job and table, newest first, paged. */
    public ObjectNode uploads(Paging paging) {
        return parts.queries().overviews().uploads(paging);
    }

    public void update(String jobId, String role, String partyId, String notes) {
        parts.queries().update(jobId, role, partyId, notes);
    }

    /** Changes an ended job's parameters for its next rerun; refused while it waits or runs. */
    public ObjectNode updateParameters(String jobId, JsonNode jobParameters, JsonNode componentParameters) {
        requireId(jobId);
        return parts.parameters().update(jobId, jobParameters, componentParameters);
    }

    public ObjectNode config(String jobId, String role, String partyId) {
        requireId(jobId);
        return parts.queries().config(jobId, role, partyId);
    }

    public Path logDirectory(String jobId) {
        requireId(jobId);
        return parts.queries().logDirectory(jobId);
    }

    public ArrayNode queryTasks(String jobId, String component, String role, String partyId, String status,
                                String taskId, Long version, boolean onlyLatest) {
        return parts.queries().queryTasks(jobId, component, role, partyId, status, taskId, version, onlyLatest);
    }

    public ObjectNode listTasks(int limit, int page, String jobId, String role, String partyId, String component,
                                String orderBy, String order) {
        return parts.queries().listTasks(limit, page, jobId, role, partyId, component, orderBy, order);
    }

    /** Deletes what a job produced at this node (output tables, metrics, summaries); refused while it runs. */
    public ObjectNode clean(String jobId, String role, String partyId, String component) {
        requireId(jobId);
        return parts.cleanup().clean(jobId, role, partyId, component);
    }

    public ObjectNode cleanQueue() {
        return parts.coordinator().cleanQueue();
    }

    /** FATE's resource/query: the engine's cores and, with {@code withJobs}, one row per role and party holding some. */
    public ObjectNode resources(boolean withJobs) {
        ObjectNode out = core.resources().describe(false);
        if (withJobs) {
            ArrayNode rows = out.withArray("use_resource_job");
            for (String jobId : core.resources().holders()) {
                for (TJobRecord r : core.jobs().jobRows(jobId)) {
                    rows.addObject().put("job_id", jobId).put("role", r.getFRole()).put("party_id", r.getFPartyId())
                            .put("core", r.getFCores()).put("memory", 0);
                }
            }
        }
        return out;
    }

    public ArrayNode returnResource(String jobId) {
        requireId(jobId);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        List<TJobRecord> rows = core.jobs().jobRows(jobId);
        if (rows.isEmpty()) {
            throw FlowException.notFound("no job " + jobId);
        }
        JobStatus status = StatusMachine.parse(rows.get(0).getFStatus());
        boolean returned = status.isEnd() && core.resources().release(jobId);
        if (returned) {
            core.jobs().setResources(jobId, false);
        }
        for (TJobRecord r : rows) {
            out.addObject().put("job_id", jobId).put("role", r.getFRole()).put("party_id", r.getFPartyId())
                    .put("resource_in_use", !status.isEnd() && r.getFResourceInUse())
                    .put("resource_return_status", status.isEnd());
        }
        return out;
    }

    /** FATE's dag/dependency for a submitted job or a DSL and conf. */
    public ObjectNode dagDependency(String jobId, JsonNode dslJson, JsonNode confJson, String role, String partyId) {
        return parts.queries().dagDependency(jobId, dslJson, confJson, role, partyId);
    }

    /** A predict DSL keeping {@code keep}: inputs rewired past dropped components, models from the pipeline. */
    public ObjectNode generatePredictDsl(JsonNode trainDsl, List<String> keep) {
        return PredictDsl.generate(trainDsl, keep);
    }

    private static JobStatus parseStatus(String s, String field) {
        try {
            return StatusMachine.parse(s);
        } catch (IllegalArgumentException e) {
            throw FlowException.argument(field + " " + s + " is not a status");
        }
    }

    private static void requireId(String jobId) {
        if (blank(jobId)) {
            throw FlowException.argument("required argument are missing: job_id");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
