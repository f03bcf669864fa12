package io.fedflow.node.job;

import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** FATE's job status from its tasks' statuses, as the initiator judges it every round. */
final class JobStatusRule {
    /** A task that ended like this lets its downstream tasks run. */
    static final Set<JobStatus> DONE = EnumSet.of(JobStatus.SUCCESS, JobStatus.PASS);

    private JobStatusRule() {}

    /** A task's place in the graph: its component at one role and party. */
    static String key(String cpn, String role, String party) {
        return cpn + "\u0000" + role + "\u0000" + party;
    }

    /** FATE's rule: all passed or succeeded → success; something still running or startable → running. */
    static JobStatus of(List<TTaskRecord> tasks, JobPlan plan) {
        if (tasks.stream().anyMatch(RetryGate::pending)) {
            return JobStatus.RUNNING; // a failed task waits out its auto_retry_delay: the job goes on
        }
        Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
        tasks.forEach(t -> statuses.add(StatusMachine.parse(t.getFStatus())));
        if (DONE.containsAll(statuses)) {
            return JobStatus.SUCCESS;
        }
        // The tasks of a component at the different parties work together: once one can never run to its end
        // (it failed for good, or something upstream of it at its party did, so it never starts), the others
        // can only wait for it, so the job fails now rather than stay running with no progress.
        Set<String> stuck = stuckForGood(tasks, plan);
        for (TTaskRecord t : tasks) {
            if (stuck.contains(key(t)) && tasks.stream().anyMatch(o -> o != t
                    && o.getFComponentName().equals(t.getFComponentName()) && !stuck.contains(key(o))
                    && !StatusMachine.parse(o.getFStatus()).isEnd())) {
                return JobStatus.FAILED;
            }
        }
        // A failed task with retries left runs again (after its auto_retry_delay).
        if (statuses.contains(JobStatus.RUNNING) || tasks.stream().anyMatch(t ->
                JobStatus.FAILED.wire().equals(t.getFStatus()) && t.getFAutoRetries() > 0)) {
            return JobStatus.RUNNING;
        }
        // A waiting task can still run unless something upstream of it (at its role and party, however far
        // up) ended without success.
        Set<String> blocked = new HashSet<>();
        for (JobPlan.PlannedComponent c : plan.components()) {
            for (TTaskRecord t : tasks) {
                if (!t.getFComponentName().equals(c.name())) {
                    continue;
                }
                JobStatus ts = StatusMachine.parse(t.getFStatus());
                boolean upstreamBlocked = c.upstream().stream()
                        .anyMatch(up -> blocked.contains(key(up, t.getFRole(), t.getFPartyId())));
                if (ts == JobStatus.FAILED || ts == JobStatus.CANCELED || ts == JobStatus.TIMEOUT || upstreamBlocked) {
                    blocked.add(key(c.name(), t.getFRole(), t.getFPartyId()));
                }
                if (ts == JobStatus.WAITING && !upstreamBlocked) {
                    return JobStatus.RUNNING;
                }
            }
        }
        for (JobStatus s : List.of(JobStatus.FAILED, JobStatus.TIMEOUT, JobStatus.CANCELED)) {
            if (statuses.contains(s)) {
                return s;
            }
        }
        return JobStatus.FAILED;
    }

    private static String key(TTaskRecord t) {
        return key(t.getFComponentName(), t.getFRole(), t.getFPartyId());
    }

    /**
     * The tasks that will never run to their end: failed with no retries left, or waiting on such a task
     * upstream at their role and party (however far up).
     */
    private static Set<String> stuckForGood(List<TTaskRecord> tasks, JobPlan plan) {
        Set<String> stuck = new HashSet<>();
        for (JobPlan.PlannedComponent c : plan.components()) {
            for (TTaskRecord t : tasks) {
                if (!t.getFComponentName().equals(c.name())) {
                    continue;
                }
                JobStatus ts = StatusMachine.parse(t.getFStatus());
                boolean failedForGood = ts == JobStatus.FAILED && t.getFAutoRetries() <= 0;
                boolean neverStarts = ts == JobStatus.WAITING && c.upstream().stream()
                        .anyMatch(up -> stuck.contains(key(up, t.getFRole(), t.getFPartyId())));
                if (failedForGood || neverStarts) {
                    stuck.add(key(t));
                }
            }
        }
        return stuck;
    }
}
