package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.BoardLinks;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.data.TableCatalog;
import io.fedflow.node.data.TableId;
import io.fedflow.node.json.Json;
import io.fedflow.node.logging.LogContext;
import io.fedflow.proto.RetCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A job comes into being: submitted at its initiator (checked, stored, created at every other party, or
 * failed everywhere with FATE's tag submit_failed), or created here by its initiator (after the permission
 * hook accepted it for every role this site holds). Both write the job's DSL and confs to its directory.
 */
final class JobSubmission {
    private final JobCore core;
    private final JobStore jobs;
    private final JobIds jobIds;
    private final TableCatalog catalog;
    private final NodeConfig config;
    private final BoardLinks board;
    private final RemoteParties remote;
    private final Predicate<String> isPeer;
    private final JobAdmission admission;

    /** Who may take part: a party must be a peer of this site, and pass the admission hook at create. */
    record Gates(Predicate<String> isPeer, JobAdmission admission) {}

    private final PipelineModels models;

    JobSubmission(JobCore core, JobIds jobIds, TableCatalog catalog, NodeConfig config, BoardLinks board,
                  RemoteParties remote, Gates gates, PipelineModels models) {
        this.board = board;
        this.core = core;
        this.models = models;
        this.jobs = core.jobs();
        this.jobIds = jobIds;
        this.catalog = catalog;
        this.config = config;
        this.remote = remote;
        this.isPeer = gates.isPeer();
        this.admission = gates.admission();
    }

