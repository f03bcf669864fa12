package io.fedflow.node.job;

import static io.fedflow.node.store.generated.Tables.T_COMPONENT_SUMMARY;
import static io.fedflow.node.store.generated.Tables.T_JOB;
import static io.fedflow.node.store.generated.Tables.T_OUTPUT_DATA_INFO;
import static io.fedflow.node.store.generated.Tables.T_TASK;
import static io.fedflow.node.store.generated.Tables.T_TRACKING_METRIC;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.FailureKind;
import io.fedflow.node.FlowException;
import io.fedflow.node.NodeConfig;
import io.fedflow.node.data.TableCatalog;
import io.fedflow.node.data.TableId;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.proto.RetCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SortField;
import org.jooq.impl.DSL;

/** The job operations of FATE's /v1/job, /v1/pipeline and /v1/resource APIs, over the scheduler and store. */
public final class JobService {
    private final JobStore jobs;
    private final JobScheduler scheduler;
    private final DslParser parser;
    private final JobIds jobIds;
    private final TableCatalog catalog;
    private final JobLogs logs;
    private final NodeConfig config;
    private final DSLContext dsl;
    private final RemoteParties remote;
    private final java.util.function.Predicate<String> isPeer;
    private final JobAdmission admission;

    public JobService(JobStore jobs, JobScheduler scheduler, DslParser parser, JobIds jobIds, TableCatalog catalog,
                      JobLogs logs, NodeConfig config, RemoteParties remote,
                      java.util.function.Predicate<String> isPeer, JobAdmission admission) {
        this.remote = remote;
        this.isPeer = isPeer;
        this.admission = admission;
        this.jobs = jobs;
        this.scheduler = scheduler;
        this.parser = parser;
        this.jobIds = jobIds;
        this.catalog = catalog;
        this.logs = logs;
        this.config = config;
        this.dsl = jobs.dsl();
    }

    /** A submitted job: its id and FATE's submit answer. */
    public record Submitted(String jobId, ObjectNode data) {}

    public Submitted submit(JsonNode dslJson, JsonNode confJson) {
        JobPlan plan = parser.parse(dslJson, confJson);
        String here = config.partyId();
        if (!JobStore.isHere(plan.initiatorRole(), plan.initiatorPartyId(), here)) {
            throw new FlowException(RetCode.OPERATING_ERROR, "the initiator is party " + plan.initiatorPartyId()
                    + ", this is party " + here + ": submit the job at its initiator");
        }
        List<String> remotes = scheduler.remoteParties(plan);
        for (String p : remotes) {
            if (!isPeer.test(p)) {
                throw new FlowException(RetCode.OPERATING_ERROR, "party " + p + " of this job is not a peer of "
                        + "this site: add it with /v1/site/peer/add (or `flow site peer add`)");
            }
        }
        checkTablesHere(plan);
        ObjectNode params = plan.jobParameters();
        int taskCores = plan.intParameter("task_cores", 4);
        int cores = taskCores * plan.intParameter("task_parallelism", 1);
        scheduler.resources().checkFits(cores);
        String jobType = params.path("job_type").asText("train");
        String jobId = jobIds.next();
        String modelId = modelId(plan);
        String modelVersion = jobId;
        if (jobType.equals("predict")) {
            modelId = params.path("model_id").asText("");
            modelVersion = params.path("model_version").asText("");
            if (modelId.isEmpty() || modelVersion.isEmpty()) {
                throw FlowException.argument("a predict job needs job_parameters.common.model_id and model_version");
            }
            List<TJobRecord> trained = jobs.jobRows(modelVersion);
            if (trained.isEmpty() || !JobStatus.SUCCESS.wire().equals(trained.get(0).getFStatus())) {
                throw FlowException.data("model version " + modelVersion + " is not a successful job at this node");
            }
        }
        ObjectNode onParty = plan.conf().deepCopy();
        ObjectNode common = ((ObjectNode) onParty.with("job_parameters")).with("common");
        common.setAll(params);
        common.put("job_type", jobType);
        common.put("task_cores", taskCores);
        common.put("task_parallelism", plan.intParameter("task_parallelism", 1));
        common.put("federated_mode", remotes.isEmpty() ? "SINGLE" : "MULTIPLE");
        common.put("federated_status_collect_type", remotes.isEmpty() ? "PUSH" : "PULL");
        common.put("computing_engine", ResourceManager.ENGINE);
        common.put("model_id", modelId);
        common.put("model_version", modelVersion);
        common.put("auto_retries", plan.intParameter("auto_retries", 0));
        common.put("auto_retry_delay", plan.intParameter("auto_retry_delay", JobPlan.DEFAULT_AUTO_RETRY_DELAY));
        common.put("timeout", plan.intParameter("timeout", 259200));
        jobs.createJob(jobId, plan, onParty, cores, plan.intParameter("timeout", 259200), modelId, modelVersion,
                here, !remotes.isEmpty());
        Path jobDir = writeJobFiles(jobId, plan, onParty);
        logs.schedule(jobId, "job submitted: " + plan.components().size() + " components, roles " + plan.roles());
        if (!remotes.isEmpty()) {
            createElsewhere(jobId, plan, onParty, remotes);
        }
        scheduler.wakeUp();
        return new Submitted(jobId, submitAnswer(jobId, modelId, modelVersion, jobDir, plan));
    }

