package io.fedflow.node.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import java.util.List;

/**
 * The job rows of an upload or download, which run inside their request as a one-task local job. An
 * interface of {@code data} that {@code job} implements: {@code data} records its work as jobs without
 * depending on the job package (which depends on {@code data} for tables).
 */
public interface LocalJobs {
    /** What a single-component local job (upload, download) is made of. */
    record LocalJob(String jobId, String role, String partyId, String componentName, String module,
                    ObjectNode dsl, ObjectNode runtimeConf, ObjectNode componentParameters,
                    String description) {}

    /** A new FATE job id. */
    String nextJobId();

    /** Creates the running job and its one running task, in one transaction. */
    void start(LocalJob job);

    /** Ends the running job and its task with success; a no-op if it already ended. */
    void succeed(String jobId);

    /** Ends the running job and its task as failed with {@code error}; a no-op if it already ended. */
    void fail(String jobId, String error);

    /** The succeeded tasks of {@code module} (of one job when {@code jobId} is given), newest first. */
    List<TTaskRecord> succeededTasks(String module, String jobId);
}
