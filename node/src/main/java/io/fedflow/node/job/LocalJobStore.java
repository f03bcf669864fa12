package io.fedflow.node.job;

import static io.fedflow.node.store.generated.Tables.T_JOB;
import static io.fedflow.node.store.generated.Tables.T_TASK;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fedflow.node.data.LocalJobs;
import io.fedflow.node.store.Jsonb;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import java.time.Clock;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * {@code data}'s local jobs (upload, download) as t_job and t_task rows, with ids from {@link JobIds}: one
 * running job and task created at once, ended at once, each end guarded by {@link StatusMachine}.
 */
public final class LocalJobStore implements LocalJobs {
    private final DSLContext dsl;
    private final Clock clock;
    private final JobIds ids;

    public LocalJobStore(DSLContext dsl, Clock clock, JobIds ids) {
        this.dsl = dsl;
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    public String nextJobId() {
        return ids.next();
    }

    @Override
    public void succeed(String jobId) {
        end(jobId, JobStatus.SUCCESS, null);
    }

    @Override
    public void fail(String jobId, String error) {
        end(jobId, JobStatus.FAILED, error);
    }

    @Override
    public List<TTaskRecord> succeededTasks(String module, String jobId) {
        return tasksWithStatus(module, JobStatus.SUCCESS, jobId);
    }

    /** Creates a running local job and its one running task, in one transaction. */
    @Override
    public void start(LocalJob job) {
        long now = clock.millis();
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            t.insertInto(T_JOB)
                    .set(T_JOB.F_JOB_ID, job.jobId())
                    .set(T_JOB.F_ROLE, job.role())
                    .set(T_JOB.F_PARTY_ID, job.partyId())
                    .set(T_JOB.F_DESCRIPTION, job.description())
                    .set(T_JOB.F_DSL, Jsonb.of(job.dsl()))
                    .set(T_JOB.F_RUNTIME_CONF, Jsonb.of(job.runtimeConf()))
                    .set(T_JOB.F_RUNTIME_CONF_ON_PARTY, Jsonb.of(job.runtimeConf()))
                    .set(T_JOB.F_TRAIN_RUNTIME_CONF, Jsonb.of(JsonNodeFactory.instance.objectNode()))
                    .set(T_JOB.F_ROLES, Jsonb.of(job.runtimeConf().path("role")))
                    .set(T_JOB.F_INITIATOR_ROLE, job.role())
                    .set(T_JOB.F_INITIATOR_PARTY_ID, job.partyId())
                    .set(T_JOB.F_IS_INITIATOR, true)
                    .set(T_JOB.F_LEAD, true)
                    .set(T_JOB.F_INLINE, true)
                    .set(T_JOB.F_STATUS, JobStatus.RUNNING.wire())
                    .set(T_JOB.F_CREATE_TIME, now)
                    .set(T_JOB.F_UPDATE_TIME, now)
                    .set(T_JOB.F_START_TIME, now)
                    .execute();
            t.insertInto(T_TASK)
                    .set(T_TASK.F_JOB_ID, job.jobId())
                    .set(T_TASK.F_TASK_ID, job.jobId() + "_" + job.componentName())
                    .set(T_TASK.F_TASK_VERSION, 0L)
                    .set(T_TASK.F_ROLE, job.role())
                    .set(T_TASK.F_PARTY_ID, job.partyId())
                    .set(T_TASK.F_COMPONENT_NAME, job.componentName())
                    .set(T_TASK.F_COMPONENT_MODULE, job.module())
                    .set(T_TASK.F_INITIATOR_ROLE, job.role())
                    .set(T_TASK.F_INITIATOR_PARTY_ID, job.partyId())
                    .set(T_TASK.F_STATUS, JobStatus.RUNNING.wire())
                    .set(T_TASK.F_PARTY_STATUS, JobStatus.RUNNING.wire())
                    .set(T_TASK.F_COMPONENT_PARAMETERS, Jsonb.of(job.componentParameters()))
                    .set(T_TASK.F_CREATE_TIME, now)
                    .set(T_TASK.F_UPDATE_TIME, now)
                    .set(T_TASK.F_START_TIME, now)
                    .execute();
        });
    }

    /** Ends a running local job and its tasks with {@code status}; a no-op if it already ended. */
    private void end(String jobId, JobStatus status, String errorReport) {
        if (!StatusMachine.jobCan(JobStatus.RUNNING, status) || !StatusMachine.taskCan(JobStatus.RUNNING, status)) {
            throw new IllegalArgumentException("a running job cannot end " + status.wire());
        }
        long now = clock.millis();
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            t.update(T_JOB)
                    .set(T_JOB.F_STATUS, status.wire())
                    .set(T_JOB.F_PROGRESS, status == JobStatus.SUCCESS ? DSL.val(100) : T_JOB.F_PROGRESS)
                    .set(T_JOB.F_ERROR_REPORT, errorReport)
                    .set(T_JOB.F_TAG, "job_end")
                    .set(T_JOB.F_UPDATE_TIME, now)
                    .set(T_JOB.F_END_TIME, now)
                    .set(T_JOB.F_ELAPSED, DSL.val(now).minus(T_JOB.F_START_TIME))
                    .where(T_JOB.F_JOB_ID.eq(jobId), T_JOB.F_STATUS.eq(JobStatus.RUNNING.wire()))
                    .execute();
            t.update(T_TASK)
                    .set(T_TASK.F_STATUS, status.wire())
                    .set(T_TASK.F_PARTY_STATUS, status.wire())
                    .set(T_TASK.F_ERROR_REPORT, errorReport)
                    .set(T_TASK.F_UPDATE_TIME, now)
                    .set(T_TASK.F_END_TIME, now)
                    .set(T_TASK.F_ELAPSED, DSL.val(now).minus(T_TASK.F_START_TIME))
                    .where(T_TASK.F_JOB_ID.eq(jobId), T_TASK.F_STATUS.eq(JobStatus.RUNNING.wire()))
                    .execute();
        });
    }

    /** The tasks of {@code module} with {@code status} (of one job when {@code jobId} is given), newest first. */
    private List<TTaskRecord> tasksWithStatus(String module, JobStatus status, String jobId) {
        var q = dsl.selectFrom(T_TASK).where(T_TASK.F_COMPONENT_MODULE.eq(module), T_TASK.F_STATUS.eq(status.wire()));
        if (!isBlank(jobId)) {
            q = q.and(T_TASK.F_JOB_ID.eq(jobId));
        }
        return q.orderBy(T_TASK.F_CREATE_TIME.desc(), T_TASK.F_JOB_ID.desc()).fetch();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