    /**
     * Creates the job at every other party, one after the other. The first refusal (permission 108, a
     * missing table, an unreachable party...) fails the job here with FATE's tag submit_failed and stops
     * it at the parties that had already created it, so that nothing is left waiting anywhere.
     */
    private void createElsewhere(String jobId, JobPlan plan, ObjectNode onParty, List<String> remotes) {
        RemoteParties.CreateJob create = new RemoteParties.CreateJob(jobId, plan.initiatorRole(),
                plan.initiatorPartyId(), plan.dsl().toString(), plan.conf().toString(), onParty.toString());
        List<String> created = new ArrayList<>();
        for (String p : remotes) {
            try {
                remote.create(p, create);
                created.add(p);
                logs.schedule(jobId, "job created at party " + p);
            } catch (FlowException e) {
                String reason = "creating the job at party " + p + " failed: " + e.getMessage();
                for (String c : created) {
                    try {
                        remote.stop(c, jobId, JobStatus.FAILED, reason);
                    } catch (FlowException stop) {
                        logs.schedule(jobId, "could not stop the job at party " + c + ": " + stop.getMessage());
                    }
                }
                jobs.transitJob(jobId, JobStatus.FAILED, reason);
                dsl.update(T_JOB).set(T_JOB.F_TAG, "submit_failed").where(T_JOB.F_JOB_ID.eq(jobId)).execute();
                logs.schedule(jobId, "job failed at submit: " + reason);
                throw new FlowException(e.retCode(), e.kind(), "job " + jobId + ": " + reason, e);
            }
        }
        if (!jobs.markCreated(jobId)) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " left ready while it was created");
        }
    }

    /** Every Reader table of the roles this site holds must exist here. */
    private void checkTablesHere(JobPlan plan) {
        for (JobPlan.ReaderTable r : plan.readerTables()) {
            if (!JobStore.isHere(r.role(), r.partyId(), config.partyId())) {
                continue;
            }
            TableId id = new TableId(r.table().path("namespace").asText(), r.table().path("name").asText());
            if (catalog.find(id).isEmpty()) {
                throw FlowException.data("component " + r.component() + ": table " + id + " of role " + r.role()
                        + " party " + r.partyId() + " does not exist");
            }
        }
    }

    /**
     * A job created here by its initiator {@code sourceParty}: the permission hook must accept it for
     * every role this site holds, its tables must exist and its cores fit. Creating it twice is a no-op.
     */
    public void createFromInitiator(String sourceParty, RemoteParties.CreateJob create) {
        JobPlan plan = parser.parse(JobStore.parse(create.dslJson()), JobStore.parse(create.runtimeConfJson()));
        if (!plan.initiatorPartyId().equals(sourceParty) || !plan.initiatorRole().equals(create.initiatorRole())) {
            throw new FlowException(RetCode.PERMISSION_ERROR, "party " + sourceParty + " asks to create job "
                    + create.jobId() + " whose initiator is " + plan.initiatorRole() + " party "
                    + plan.initiatorPartyId() + ": only the initiator creates a job");
        }
        if (!JobIds.valid(create.jobId())) {
            throw FlowException.argument("job id " + create.jobId() + " is not a FATE job id");
        }
        List<Map.Entry<String, String>> mine = plan.parties().stream()
                .filter(p -> p.getValue().equals(config.partyId())).toList();
        if (mine.isEmpty()) {
            throw FlowException.argument("job " + create.jobId() + " has no role for party " + config.partyId());
        }
        for (Map.Entry<String, String> role : mine) {
            admission.check(sourceParty, plan, role.getKey(), role.getValue());
        }
        checkTablesHere(plan);
        ObjectNode onParty = (ObjectNode) JobStore.parse(create.runtimeConfOnPartyJson());
        JsonNode common = onParty.path("job_parameters").path("common");
        int cores = plan.intParameter("task_cores", 4) * plan.intParameter("task_parallelism", 1);
        scheduler.resources().checkFits(cores);
        boolean created = jobs.createJob(create.jobId(), plan, onParty, cores, plan.intParameter("timeout", 259200),
                common.path("model_id").asText(modelId(plan)), common.path("model_version").asText(create.jobId()),
                config.partyId(), false);
        if (created) {
            writeJobFiles(create.jobId(), plan, onParty);
            logs.schedule(create.jobId(), "job created by its initiator, party " + sourceParty + ", for roles "
                    + mine.stream().map(Map.Entry::getKey).toList());
        }
    }

    /** FATE's model id: sorted "role-party_party" joined by '#', then "#model". */
    static String modelId(JobPlan plan) {
        Map<String, List<String>> sorted = new TreeMap<>(plan.roles());
        List<String> parts = new ArrayList<>();
        sorted.forEach((role, ids) -> {
            List<String> s = new ArrayList<>(ids);
            java.util.Collections.sort(s);
            parts.add(role + "-" + String.join("_", s));
        });
        return String.join("#", parts) + "#model";
    }

    private ObjectNode submitAnswer(String jobId, String modelId, String modelVersion, Path jobDir, JobPlan plan) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("board_url", "http://" + config.host() + ":" + config.httpPort() + "/v1/job/query?job_id=" + jobId
                + "&role=" + plan.initiatorRole() + "&party_id=" + plan.initiatorPartyId());
        d.put("code", 0);
        d.put("dsl_path", jobDir.resolve("job_dsl.json").toString());
        d.put("job_id", jobId);
        d.put("logs_directory", logs.jobDir(jobId).toString());
        d.put("message", "success");
        d.putObject("model_info").put("model_id", modelId).put("model_version", modelVersion);
        d.put("pipeline_dsl_path", jobDir.resolve("pipeline_dsl.json").toString());
        d.put("runtime_conf_on_party_path", jobDir.resolve(plan.initiatorRole()).resolve(plan.initiatorPartyId())
                .resolve("job_runtime_on_party_conf.json").toString());
        d.put("runtime_conf_path", jobDir.resolve("job_runtime_conf.json").toString());
        d.put("train_runtime_conf_path", jobDir.resolve("train_runtime_conf.json").toString());
        return d;
    }

    private Path writeJobFiles(String jobId, JobPlan plan, ObjectNode onParty) {
        Path jobDir = config.dataDir().resolve("jobs").resolve(jobId);
        try {
            Files.createDirectories(jobDir);
            Files.writeString(jobDir.resolve("job_dsl.json"), plan.dsl().toPrettyString());
            Files.writeString(jobDir.resolve("job_runtime_conf.json"), plan.conf().toPrettyString());
            for (Map.Entry<String, String> party : plan.parties()) {
                Path p = jobDir.resolve(party.getKey()).resolve(party.getValue());
                Files.createDirectories(p);
                Files.writeString(p.resolve("job_runtime_on_party_conf.json"), onParty.toPrettyString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jobDir;
    }

    public void stop(String jobId, String stopStatus) {
        requireId(jobId);
        JobStatus status = stopStatus == null || stopStatus.isBlank() ? JobStatus.CANCELED
                : parseStatus(stopStatus, "stop_status");
        if (status != JobStatus.CANCELED && status != JobStatus.FAILED) {
            throw FlowException.argument("stop_status must be canceled or failed, got " + stopStatus);
        }
        scheduler.stop(jobId, status);
    }

    public List<String> rerun(String jobId, List<String> components, boolean force) {
        requireId(jobId);
        return scheduler.rerun(jobId, components, force);
    }

    /** FATE's job/query rows, with each waiting job's place in the queue. */
    public ArrayNode query(JobStore.JobFilter filter, String orderBy, boolean reverse) {
        ArrayNode rows = jobs.query(filter);
        boolean anyWaiting = false;
        for (JsonNode r : rows) {
            anyWaiting |= "waiting".equals(r.path("f_status").asText());
        }
        // The queue is only read when a row needs its position: job/query is the call clients poll.
        Map<String, Integer> positions = anyWaiting ? scheduler.queuePositions() : Map.of();
        Map<String, String> waitingFor = new java.util.HashMap<>();
        rows.forEach(r -> {
            Integer pos = positions.get(r.path("f_job_id").asText());
            if (pos != null && "waiting".equals(r.path("f_status").asText())) {
                ((ObjectNode) r).put("f_queue_position", pos);
            }
            // Beyond FATE: what a waiting or running job waits for right now (cores, a peer, a message...).
            String status = r.path("f_status").asText();
            if ("waiting".equals(status) || "running".equals(status) || "ready".equals(status)) {
                String jobId = r.path("f_job_id").asText();
                String why = waitingFor.computeIfAbsent(jobId, id -> java.util.Objects.requireNonNullElse(
                        scheduler.waitingFor(id, StatusMachine.parse(status), r.path("f_initiator_role").asText(),
                                r.path("f_initiator_party_id").asText()), ""));
                if (!why.isEmpty()) {
                    ((ObjectNode) r).put("f_waiting_for", why);
                }
            }
        });
        if (orderBy != null && !orderBy.isBlank()) {
            String key = orderBy.startsWith("f_") ? orderBy : "f_" + orderBy;
            List<JsonNode> list = new ArrayList<>();
            rows.forEach(list::add);
            list.sort((a, b) -> compare(a.get(key), b.get(key)));
            if (reverse) {
                java.util.Collections.reverse(list);
            }
            ArrayNode sorted = JsonNodeFactory.instance.arrayNode();
            list.forEach(sorted::add);
            return sorted;
        }
        return rows;
    }

    private static int compare(JsonNode a, JsonNode b) {
        if (a == null || a.isNull()) {
            return b == null || b.isNull() ? 0 : -1;
        }
        if (b == null || b.isNull()) {
            return 1;
        }
        return a.isNumber() && b.isNumber() ? Double.compare(a.asDouble(), b.asDouble())
                : a.asText().compareTo(b.asText());
    }

    /** FATE's list/job: un-prefixed rows with partners, newest first, paged. */
    public ObjectNode list(int limit, int page, String jobId, String description, String partyId, List<String> roles,
                           List<String> statuses, String orderBy, String order) {
        List<Condition> conds = new ArrayList<>();
        if (!blank(jobId)) {
            conds.add(T_JOB.F_JOB_ID.contains(jobId));
        }
        if (!blank(description)) {
            conds.add(T_JOB.F_DESCRIPTION.contains(description));
        }
        if (!blank(partyId)) {
            conds.add(T_JOB.F_PARTY_ID.contains(partyId));
        }
        if (!roles.isEmpty()) {
            conds.add(T_JOB.F_ROLE.in(roles));
        }
        if (!statuses.isEmpty()) {
            conds.add(T_JOB.F_STATUS.in(statuses));
        }
        Map<String, Field<?>> orderable = Map.of("job_id", T_JOB.F_JOB_ID, "create_time", T_JOB.F_CREATE_TIME,
                "start_time", T_JOB.F_START_TIME, "end_time", T_JOB.F_END_TIME, "elapsed", T_JOB.F_ELAPSED);
        Field<?> by = orderable.get(blank(orderBy) ? "create_time" : orderBy);
        if (by == null) {
            throw FlowException.argument("order_by must be one of " + new java.util.TreeSet<>(orderable.keySet()));
        }
        SortField<?> sort = "asc".equalsIgnoreCase(order) ? by.asc() : by.desc();
        int count = dsl.fetchCount(T_JOB, conds);
        var q = dsl.selectFrom(T_JOB).where(conds).orderBy(sort);
        var records = limit > 0 ? q.limit(limit).offset(Math.max(0, page - 1) * limit).fetch() : q.fetch();
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (TJobRecord r : records) {
            ObjectNode row = unprefixed(JobStore.row(r));
            ArrayNode partners = row.putArray("partners");
            JobStore.parse(r.getFRoles().data()).fields().forEachRemaining(e -> e.getValue().forEach(p -> {
                if (!p.asText().equals(r.getFPartyId())) {
                    partners.add(p.asText());
                }
            }));
            out.add(row);
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("jobs", out);
        o.put("count", count);
        return o;
    }

    static ObjectNode unprefixed(ObjectNode row) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        row.fields().forEachRemaining(e -> o.set(e.getKey().startsWith("f_") ? e.getKey().substring(2)
                : e.getKey(), e.getValue()));
        return o;
    }

    public void update(String jobId, String role, String partyId, String notes) {
        if (blank(jobId) || blank(role) || blank(partyId)) {
            throw FlowException.argument("required argument are missing: job_id, role, party_id");
        }
        int n = dsl.update(T_JOB).set(T_JOB.F_DESCRIPTION, notes == null ? "" : notes)
                .where(T_JOB.F_JOB_ID.eq(jobId), T_JOB.F_ROLE.eq(role), T_JOB.F_PARTY_ID.eq(partyId)).execute();
        if (n == 0) {
            throw FlowException.notFound("find job failed: no job " + jobId + " for role " + role + " party "
                    + partyId);
        }
    }

    /** Changes an ended job's parameters for its next rerun; refused while it waits or runs. */
    public ObjectNode updateParameters(String jobId, JsonNode jobParameters, JsonNode componentParameters) {
        requireId(jobId);
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            throw FlowException.notFound("no job " + jobId);
        }
        String initiator = rows.get(0).getFInitiatorPartyId();
        if (!JobStore.isHere(rows.get(0).getFInitiatorRole(), initiator, config.partyId())) {
            // FATE changes a job's parameters at its initiator, which passes them to every party
            remote.updateParameters(initiator, jobId, text(jobParameters), text(componentParameters));
            return updated(jobs.jobRows(jobId).get(0), componentParameters);
        }
        ObjectNode answer = updateHere(jobId, jobParameters, componentParameters);
        List<String> others = scheduler.remoteParties(scheduler.freshPlan(rows.get(0)));
        for (String p : others) {
            try {
                remote.updateParameters(p, jobId, text(jobParameters), text(componentParameters));
            } catch (FlowException e) {
                throw new FlowException(e.retCode(), "parameters of job " + jobId + " changed here, but not at party "
                        + p + ": " + e.getMessage());
            }
        }
        return answer;
    }

    /** Parameters sent by another party: only the job's initiator changes them, here and everywhere. */
    public void updateParametersFromParty(String sourceParty, String jobId, JsonNode jobParameters,
                                          JsonNode componentParameters) {
        TJobRecord lead = scheduler.requireParticipant(sourceParty, jobId, false);
        if (JobStore.isHere(lead.getFInitiatorRole(), lead.getFInitiatorPartyId(), config.partyId())) {
            updateParameters(jobId, jobParameters, componentParameters);
        } else {
            scheduler.requireParticipant(sourceParty, jobId, true);
            updateHere(jobId, jobParameters, componentParameters);
        }
    }

    private static String text(JsonNode node) {
        return node == null || !node.isObject() ? null : node.toString();
    }

    private static ObjectNode updated(TJobRecord row, JsonNode componentParameters) {
        JsonNode conf = JobStore.parse(row.getFRuntimeConf().data());
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("job_parameters", conf.path("job_parameters"));
        o.set("component_parameters", conf.path("component_parameters"));
        ArrayNode cpns = o.putArray("components");
        if (componentParameters != null) {
            componentParameters.path("common").fieldNames().forEachRemaining(cpns::add);
        }
        return o;
    }

    private ObjectNode updateHere(String jobId, JsonNode jobParameters, JsonNode componentParameters) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            throw FlowException.notFound("no job " + jobId);
        }
        JobStatus status = StatusMachine.parse(rows.get(0).getFStatus());
        if (!status.isEnd()) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " is " + status.wire()
                    + ": parameters can only change while it is not running");
        }
        ObjectNode conf = (ObjectNode) JobStore.parse(rows.get(0).getFRuntimeConf().data());
        if (jobParameters != null && jobParameters.isObject()) {
            merge(conf.with("job_parameters"), jobParameters);
        }
        if (componentParameters != null && componentParameters.isObject()) {
            merge(conf.with("component_parameters"), componentParameters);
        }
        JobPlan plan = parser.parse(JobStore.parse(rows.get(0).getFDsl().data()), conf);
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            t.update(T_JOB).set(T_JOB.F_RUNTIME_CONF, JobStore.jsonb(plan.conf()))
                    .where(T_JOB.F_JOB_ID.eq(jobId)).execute();
            for (var task : jobs.latestTasks(jobId)) {
                t.update(T_TASK).set(T_TASK.F_COMPONENT_PARAMETERS, JobStore.jsonb(
                                plan.parameters(task.getFComponentName(), task.getFRole(), task.getFPartyId())))
                        .set(T_TASK.F_AUTO_RETRIES, plan.intParameter("auto_retries", task.getFRole(),
                                task.getFPartyId(), 0))
                        .where(T_TASK.F_JOB_ID.eq(jobId), T_TASK.F_TASK_ID.eq(task.getFTaskId()),
                                T_TASK.F_TASK_VERSION.eq(task.getFTaskVersion()), T_TASK.F_ROLE.eq(task.getFRole()),
                                T_TASK.F_PARTY_ID.eq(task.getFPartyId()))
                        .execute();
            }
        });
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("job_parameters", plan.conf().path("job_parameters"));
        o.set("component_parameters", plan.conf().path("component_parameters"));
        ArrayNode cpns = o.putArray("components");
        if (componentParameters != null) {
            componentParameters.path("common").fieldNames().forEachRemaining(cpns::add);
        }
        return o;
    }

    private static void merge(ObjectNode into, JsonNode from) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = into.get(e.getKey());
            if (existing != null && existing.isObject() && e.getValue().isObject()) {
                merge((ObjectNode) existing, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    public ObjectNode config(String jobId, String role, String partyId) {
        requireId(jobId);
        var q = dsl.selectFrom(T_JOB).where(T_JOB.F_JOB_ID.eq(jobId));
        if (!blank(role)) {
            q = q.and(T_JOB.F_ROLE.eq(role));
        }
        if (!blank(partyId)) {
            q = q.and(T_JOB.F_PARTY_ID.eq(partyId));
        }
        TJobRecord r = q.limit(1).fetchOne();
        if (r == null) {
            throw FlowException.notFound("find job failed: no job " + jobId);
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("job_id", jobId);
        o.set("dsl", JobStore.parse(r.getFDsl().data()));
        o.set("runtime_conf", JobStore.parse(r.getFRuntimeConf().data()));
        o.set("runtime_conf_on_party", JobStore.parse(r.getFRuntimeConfOnParty().data()));
        o.set("train_runtime_conf", JobStore.parse(r.getFTrainRuntimeConf().data()));
        o.putObject("model_info").put("model_id", r.getFModelId()).put("model_version", r.getFModelVersion());
        return o;
    }

    public Path logDirectory(String jobId) {
        requireId(jobId);
        if (jobs.jobRows(jobId).isEmpty()) {
            throw FlowException.notFound("no job " + jobId);
        }
        return logs.jobDir(jobId);
    }

    public ArrayNode queryTasks(String jobId, String component, String role, String partyId, String status,
                                String taskId, Long version, boolean onlyLatest) {
        List<Condition> conds = new ArrayList<>();
        if (!blank(jobId)) {
            conds.add(T_TASK.F_JOB_ID.eq(jobId));
        }
        if (!blank(component)) {
            conds.add(T_TASK.F_COMPONENT_NAME.eq(component));
        }
        if (!blank(role)) {
            conds.add(T_TASK.F_ROLE.eq(role));
        }
        if (!blank(partyId)) {
            conds.add(T_TASK.F_PARTY_ID.eq(partyId));
        }
        if (!blank(status)) {
            conds.add(T_TASK.F_STATUS.eq(status));
        }
        if (!blank(taskId)) {
            conds.add(T_TASK.F_TASK_ID.eq(taskId));
        }
        if (version != null) {
            conds.add(T_TASK.F_TASK_VERSION.eq(version));
        }
        if (onlyLatest && version == null) {
            var t2 = T_TASK.as("t2");
            conds.add(T_TASK.F_TASK_VERSION.eq(DSL.select(DSL.max(t2.F_TASK_VERSION)).from(t2)
                    .where(t2.F_JOB_ID.eq(T_TASK.F_JOB_ID), t2.F_TASK_ID.eq(T_TASK.F_TASK_ID),
                            t2.F_ROLE.eq(T_TASK.F_ROLE), t2.F_PARTY_ID.eq(T_TASK.F_PARTY_ID))));
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        if (conds.isEmpty()) {
            throw FlowException.notFound("find task failed: give at least one filter (job_id, component_name...)");
        }
        dsl.selectFrom(T_TASK).where(conds).orderBy(T_TASK.F_CREATE_TIME, T_TASK.F_TASK_VERSION)
                .forEach(r -> out.add(JobStore.row(r)));
        if (out.isEmpty()) {
            throw FlowException.notFound("find task failed");
        }
        return out;
    }

    public ObjectNode listTasks(int limit, int page, String jobId, String role, String partyId, String component,
                                String orderBy, String order) {
        List<Condition> conds = new ArrayList<>();
        if (!blank(jobId)) {
            conds.add(T_TASK.F_JOB_ID.eq(jobId));
        }
        if (!blank(role)) {
            conds.add(T_TASK.F_ROLE.eq(role));
        }
        if (!blank(partyId)) {
            conds.add(T_TASK.F_PARTY_ID.eq(partyId));
        }
        if (!blank(component)) {
            conds.add(T_TASK.F_COMPONENT_NAME.eq(component));
        }
        Map<String, Field<?>> orderable = Map.of("create_time", T_TASK.F_CREATE_TIME, "start_time",
                T_TASK.F_START_TIME, "end_time", T_TASK.F_END_TIME, "elapsed", T_TASK.F_ELAPSED, "job_id",
                T_TASK.F_JOB_ID);
        Field<?> by = orderable.get(blank(orderBy) ? "create_time" : orderBy);
        if (by == null) {
            throw FlowException.argument("order_by must be one of " + new java.util.TreeSet<>(orderable.keySet()));
        }
        SortField<?> sort = "desc".equalsIgnoreCase(order) ? by.desc() : by.asc();
        int count = dsl.fetchCount(T_TASK, conds);
        var q = dsl.selectFrom(T_TASK).where(conds).orderBy(sort, T_TASK.F_TASK_VERSION.asc());
        var records = limit > 0 ? q.limit(limit).offset(Math.max(0, page - 1) * limit).fetch() : q.fetch();
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        records.forEach(r -> out.add(unprefixed(JobStore.row(r))));
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("tasks", out);
        o.put("count", count);
        return o;
    }

    /** Deletes what a job produced at this node (output tables, metrics, summaries); refused while it runs. */
    public ObjectNode clean(String jobId, String role, String partyId, String component) {
        requireId(jobId);
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty() || jobs.latestTasks(jobId).isEmpty()) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, "no task found for job " + jobId);
        }
        JobStatus status = StatusMachine.parse(rows.get(0).getFStatus());
        if (!status.isEnd()) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " is " + status.wire()
                    + ": stop it before cleaning");
        }
        List<Condition> outputs = new ArrayList<>(List.of(T_OUTPUT_DATA_INFO.F_JOB_ID.eq(jobId)));
        List<Condition> metrics = new ArrayList<>(List.of(T_TRACKING_METRIC.F_JOB_ID.eq(jobId)));
        if (!blank(role)) {
            outputs.add(T_OUTPUT_DATA_INFO.F_ROLE.eq(role));
            metrics.add(T_TRACKING_METRIC.F_ROLE.eq(role));
        }
        if (!blank(partyId)) {
            outputs.add(T_OUTPUT_DATA_INFO.F_PARTY_ID.eq(partyId));
            metrics.add(T_TRACKING_METRIC.F_PARTY_ID.eq(partyId));
        }
        if (!blank(component)) {
            outputs.add(T_OUTPUT_DATA_INFO.F_COMPONENT_NAME.eq(component));
            metrics.add(T_TRACKING_METRIC.F_COMPONENT_NAME.eq(component));
        }
        int tables = 0;
        for (var info : dsl.selectFrom(T_OUTPUT_DATA_INFO).where(outputs).fetch()) {
            TableId id = new TableId(info.getFTableNamespace(), info.getFTableName());
            if (catalog.find(id).isPresent()) {
                catalog.delete(id);
                tables++;
            }
        }
        int deletedMetrics = dsl.deleteFrom(T_TRACKING_METRIC).where(metrics).execute();
        dsl.deleteFrom(T_COMPONENT_SUMMARY).where(T_COMPONENT_SUMMARY.F_JOB_ID.eq(jobId)).execute();
        scheduler.deleteMessages(jobId);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("job_id", jobId);
        o.put("deleted_tables", tables);
        o.put("deleted_metrics", deletedMetrics);
        return o;
    }

    public ObjectNode cleanQueue() {
        return scheduler.cleanQueue();
    }

    public ObjectNode resources(boolean withJobs) {
        return scheduler.resources().describe(withJobs);
    }

    public ArrayNode returnResource(String jobId) {
        requireId(jobId);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            throw FlowException.notFound("no job " + jobId);
        }
        JobStatus status = StatusMachine.parse(rows.get(0).getFStatus());
        boolean returned = status.isEnd() && scheduler.resources().release(jobId);
        if (returned) {
            jobs.setResources(jobId, false);
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
        JobPlan plan;
        if (!blank(jobId)) {
            List<TJobRecord> rows = jobs.jobRows(jobId);
            if (rows.isEmpty()) {
                throw FlowException.notFound("no job " + jobId);
            }
            plan = scheduler.freshPlan(rows.get(0));
        } else {
            plan = parser.parse(dslJson, confJson);
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

    /** A predict DSL keeping {@code keep}: inputs rewired past dropped components, models from the pipeline. */
    public ObjectNode generatePredictDsl(JsonNode trainDsl, List<String> keep) {
        if (trainDsl == null || !trainDsl.path("components").isObject()) {
            throw FlowException.argument("train_dsl must be a DSL with components");
        }
        if (keep.isEmpty()) {
            throw FlowException.argument("required argument are missing: cpn_str");
        }
        JsonNode cpns = trainDsl.path("components");
        for (String k : keep) {
            if (!cpns.has(k)) {
                throw FlowException.argument("component " + k + " is not in train_dsl");
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode outCpns = out.putObject("components");
        for (Iterator<Map.Entry<String, JsonNode>> it = cpns.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!keep.contains(e.getKey())) {
                continue;
            }
            JsonNode c = e.getValue();
            ObjectNode nc = outCpns.putObject(e.getKey());
            nc.put("module", c.path("module").asText());
            ObjectNode input = JsonNodeFactory.instance.objectNode();
            JsonNode data = c.path("input").path("data");
            if (data.isObject()) {
                ObjectNode nd = input.putObject("data");
                data.fields().forEachRemaining(d -> {
                    String key = d.getKey().equals("train_data") ? "test_data" : d.getKey();
                    if (d.getKey().equals("validate_data")) {
                        return;
                    }
                    ArrayNode refs = nd.putArray(key);
                    d.getValue().forEach(ref -> refs.add(resolve(ref.asText(), cpns, keep)));
                });
            }
            if (c.path("output").path("model").size() > 0) {
                input.putArray("model").add("pipeline." + e.getKey() + ".model");
            }
            if (!input.isEmpty()) {
                nc.set("input", input);
            }
            if (c.path("output").path("data").isArray()) {
                nc.putObject("output").set("data", c.path("output").path("data").deepCopy());
            }
        }
        return out;
    }

    /** Follows a data reference past components that are dropped from the predict DSL. */
    private static String resolve(String ref, JsonNode cpns, List<String> keep) {
        String cpn = ref.substring(0, ref.indexOf('.'));
        if (keep.contains(cpn)) {
            return ref;
        }
        JsonNode data = cpns.path(cpn).path("input").path("data");
        for (Iterator<JsonNode> it = data.elements(); it.hasNext(); ) {
            JsonNode refs = it.next();
            if (refs.size() > 0) {
                return resolve(refs.get(0).asText(), cpns, keep);
            }
        }
        throw FlowException.argument("component " + cpn + " is dropped and has no data input to read from instead");
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
