package io.fedflow.node.job;

import io.fedflow.node.core.FlowException;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import io.fedflow.proto.RetCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reruns of an ended job: the initiator chooses each component's next task version from every party's
 * latest rows and gives the same versions to every party; a party reruns exactly what it is told.
 */
final class JobReruns {
    private static final Logger logger = LoggerFactory.getLogger(JobReruns.class);

    private final JobCore core;
    private final JobStore jobs;
    private final RemoteParties remote;
    private final FanOut fanOut;

    JobReruns(JobCore core, RemoteParties remote, FanOut fanOut) {
        this.core = core;
        this.jobs = core.jobs();
        this.remote = remote;
        this.fanOut = fanOut;
    }

    /**
     * Reruns an ended job: the named components (all that did not succeed when none is named) and
     * everything downstream get a new task version; successful ones only with {@code force}.
     */
    List<String> rerun(String jobId, List<String> components, boolean force) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (!rows.isEmpty() && !core.plans().coordinates(rows.get(0))) {
            // Only the initiator reruns a federated job, at every party at once. Not under the scheduler's
            // lock: the initiator's rerun comes back here.
            remote.rerun(rows.get(0).getFInitiatorPartyId(), jobId, components, force, Map.of());
            return components;
        }
        refreshHolders(jobId);
        synchronized (core.signals().lock()) {
            return rerunEverywhere(jobId, components, force);
        }
    }

    /** At the initiator: the rerun here, then at every other party with the versions chosen here. */
    List<String> rerunEverywhere(String jobId, List<String> components, boolean force) {
        Map<String, Long> versions = new HashMap<>();
        List<String> rerun = rerunHere(jobId, components, force, false, versions);
        rerunElsewhere(jobId, components, force, versions);
        return rerun;
    }

    /**
     * The other parties' task rows as they are now (best effort: a party that does not answer keeps its
     * last mirrored rows). A rerun chooses each component's next version from them, and which
     * components did not succeed anywhere.
     */
    void refreshHolders(String jobId) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            return;
        }
        for (String p : core.plans().remoteParties(core.plans().fresh(rows.get(0)))) {
            try {
                jobs.mirrorTasks(jobId, remote.collect(p, jobId).tasks());
            } catch (FlowException e) {
                logger.info("job {}: rerun without party {}'s latest task rows: {}", jobId, p, e.getMessage());
            }
        }
    }

    private void rerunElsewhere(String jobId, List<String> components, boolean force, Map<String, Long> versions) {
        List<String> others = core.plans().remoteParties(core.plans().fresh(jobs.jobRows(jobId).get(0)));
        Map<String, FlowException> failed = fanOut.call(others,
                p -> remote.rerun(p, jobId, components, force, versions));
        if (!failed.isEmpty()) {
            FlowException first = failed.values().iterator().next();
            throw new FlowException(first.retCode(), "job " + jobId + " is rerun here, but not at part"
                    + (failed.size() > 1 ? "ies " : "y ") + failed.keySet() + ": " + first.getMessage());
        }
    }

    /**
     * The rerun at this site. {@code lenient}: at a party that is not the initiator, having nothing of
     * its own to rerun is fine (the failed tasks were elsewhere); the job still goes back to waiting.
     * {@code versions} (component -> new task version): empty at the initiator, which fills it in for
     * the other parties (a component reruns at every party, all at the same version, when any of its
     * tasks did not succeed); given elsewhere, it says exactly what reruns here and at which version.
     */
    List<String> rerunHere(String jobId, List<String> components, boolean force, boolean lenient,
                           Map<String, Long> versions) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            throw new FlowException(RetCode.DATA_ERROR, "no job " + jobId + " at this node");
        }
        JobStatus current = StatusMachine.parse(rows.get(0).getFStatus());
        if (!current.isEnd()) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " is " + current.wire()
                    + ": only an ended job can be rerun");
        }
        JobPlan plan = core.plans().fresh(rows.get(0));
        Set<String> chosen = new HashSet<>();
        boolean all = components.isEmpty() || components.contains("pipeline");
        if (!all) {
            for (String c : components) {
                try {
                    plan.component(c);
                } catch (IllegalArgumentException e) {
                    throw FlowException.argument("component_name " + c + " is not a component of job " + jobId);
                }
                chosen.add(c);
            }
            boolean grew = true;
            while (grew) {
                grew = false;
                for (JobPlan.PlannedComponent c : plan.components()) {
                    if (!chosen.contains(c.name()) && c.upstream().stream().anyMatch(chosen::contains)) {
                        chosen.add(c.name());
                        grew = true;
                    }
                }
            }
        }
        List<String> rerun = new ArrayList<>();
        int retries = plan.intParameter("auto_retries", 0);
        List<TTaskRecord> tasks = jobs.latestTasks(jobId);
        if (versions.isEmpty()) {
            // This site chooses (the initiator, or a party of an older initiator that sends no versions).
            for (TTaskRecord t : tasks) {
                boolean success = JobStatusRule.DONE.contains(StatusMachine.parse(t.getFStatus()));
                if ((all || chosen.contains(t.getFComponentName())) && (force || !success)) {
                    versions.put(t.getFComponentName(), 0L);
                }
            }
            for (TTaskRecord t : tasks) {
                versions.computeIfPresent(t.getFComponentName(), (c, v) -> Math.max(v, t.getFTaskVersion() + 1));
            }
        }
        for (TTaskRecord t : tasks) {
            Long version = versions.get(t.getFComponentName());
            if (version != null && version > t.getFTaskVersion()) {
                jobs.newTaskVersion(t, version, retries);
                rerun.add(t.getFComponentName());
            }
        }
        if (rerun.isEmpty() && !lenient) {
            throw new FlowException(RetCode.OPERATING_ERROR, "nothing to rerun in job " + jobId
                    + ": every chosen component succeeded (set force to rerun them)");
        }
        if (!jobs.transitJob(jobId, JobStatus.WAITING, null)) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " cannot go back to waiting");
        }
        core.plans().forget(jobId);
        core.logs().schedule(jobId, "rerun of " + rerun.stream().distinct().toList());
        core.signals().wakeUp();
        return rerun.stream().distinct().toList();
    }
}
