/**
 * What a log line says about the work it was written for: {@link io.fedflow.node.logging.LogContext} puts
 * the job and task ids in SLF4J's MDC (the logback pattern shows them), for the scheduler, the task runner
 * and the request path, and the site clients read the job back to give its calls the job's trace.
 *
 * <p>Dependencies: SLF4J and the JDK only; below every package that logs for a job.
 */
package io.fedflow.node.logging;