    JobService.Submitted submit(JsonNode dslJson, JsonNode confJson) {
        JobPlan plan = core.plans().parse(withInferenceDsl(dslJson, confJson), confJson);
        String here = config.partyId();
        if (!JobStore.isHere(plan.initiatorRole(), plan.initiatorPartyId(), here)) {
            throw new FlowException(RetCode.OPERATING_ERROR, "the initiator is party " + plan.initiatorPartyId()
                    + ", this is party " + here + ": submit the job at its initiator");
        }
        List<String> remotes = core.plans().remoteParties(plan);
        for (String p : remotes) {
            if (!isPeer.test(p)) {
                throw new FlowException(RetCode.OPERATING_ERROR, "party " + p + " of this job is not a peer of "
                        + "this site: add it with /v1/site/peer/add (or `flow site peer add`)");
            }
        }
        checkTablesHere(plan);
        checkComponentsHere(plan);
        ObjectNode params = plan.jobParameters();
        int taskCores = plan.intParameter("task_cores", 4);
        int cores = taskCores * plan.intParameter("task_parallelism", 1);
        core.resources().checkFits(cores);
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
            if (!models.holds(modelId, modelVersion)) {
                throw FlowException.data("model_id " + modelId + " with model_version " + modelVersion
                        + " is not a model at this node (a train job that succeeded here, or one deployed or "
                        + "imported here)");
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
        core.logs().schedule(jobId, "job submitted: " + plan.components().size() + " components, roles " + plan.roles());
        if (!remotes.isEmpty()) {
            createElsewhere(jobId, plan, onParty, remotes);
        }
        core.signals().wakeUp();
        return new JobService.Submitted(jobId, submitAnswer(jobId, modelId, modelVersion, jobDir, plan));
    }

    /**
     * The DSL a job runs: the one submitted, or for a predict job submitted without one the inference DSL of the
     * deployed model it names, as FATE runs it. A trained model that was never deployed has none: refused.
     */
    private JsonNode withInferenceDsl(JsonNode dslJson, JsonNode confJson) {
        boolean noDsl = dslJson == null || dslJson.isNull() || dslJson.isObject() && dslJson.isEmpty();
        JsonNode common = confJson == null ? null : confJson.path("job_parameters").path("common");
        if (!noDsl || common == null || !common.path("job_type").asText("").equals("predict")) {
            return dslJson;
        }
        String modelId = common.path("model_id").asText("");
        String modelVersion = common.path("model_version").asText("");
        if (modelId.isEmpty() || modelVersion.isEmpty()) {
            throw FlowException.argument("a predict job needs job_parameters.common.model_id and model_version");
        }
        return models.inferenceDsl(modelId, modelVersion).orElseThrow(() -> models.holds(modelId, modelVersion)
                ? FlowException.data("model_id " + modelId + " with model_version " + modelVersion + " is not "
                        + "deployed: it has no inference DSL. Only deployed models can predict without a DSL: deploy "
                        + "it (/v1/model/deploy) and predict with the child version, or submit a predict DSL")
                : FlowException.data("model_id " + modelId + " with model_version " + modelVersion
                        + " is not a model at this node (a train job that succeeded here, or one deployed or "
                        + "imported here)"));
    }

    /**
     * Creates the job at every other party, one after the other. The first refusal (permission 108, a
     * missing table, an unreachable party...) fails the job here with FATE's tag submit_failed and stops
     * it at the parties that had already created it, so that nothing is left waiting anywhere.
     */
    private void createElsewhere(String jobId, JobPlan plan, ObjectNode onParty, List<String> remotes) {
        // The job has its id from here on: its lines and site calls (the job's trace) say so.
        try (LogContext.Scope ids = LogContext.job(jobId)) {
            createAt(jobId, plan, onParty, remotes);
        }
    }

    private void createAt(String jobId, JobPlan plan, ObjectNode onParty, List<String> remotes) {
        RemoteParties.CreateJob create = new RemoteParties.CreateJob(jobId, plan.initiatorRole(),
                plan.initiatorPartyId(), plan.dsl().toString(), plan.conf().toString(), onParty.toString());
        List<String> created = new ArrayList<>();
        for (String p : remotes) {
            try {
                remote.create(p, create);
                created.add(p);
                core.logs().schedule(jobId, "job created at party " + p);
            } catch (FlowException e) {
                String reason = "creating the job at party " + p + " failed: " + e.getMessage();
                for (String c : created) {
                    try {
                        remote.stop(c, jobId, JobStatus.FAILED, reason);
                    } catch (FlowException stop) {
                        core.logs().schedule(jobId, "could not stop the job at party " + c + ": " + stop.getMessage());
                    }
                }
                jobs.transitJob(jobId, JobStatus.FAILED, reason);
                jobs.setTag(jobId, "submit_failed");
                core.logs().schedule(jobId, "job failed at submit: " + reason);
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
            var meta = catalog.find(id).orElseThrow(() -> FlowException.data("component " + r.component()
                    + ": table " + id + " of role " + r.role() + " party " + r.partyId() + " does not exist"));
            TableCatalog.refuseDisabled(meta, "component " + r.component());
        }
    }

    /**
     * What only this party can check of its components' parameters (ApiReader's server_name must be registered
     * here), for every role this site holds where the component runs.
     */
    private void checkComponentsHere(JobPlan plan) {
        for (JobPlan.PlannedComponent c : plan.components()) {
            for (Map.Entry<String, String> party : plan.parties()) {
                if (!JobStore.isHere(party.getKey(), party.getValue(), config.partyId())
                        || !plan.needRun(c.name(), party.getKey(), party.getValue())) {
                    continue;
                }
                String problem = c.definition().partyCheck().problem(plan.parameters(c.name(), party.getKey(),
                        party.getValue()));
                if (problem != null) {
                    throw FlowException.argument("component " + c.name() + " (" + c.definition().module()
                            + ") at role " + party.getKey() + " party " + party.getValue() + ": " + problem);
                }
            }
        }
    }

    /**
     * A job created here by its initiator {@code sourceParty}: the permission hook must accept it for
     * every role this site holds, its tables must exist and its cores fit. Creating it twice is a no-op.
     */
    void createFromInitiator(String sourceParty, RemoteParties.CreateJob create) {
        JobPlan plan = core.plans().parse(Json.parse(create.dslJson()), Json.parse(create.runtimeConfJson()));
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
        checkComponentsHere(plan);
        ObjectNode onParty = (ObjectNode) Json.parse(create.runtimeConfOnPartyJson());
        JsonNode common = onParty.path("job_parameters").path("common");
        int cores = plan.intParameter("task_cores", 4) * plan.intParameter("task_parallelism", 1);
        core.resources().checkFits(cores);
        boolean created = jobs.createJob(create.jobId(), plan, onParty, cores, plan.intParameter("timeout", 259200),
                common.path("model_id").asText(modelId(plan)), common.path("model_version").asText(create.jobId()),
                config.partyId(), false);
        if (created) {
            writeJobFiles(create.jobId(), plan, onParty);
            core.logs().schedule(create.jobId(), "job created by its initiator, party " + sourceParty + ", for roles "
                    + mine.stream().map(Map.Entry::getKey).toList());
        }
    }

    /** FATE's model id: sorted "role-party_party" joined by '#', then "#model". */
    static String modelId(JobPlan plan) {
        Map<String, List<String>> sorted = new TreeMap<>(plan.roles());
        List<String> parts = new ArrayList<>();
        sorted.forEach((role, ids) -> {
            List<String> s = new ArrayList<>(ids);
            Collections.sort(s);
            parts.add(role + "-" + String.join("_", s));
        });
        return String.join("#", parts) + "#model";
    }

    private ObjectNode submitAnswer(String jobId, String modelId, String modelVersion, Path jobDir, JobPlan plan) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        // the board's page of the job, as FATE's answer links FATE-Board's
        d.put("board_url", board.jobPage(jobId, plan.initiatorRole(), plan.initiatorPartyId()));
        d.put("code", 0);
        d.put("dsl_path", jobDir.resolve("job_dsl.json").toString());
        d.put("job_id", jobId);
        d.put("logs_directory", core.logs().jobDir(jobId).toString());
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
}
