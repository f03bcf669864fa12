package io.fedflow.node.job;

import io.fedflow.node.store.generated.tables.records.TTaskRecord;

/**
 * When a failed task may be retried (FATE's auto_retries and auto_retry_delay): while it has retries left,
 * and not before auto_retry_delay seconds after it ended. The scheduler asks again every round, so waiting
 * for the delay holds no thread.
 */
final class RetryGate {
    private RetryGate() {}

    /** Failed with retries left: the job is not over yet, a new version of this task is coming. */
    static boolean pending(TTaskRecord t) {
        return JobStatus.FAILED.wire().equals(t.getFStatus()) && t.getFAutoRetries() != null
                && t.getFAutoRetries() > 0;
    }

    /** The earliest time (ms epoch) the task's next version may be made. */
    static long notBefore(TTaskRecord t) {
        // a task failed without running (a restart, a refused start) has no end time: count from its update
        Long ended = t.getFEndTime() != null ? t.getFEndTime() : t.getFUpdateTime();
        long delay = t.getFAutoRetryDelay() == null ? JobPlan.DEFAULT_AUTO_RETRY_DELAY : t.getFAutoRetryDelay();
        return (ended == null ? 0 : ended) + delay * 1000L;
    }

    static boolean due(TTaskRecord t, long now) {
        return pending(t) && now >= notBefore(t);
    }
}
