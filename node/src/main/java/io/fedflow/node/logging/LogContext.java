package io.fedflow.node.logging;

import org.slf4j.MDC;

/**
 * The ids a log line carries while a job or one of its tasks is handled: put in SLF4J's MDC (the logback
 * pattern shows them) by the scheduler, the task runner and the request path, and read back by the site
 * clients, which give every call made for a job that job's trace.
 */
public final class LogContext {
    public static final String JOB_ID = "job_id";
    public static final String TASK_ID = "task_id";

    private LogContext() {}

    /** Lines logged until {@code close} carry {@code jobId} (and no task id); the previous ids come back then. */
    public static Scope job(String jobId) {
        return new Scope(jobId, null);
    }

    /** Lines logged until {@code close} carry the job and the task. */
    public static Scope task(String jobId, String taskId) {
        return new Scope(jobId, taskId);
    }

    /** The job of the lines logged now in this thread; null outside a job. */
    public static String currentJob() {
        return MDC.get(JOB_ID);
    }

    /** Restores what the MDC held before (calls nest: a request handling a job may run inside another's). */
    public static final class Scope implements AutoCloseable {
        private final String previousJob;
        private final String previousTask;

        private Scope(String jobId, String taskId) {
            this.previousJob = MDC.get(JOB_ID);
            this.previousTask = MDC.get(TASK_ID);
            set(JOB_ID, jobId);
            set(TASK_ID, taskId);
        }

        @Override
        public void close() {
            set(JOB_ID, previousJob);
            set(TASK_ID, previousTask);
        }

        private static void set(String key, String value) {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        }
    }
}
