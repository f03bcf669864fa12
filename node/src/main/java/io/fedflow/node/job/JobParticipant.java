package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import io.fedflow.proto.RetCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The party side of the job protocol: what another site of a job asks of this one (create, cores, start,
 * stop, status, collect, rerun, retry, parameters, clean). The one entry point of the party gRPC service.
 * Every call first checks that the calling party may drive the job: its initiator, or for stop, rerun and
 * parameters any party of it (which, at the initiator, goes on to every other party).
 */
public final class JobParticipant {
    private final JobCore core;
    private final JobStore jobs;
    private final TaskRunner runner;
    private final JobCoordinator coordinator;
    private final JobReruns reruns;
    private final JobSubmission submission;
    private final JobParameters parameters;
    private final JobCleanup cleanup;

    JobParticipant(JobCore core, JobParts parts) {
        this.core = core;
        this.jobs = core.jobs();
        this.runner = parts.runner();
        this.coordinator = parts.coordinator();
        this.reruns = parts.reruns();
        this.submission = parts.submission();
        this.parameters = parts.parameters();
        this.cleanup = parts.cleanup();
    }

    /**
     * The job's lead row here, after checking that {@code sourceParty} may drive it: its initiator,
     * or (with {@code initiatorOnly} false) any party of the job.
     */
    TJobRecord requireParticipant(String sourceParty, String jobId, boolean initiatorOnly) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            throw new FlowException(RetCode.DATA_ERROR, "no job " + jobId + " at party " + core.thisParty());
        }
        TJobRecord lead = rows.stream().filter(TJobRecord::getFLead).findFirst().orElse(rows.get(0));
        if (sourceParty.equals(lead.getFInitiatorPartyId())) {
            return lead;
        }
        if (initiatorOnly || !core.plans().fresh(lead).parties().stream()
                .anyMatch(p -> p.getValue().equals(sourceParty))) {
            throw new FlowException(RetCode.PERMISSION_ERROR, "party " + sourceParty + " may not drive job " + jobId
                    + ": " + (initiatorOnly ? "only its initiator, party " + lead.getFInitiatorPartyId() + ", may"
                    : "it is not a party of the job"));
        }
        return lead;
    }

    /**
     * A job created here by its initiator {@code sourceParty}: the permission hook must accept it for
     * every role this site holds, its tables must exist and its cores fit. Creating it twice is a no-op.
     */
    public void create(String sourceParty, RemoteParties.CreateJob create) {
        submission.createFromInitiator(sourceParty, create);
    }

    /** The initiator asks for this site's cores for a job; false when they are not free now. */
    public boolean applyResources(String sourceParty, String jobId) {
        TJobRecord lead = requireParticipant(sourceParty, jobId, true);
        if (!JobStatus.WAITING.wire().equals(lead.getFStatus())) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " is " + lead.getFStatus()
                    + " at party " + core.thisParty() + ", not waiting");
        }
        boolean ok = core.resources().apply(jobId, lead.getFCores());
        if (ok) {
            jobs.setResources(jobId, true);
        }
        return ok;
    }

    public void returnResources(String sourceParty, String jobId) {
        requireParticipant(sourceParty, jobId, true);
        if (core.resources().release(jobId)) {
            jobs.setResources(jobId, false);
        }
    }

    /** The initiator starts the job here: its tasks run as their inputs are ready. */
    public void start(String sourceParty, String jobId) {
        TJobRecord lead = requireParticipant(sourceParty, jobId, true);
        if (JobStatus.RUNNING.wire().equals(lead.getFStatus())) {
            return;
        }
        // Cores are normally applied for first; a start without them (e.g. after a restart) takes them now.
        core.resources().apply(jobId, lead.getFCores());
        if (!jobs.transitJob(jobId, JobStatus.RUNNING, null)) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " cannot start at party "
                    + core.thisParty() + " from " + lead.getFStatus());
        }
        jobs.setResources(jobId, true);
        core.logs().schedule(jobId, "job started by its initiator, party " + sourceParty);
        core.signals().wakeUp();
    }

    /**
     * A stop from another party of the job. At the initiator it stops the job here and everywhere else;
     * elsewhere only here. Stopping an ended job is a no-op, so repeated stops are harmless.
     */
    public void stop(String sourceParty, String jobId, JobStatus status, String reason) {
        TJobRecord lead = requireParticipant(sourceParty, jobId, false);
        if (StatusMachine.parse(lead.getFStatus()).isEnd()) {
            return;
        }
        jobs.setCancelSignal(jobId);
        runner.endHere(jobId, status, reason);
        if (core.plans().coordinates(lead)) {
            coordinator.stopElsewhere(jobId, status, reason, sourceParty);
        }
        core.signals().wakeUp();
    }

    /** The initiator's status for a job it runs here: running (after start) or an end status. */
    public void syncStatus(String sourceParty, String jobId, JobStatus status, String error) {
        TJobRecord lead = requireParticipant(sourceParty, jobId, true);
        JobStatus current = StatusMachine.parse(lead.getFStatus());
        if (current == status) {
            return;
        }
        if (status.isEnd()) {
            runner.endHere(jobId, status, error);
        } else if (!jobs.transitJob(jobId, status, null)) {
            throw new FlowException(RetCode.NOT_EFFECTIVE, "job " + jobId + " cannot go from " + current.wire()
                    + " to " + status.wire());
        }
        core.signals().wakeUp();
    }

    /** This site's latest task rows of a job and its status here, for the initiator. */
    public RemoteParties.Collected collect(String sourceParty, String jobId) {
        TJobRecord lead = requireParticipant(sourceParty, jobId, true);
        List<RemoteParties.RemoteTask> out = new ArrayList<>();
        for (TTaskRecord t : jobs.latestTasks(jobId)) {
            if (t.getFRunOnThisParty()) {
                out.add(new RemoteParties.RemoteTask(t.getFTaskId(), t.getFTaskVersion(), t.getFComponentName(),
                        t.getFRole(), t.getFPartyId(), t.getFStatus(), t.getFPartyStatus(), t.getFStartTime(),
                        t.getFEndTime(), t.getFUpdateTime(), t.getFErrorReport()));
            }
        }
        return new RemoteParties.Collected(lead.getFStatus(), out);
    }

    /** A rerun asked by another party of the job: at the initiator for every party, elsewhere here only. */
    public void rerun(String sourceParty, String jobId, List<String> components, boolean force,
                      Map<String, Long> taskVersions) {
        synchronized (core.signals().lock()) {
            TJobRecord lead = requireParticipant(sourceParty, jobId, false);
            if (core.plans().coordinates(lead)) {
                reruns.refreshHolders(jobId);
                reruns.rerunEverywhere(jobId, components, force);
            } else {
                requireParticipant(sourceParty, jobId, true);
                reruns.rerunHere(jobId, components, force, true, new HashMap<>(taskVersions));
            }
        }
    }

    /** The initiator's retry of a running job's component: this party's tasks of it move to {@code version}. */
    public void retryTask(String sourceParty, String jobId, String component, long version, int retries,
                          String reason) {
        synchronized (core.signals().lock()) {
            TJobRecord lead = requireParticipant(sourceParty, jobId, true);
            if (!JobStatus.RUNNING.wire().equals(lead.getFStatus())) {
                throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " is " + lead.getFStatus()
                        + " at party " + core.thisParty() + ": only a running job's tasks are retried");
            }
            try {
                core.plans().cached(lead).component(component);
            } catch (IllegalArgumentException e) {
                throw FlowException.argument("component_name " + component + " is not a component of job " + jobId);
            }
            if (runner.moveComponent(jobId, component, version, retries, reason) > 0) {
                core.logs().schedule(jobId, "retrying component " + component + " at version " + version
                        + " (asked by the initiator, party " + sourceParty + "): " + reason);
            }
            core.signals().wakeUp();
        }
    }

    /** Parameters sent by another party: only the job's initiator changes them, here and everywhere. */
    public void updateParameters(String sourceParty, String jobId, JsonNode jobParameters,
                                 JsonNode componentParameters) {
        TJobRecord lead = requireParticipant(sourceParty, jobId, false);
        if (core.plans().coordinates(lead)) {
            parameters.update(jobId, jobParameters, componentParameters);
        } else {
            requireParticipant(sourceParty, jobId, true);
            parameters.updateHere(jobId, jobParameters, componentParameters);
        }
    }

    /** The initiator cleans what the job produced here. */
    public void clean(String sourceParty, String jobId) {
        requireParticipant(sourceParty, jobId, true);
        cleanup.clean(jobId, null, null, null);
    }
}
