package io.fedflow.node.job;

import java.time.Clock;

/**
 * What every part of the job core shares at this node: the job and task rows, the plans, the job logs, the
 * cores, what jobs wait for, the scheduler's monitors and the clock.
 */
record JobCore(JobStore jobs, JobPlans plans, JobLogs logs, ResourceManager resources, WaitBoard waits,
               JobSignals signals, Clock clock) {

    String thisParty() {
        return plans.thisParty();
    }
}
