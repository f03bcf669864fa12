package io.fedflow.node.job;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.logging.LogContext;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import io.fedflow.proto.RetCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initiator's side of a job: admits waiting jobs (cores here and at every other party, then start),
 * pulls the other parties' task rows into the holder rows, retries a failed component at every party,
 * judges and ends the job (FATE's status rule), stops it, and sends the end status to parties that missed
 * it. Every call to another party goes through {@link RemoteParties}, several at once through {@link FanOut}.
 */
final class JobCoordinator {
    private static final Logger logger = LoggerFactory.getLogger(JobCoordinator.class);
    static final Duration COLLECT_INTERVAL = Duration.ofSeconds(1);
    static final Duration RESYNC_INTERVAL = Duration.ofSeconds(3);

    private final JobCore core;
    private final JobStore jobs;
    private final TaskRunner runner;
    private final RemoteParties remote;
    private final FanOut fanOut;
    private final Duration partyTimeout;
    private final JobMeters meters;
    private final Map<String, Long> unreachableSince = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSync = new ConcurrentHashMap<>();
    private final Map<String, Long> lastCollect = new ConcurrentHashMap<>();

    private enum Retried { NO, YES, JOB_ENDED }

    JobCoordinator(JobCore core, TaskRunner runner, RemoteParties remote, FanOut fanOut, Duration partyTimeout,
                   JobMeters meters) {
        this.core = core;
        this.meters = meters;
        this.jobs = core.jobs();
        this.runner = runner;
        this.remote = remote;
        this.fanOut = fanOut;
        this.partyTimeout = partyTimeout;
        runner.onEnd(lastCollect::remove);
        // A task ending here is what usually moves the job on (the last one ends it): the next round collects
        // at once instead of up to a second later.
        runner.onTaskEnd(lastCollect::remove);
    }

    RemoteParties remote() {
        return remote;
    }

    FanOut fanOut() {
        return fanOut;
    }

    /**
     * A round of a running job this site initiated: collect (once a second, and right after a task ended
     * here), timeout, retries, its end.
     */
    void advance(TJobRecord job) {
        String jobId = job.getFJobId();
        // Each collect is a signed call to every other party: once a second, not every round.
        Long last = lastCollect.get(jobId);
        long now = core.clock().millis();
        if (last == null || now - last >= COLLECT_INTERVAL.toMillis()) {
            lastCollect.put(jobId, now);
            // This site's next tasks need only its own rows: they start before the round waits on the other
            // parties' answers. Whether the job ends, and its retries, wait for them (judge, below).
            runner.advance(job, jobs.latestTasks(jobId));
            if (!collect(job)) {
                return;
            }
        }
        judge(job);
    }

    private void judge(TJobRecord job) {
        String jobId = job.getFJobId();
        long now = core.clock().millis();
        if (job.getFTimeout() > 0 && job.getFStartTime() != null
                && now - job.getFStartTime() > job.getFTimeout() * 1000) {
            end(jobId, JobStatus.TIMEOUT, "the job ran longer than its timeout of " + job.getFTimeout() + " s");
            return;
        }
        List<TTaskRecord> tasks = jobs.latestTasks(jobId);
        Retried retried = retryFailed(jobId, tasks, now);
        if (retried == Retried.JOB_ENDED) {
            return;
        }
        if (retried == Retried.YES) {
            tasks = jobs.latestTasks(jobId);
        }
        TaskRunner.Step step = runner.advance(job, tasks);
        // Only the initiator ends a job: elsewhere the end status arrives from it, so that every party
        // shows the same one (a party whose own tasks all succeeded still fails with the others).
        if (step.next() != null && step.next().isEnd()) {
            String error = step.tasks().stream().map(TTaskRecord::getFErrorReport)
                    .filter(e -> e != null && !e.isBlank()).findFirst().orElse(null);
            end(jobId, step.next(), error);
        } else if (step.changed()) {
            core.signals().wakeUp();
        }
    }

    /**
     * The queue: waiting jobs this site initiated ({@code waiting}: the round's waiting rows, oldest first),
     * admitted first come, first served. Returns how many of them still wait.
     */
    int admitWaiting(List<TJobRecord> waiting) {
        String blocking = null;
        int left = 0;
        for (TJobRecord job : waiting) {
            // Elsewhere a job waits for its initiator's start.
            if (!core.plans().coordinates(job)) {
                continue;
            }
            left++;
            if (blocking != null) {
                core.waits().put(job.getFJobId(), "cores", "queue: behind job " + blocking
                        + ", which waits for cores");
            } else if (!admit(job)) {
                blocking = job.getFJobId(); // later jobs wait behind this one
            } else {
                left--;
            }
        }
        return left;
    }

    /** A party that missed a job's end status is asked again, at most every few seconds. */
    void resync(List<TJobRecord> toSync) {
        for (TJobRecord job : toSync) {
            Long last = lastSync.get(job.getFJobId());
            long now = core.clock().millis();
            if (last == null || now - last >= RESYNC_INTERVAL.toMillis()) {
                lastSync.put(job.getFJobId(), now);
                try (LogContext.Scope ids = LogContext.job(job.getFJobId())) {
                    syncEnd(job.getFJobId(), StatusMachine.parse(job.getFStatus()), job.getFErrorReport());
                }
            }
        }
    }

    /**
     * Starts a waiting job if its cores are free here and at every other party (FATE's resource/apply,
     * then start); false when it has to wait. A party that cannot be reached fails the job.
     */
    private boolean admit(TJobRecord job) {
        try (LogContext.Scope ids = LogContext.job(job.getFJobId())) {
            return admitNow(job);
        }
    }

    private boolean admitNow(TJobRecord job) {
        String jobId = job.getFJobId();
        ResourceManager resources = core.resources();
        if (!resources.apply(jobId, job.getFCores())) {
            core.waits().put(jobId, "cores", "cores: the job needs " + job.getFCores() + " at party "
                    + core.thisParty() + ", " + resources.remaining() + " of " + resources.totalCores()
                    + " are free there");
            return false;
        }
        List<String> remotes = core.plans().remoteParties(core.plans().cached(job));
        List<String> applied = new ArrayList<>();
        try {
            for (String p : remotes) {
                if (!remote.applyResources(p, jobId)) {
                    core.logs().schedule(jobId, "party " + p + " has not the job's cores free yet: the job waits");
                    core.waits().put(jobId, "cores", "cores: the job needs " + job.getFCores() + " at party " + p
                            + ", which has not that many free yet");
                    giveBack(jobId, applied);
                    return false;
                }
                applied.add(p);
            }
        } catch (FlowException e) {
            giveBack(jobId, applied);
            end(jobId, JobStatus.FAILED, e.getMessage());
            return true;
        }
        if (!jobs.transitJob(jobId, JobStatus.RUNNING, null)) {
            giveBack(jobId, applied);
            return true;
        }
        core.waits().remove(jobId, "cores");
        meters.admitted(Duration.ofMillis(core.clock().millis() - job.getFCreateTime()));
        jobs.setResources(jobId, true);
        TJobRecord started = jobs.jobRows(jobId).get(0);
        // This site's first tasks need only its own rows: they start while the others are told (a message a
        // task sends to a party not started yet waits there for its receiver).
        runner.advance(started, jobs.latestTasks(jobId));
        Map<String, FlowException> refused = fanOut.call(remotes, p -> remote.start(p, jobId));
        if (!refused.isEmpty()) {
            end(jobId, JobStatus.FAILED, refused.values().iterator().next().getMessage());
            return true;
        }
        core.logs().schedule(jobId, "job started with " + job.getFCores() + " cores"
                + (remotes.isEmpty() ? "" : ", and at parties " + remotes));
        // the other parties' rows first: after a rerun the holders must not be judged on what they were
        if (remotes.isEmpty() || collect(started)) {
            judge(started);
        }
        return true;
    }

    private void giveBack(String jobId, List<String> applied) {
        for (String p : applied) {
            try {
                remote.returnResources(p, jobId);
            } catch (FlowException e) {
                logger.warn("job {}: could not return resources at party {}: {}", jobId, p, e.getMessage());
            }
        }
        core.resources().release(jobId);
    }

    /**
     * Pulls the other parties' task rows into the holder rows (FATE's PULL collection). A party that
     * stays unreachable longer than the party timeout fails the job; false when the job ended.
     */
    private boolean collect(TJobRecord job) {
        String jobId = job.getFJobId();
        for (String p : core.plans().remoteParties(core.plans().cached(job))) {
            String key = jobId + "/" + p;
            try {
                jobs.mirrorTasks(jobId, remote.collect(p, jobId).tasks());
                unreachableSince.remove(key);
                core.waits().remove(jobId, "party " + p);
            } catch (FlowException e) {
                boolean unreachable = e.retCode() == RetCode.CONNECTION_ERROR
                        || e.retCode() == RetCode.FEDERATED_ERROR;
                long now = core.clock().millis();
                long since = unreachableSince.computeIfAbsent(key, k -> now);
                if (unreachable && now - since < partyTimeout.toMillis()) {
                    core.waits().put(jobId, "party " + p, "party " + p + " does not answer since "
                            + WaitBoard.since(since) + " (the job fails after " + partyTimeout.toSeconds() + " s): "
                            + e.getMessage());
                    continue; // it may come back: keep the job, try again next round
                }
                unreachableSince.remove(key);
                end(jobId, JobStatus.FAILED, unreachable ? "party " + p + " was unreachable for "
                        + partyTimeout.toSeconds() + " s: " + e.getMessage() : e.getMessage());
                return false;
            }
        }
        return true;
    }

    /**
     * FATE's auto-retry of a failed task, for the whole component: the initiator moves every party's task
     * of it (here, its holder rows, and at each other party) to the same new version together, stopping
     * the ones still running the old version (their peer failed: they could only wait). A task retried at
     * its own party alone would run a version its peers do not, and both would wait for each other
     * forever. A party that cannot be told fails the job with the reason.
     */
    private Retried retryFailed(String jobId, List<TTaskRecord> tasks, long now) {
        Map<String, List<TTaskRecord>> byComponent = new LinkedHashMap<>();
        tasks.forEach(t -> byComponent.computeIfAbsent(t.getFComponentName(), c -> new ArrayList<>()).add(t));
        Retried retried = Retried.NO;
        for (Map.Entry<String, List<TTaskRecord>> e : byComponent.entrySet()) {
            TTaskRecord failed = e.getValue().stream().filter(RetryGate::pending).findFirst().orElse(null);
            // auto_retry_delay: the retry waits that long after the failure (asked again every round)
            if (failed == null || !RetryGate.due(failed, now)) {
                continue;
            }
            String component = e.getKey();
            long version = e.getValue().stream().mapToLong(TTaskRecord::getFTaskVersion).max().orElse(0) + 1;
            int left = failed.getFAutoRetries() - 1;
            String reason = "task " + failed.getFTaskId() + " " + failed.getFRole() + " " + failed.getFPartyId()
                    + " version " + failed.getFTaskVersion() + " failed: " + failed.getFErrorReport();
            runner.moveComponent(jobId, component, version, left, reason);
            List<String> parties = core.plans().remoteParties(core.plans().cached(jobs.jobRows(jobId).get(0)));
            Map<String, FlowException> refused = fanOut.call(parties,
                    p -> remote.retryTask(p, jobId, component, version, left, reason));
            if (!refused.isEmpty()) {
                Map.Entry<String, FlowException> first = refused.entrySet().iterator().next();
                end(jobId, JobStatus.FAILED, "component " + component + " could not be retried at party "
                        + first.getKey() + " (version " + version + "): " + first.getValue().getMessage());
                return Retried.JOB_ENDED;
            }
            core.logs().schedule(jobId, "retrying component " + component + " at version " + version
                    + " at every party (" + left + " retries left): " + reason);
            retried = Retried.YES;
        }
        if (retried == Retried.YES) {
            core.signals().wakeUp();
        }
        return retried;
    }

    /**
     * Ends a job this site coordinates with {@code status}, here and then at every other party (in
     * parallel; a party that misses it gets it again from the next rounds).
     */
    boolean end(String jobId, JobStatus status, String error) {
        synchronized (core.signals().lock()) {
            List<TJobRecord> rows = jobs.jobRows(jobId);
            List<String> remotes = rows.isEmpty() ? List.of()
                    : core.plans().remoteParties(core.plans().cached(rows.get(0)));
            boolean moved = runner.endHere(jobId, status, error);
            if (moved && !remotes.isEmpty()) {
                jobs.setSyncPending(jobId, true);
                syncEnd(jobId, status, error);
            }
            return moved;
        }
    }

    /** Sends a job's end status to every other party; clears the pending mark once all have it. */
    private void syncEnd(String jobId, JobStatus status, String error) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            return;
        }
        Map<String, FlowException> failed = fanOut.call(core.plans().remoteParties(core.plans().fresh(rows.get(0))),
                p -> remote.syncStatus(p, jobId, status, error));
        if (failed.isEmpty()) {
            jobs.setSyncPending(jobId, false);
            lastSync.remove(jobId);
        } else {
            failed.forEach((p, e) -> logger.info("job {}: status {} not yet at party {}: {}", jobId, status.wire(),
                    p, e.getMessage()));
        }
    }

    /**
     * Stops a waiting or running job with {@code status} (canceled or failed): here, and at every party.
     * At the initiator it fans out; elsewhere it stops here and asks the initiator to stop the rest.
     */
    void stop(String jobId, JobStatus status) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            throw new FlowException(RetCode.DATA_ERROR, "no job " + jobId + " at this node");
        }
        JobStatus current = StatusMachine.parse(rows.get(0).getFStatus());
        if (current.isEnd()) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " already ended: " + current.wire());
        }
        TJobRecord lead = rows.get(0);
        String reason = "stopped by a user request at party " + core.thisParty();
        jobs.setCancelSignal(jobId);
        if (!runner.endHere(jobId, status, reason)) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " could not be stopped from "
                    + StatusMachine.parse(jobs.jobRows(jobId).get(0).getFStatus()).wire());
        }
        if (core.plans().coordinates(lead)) {
            stopElsewhere(jobId, status, reason, null);
        } else {
            try {
                remote.stop(lead.getFInitiatorPartyId(), jobId, status, reason);
            } catch (FlowException e) {
                throw new FlowException(e.retCode(), "job " + jobId + " stopped here, but its initiator could not "
                        + "be told to stop it at the other parties: " + e.getMessage());
            }
        }
        core.signals().wakeUp();
    }

    /** Stops the job at every other party but {@code except}; a party that misses it gets the status later. */
    void stopElsewhere(String jobId, JobStatus status, String reason, String except) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        List<String> others = core.plans().remoteParties(core.plans().fresh(rows.get(0))).stream()
                .filter(p -> !p.equals(except)).toList();
        if (others.isEmpty()) {
            return;
        }
        Map<String, FlowException> failed = fanOut.call(others, p -> remote.stop(p, jobId, status, reason));
        if (!failed.isEmpty()) {
            jobs.setSyncPending(jobId, true);
            failed.forEach((p, e) -> core.logs().schedule(jobId, "stop did not reach party " + p + " yet: "
                    + e.getMessage()));
        }
    }

    /** Stops every waiting job this node initiated (FATE's clean/queue). */
    ObjectNode cleanQueue() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (TJobRecord job : jobs.jobsWithStatus(JobStatus.WAITING)) {
            try {
                stop(job.getFJobId(), JobStatus.CANCELED);
                out.put(job.getFJobId(), 0);
            } catch (FlowException e) {
                out.put(job.getFJobId(), e.retCode().code());
            }
        }
        return out;
    }
}
