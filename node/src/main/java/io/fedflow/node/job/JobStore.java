package io.fedflow.node.job;

import static io.fedflow.node.store.generated.Tables.T_JOB;
import static io.fedflow.node.store.generated.Tables.T_TASK;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.store.Jsonb;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Job and task rows (FATE's t_job / t_task), one row per job, role and party. */
public final class JobStore {
    private final DSLContext dsl;
    private final Clock clock;
    private final SuccessRecord onSuccess;

    public JobStore(DSLContext dsl, Clock clock) {
        this(dsl, clock, (tx, jobId) -> { });
    }

    /** With {@code onSuccess} run in the transaction that moves a job to success (its model is recorded there). */
    public JobStore(DSLContext dsl, Clock clock, SuccessRecord onSuccess) {
        this.dsl = dsl;
        this.clock = clock;
        this.onSuccess = onSuccess;
    }

    /**
     * What else a job's success writes, in the same transaction: whoever sees the job succeed sees it (a
     * trained model in the registry) too.
     */
    @FunctionalInterface
    public interface SuccessRecord {
        void write(DSLContext tx, String jobId);
    }

    /**
     * The rows a job starts with at this node: a job row per role this site holds, its tasks waiting.
     * The initiator ({@code holders}) also gets a task row per task at the other parties, not run here,
     * that mirrors their status for the federated job status. Returns false (and writes nothing) when
     * the job is already here, so that a repeated create is harmless.
     */
    public boolean createJob(String jobId, JobPlan plan, ObjectNode runtimeConfOnParty, int cores,
                             long timeoutSeconds, String modelId, String modelVersion, String thisParty,
                             boolean holders) {
        long now = clock.millis();
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            if (t.fetchExists(T_JOB, T_JOB.F_JOB_ID.eq(jobId))) {
                return false;
            }
            boolean lead = true;
            boolean here0 = isHere(plan.initiatorRole(), plan.initiatorPartyId(), thisParty);
            for (var party : plan.parties()) {
                String role = party.getKey();
                String partyId = party.getValue();
                boolean here = isHere(role, partyId, thisParty);
                if (!here && !holders) {
                    continue;
                }
                boolean initiator = role.equals(plan.initiatorRole()) && partyId.equals(plan.initiatorPartyId());
                if (here) {
                    t.insertInto(T_JOB)
                            .set(T_JOB.F_JOB_ID, jobId)
                            .set(T_JOB.F_ROLE, role)
                            .set(T_JOB.F_PARTY_ID, partyId)
                            .set(T_JOB.F_DSL, Jsonb.of(plan.dsl()))
                            .set(T_JOB.F_RUNTIME_CONF, Jsonb.of(plan.conf()))
                            .set(T_JOB.F_RUNTIME_CONF_ON_PARTY, Jsonb.of(runtimeConfOnParty))
                            .set(T_JOB.F_TRAIN_RUNTIME_CONF, Jsonb.of(JsonNodeFactory.instance.objectNode()))
                            .set(T_JOB.F_ROLES, Jsonb.of(plan.conf().path("role")))
                            .set(T_JOB.F_INITIATOR_ROLE, plan.initiatorRole())
                            .set(T_JOB.F_INITIATOR_PARTY_ID, plan.initiatorPartyId())
                            .set(T_JOB.F_IS_INITIATOR, initiator)
                            // the initiator's row leads at the initiator, the first role held elsewhere
                            .set(T_JOB.F_LEAD, here0 ? initiator : lead)
                            // FATE's ready: the initiator's job waits for its creation everywhere
                            // before the scheduler may see it
                            .set(T_JOB.F_STATUS, (holders ? JobStatus.READY : JobStatus.WAITING).wire())
                            .set(T_JOB.F_CORES, cores)
                            .set(T_JOB.F_TIMEOUT, timeoutSeconds)
                            .set(T_JOB.F_MODEL_ID, modelId)
                            .set(T_JOB.F_MODEL_VERSION, modelVersion)
                            .set(T_JOB.F_CREATE_TIME, now)
                            .set(T_JOB.F_UPDATE_TIME, now)
                            .execute();
                    lead = false;
                }
                int retries = plan.intParameter("auto_retries", role, partyId, 0);
                int retryDelay = plan.intParameter("auto_retry_delay", role, partyId, JobPlan.DEFAULT_AUTO_RETRY_DELAY);
                for (JobPlan.PlannedComponent c : plan.components()) {
                    t.insertInto(T_TASK)
                            .set(T_TASK.F_JOB_ID, jobId)
                            .set(T_TASK.F_TASK_ID, jobId + "_" + c.name())
                            .set(T_TASK.F_TASK_VERSION, 0L)
                            .set(T_TASK.F_ROLE, role)
                            .set(T_TASK.F_PARTY_ID, partyId)
                            .set(T_TASK.F_COMPONENT_NAME, c.name())
                            .set(T_TASK.F_COMPONENT_MODULE, c.definition().module())
                            .set(T_TASK.F_INITIATOR_ROLE, plan.initiatorRole())
                            .set(T_TASK.F_INITIATOR_PARTY_ID, plan.initiatorPartyId())
                            .set(T_TASK.F_STATUS, JobStatus.WAITING.wire())
                            .set(T_TASK.F_PARTY_STATUS, JobStatus.WAITING.wire())
                            .set(T_TASK.F_COMPONENT_PARAMETERS, Jsonb.of(plan.parameters(c.name(), role, partyId)))
                            .set(T_TASK.F_AUTO_RETRIES, retries)
                            .set(T_TASK.F_AUTO_RETRY_DELAY, retryDelay)
                            .set(T_TASK.F_NEED_RUN, plan.needRun(c.name(), role, partyId))
                            .set(T_TASK.F_RUN_ON_THIS_PARTY, here)
                            .set(T_TASK.F_FEDERATED_MODE, holders || !here0 ? "MULTIPLE" : "SINGLE")
                            .set(T_TASK.F_CREATE_TIME, now)
                            .set(T_TASK.F_UPDATE_TIME, now)
                            .execute();
                }
            }
            return true;
        });
    }

    /** Whether {@code role}/{@code partyId} of a job runs at the site {@code thisParty}. */
    public static boolean isHere(String role, String partyId, String thisParty) {
        return partyId.equals(thisParty) || role.equals("local") && partyId.equals("0");
    }

    /**
     * Mirrors another party's task rows (from collect) into the initiator's holder rows: a version the
     * holder does not have yet (the party retried) is added, the rest updated. Only holder rows change.
     */
    public void mirrorTasks(String jobId, List<RemoteParties.RemoteTask> remote) {
        // Called every collect round: one read of the holders, and writes only for what changed.
        Map<String, TTaskRecord> holders = new HashMap<>();
        for (TTaskRecord h : latestTasks(jobId)) {
            if (!h.getFRunOnThisParty()) {
                holders.put(h.getFTaskId() + "/" + h.getFRole() + "/" + h.getFPartyId(), h);
            }
        }
        List<RemoteParties.RemoteTask> changed = new ArrayList<>();
        for (RemoteParties.RemoteTask r : remote) {
            TTaskRecord latest = holders.get(r.taskId() + "/" + r.role() + "/" + r.partyId());
            // not a task of this job's plan: ignore what we did not ask for
            if (latest != null && (latest.getFTaskVersion() < r.taskVersion()
                    || !r.status().equals(latest.getFStatus()) || !r.partyStatus().equals(latest.getFPartyStatus())
                    || !Objects.equals(r.endTime(), latest.getFEndTime()))) {
                changed.add(r);
            }
        }
        if (changed.isEmpty()) {
            return;
        }
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            for (RemoteParties.RemoteTask r : changed) {
                TTaskRecord latest = holders.get(r.taskId() + "/" + r.role() + "/" + r.partyId());
                // The party's latest row is the truth for the holder's latest one. A holder ahead of it is a
                // rerun this site gave a new version that the party did not need (its task had passed or
                // succeeded already, or the holder was stale when the job stopped): it mirrors the party's row.
                long version = Math.max(latest.getFTaskVersion(), r.taskVersion());
                if (latest.getFTaskVersion() < r.taskVersion()) {
                    TTaskRecord copy = latest.copy();
                    copy.setFJobId(jobId);
                    copy.setFTaskId(r.taskId());
                    copy.setFRole(r.role());
                    copy.setFPartyId(r.partyId());
                    copy.setFTaskVersion(r.taskVersion());
                    copy.setFCreateTime(clock.millis());
                    t.insertInto(T_TASK).set(copy).execute();
                }
                t.update(T_TASK)
                        .set(T_TASK.F_STATUS, r.status())
                        .set(T_TASK.F_PARTY_STATUS, r.partyStatus())
                        .set(T_TASK.F_START_TIME, r.startTime())
                        .set(T_TASK.F_END_TIME, r.endTime())
                        .set(T_TASK.F_ELAPSED, r.startTime() != null && r.endTime() != null
                                ? r.endTime() - r.startTime() : null)
                        .set(T_TASK.F_ERROR_REPORT, r.errorReport())
                        .set(T_TASK.F_UPDATE_TIME, clock.millis())
                        .where(T_TASK.F_JOB_ID.eq(jobId), T_TASK.F_TASK_ID.eq(r.taskId()),
                                T_TASK.F_ROLE.eq(r.role()), T_TASK.F_PARTY_ID.eq(r.partyId()),
                                T_TASK.F_RUN_ON_THIS_PARTY.isFalse(), T_TASK.F_TASK_VERSION.eq(version))
                        .execute();
            }
        });
    }

    /** Ready to waiting, once a job exists at every party: from now on the scheduler sees it. */
    public boolean markCreated(String jobId) {
        return dsl.update(T_JOB).set(T_JOB.F_STATUS, JobStatus.WAITING.wire()).set(T_JOB.F_UPDATE_TIME, clock.millis())
                .where(T_JOB.F_JOB_ID.eq(jobId), T_JOB.F_STATUS.eq(JobStatus.READY.wire())).execute() > 0;
    }

    /** FATE's tag of a job (e.g. submit_failed), on every row of it here. */
    public void setTag(String jobId, String tag) {
        dsl.update(T_JOB).set(T_JOB.F_TAG, tag).where(T_JOB.F_JOB_ID.eq(jobId)).execute();
    }

    /** Stores a job's changed conf, and its latest tasks' parameters and retries from {@code plan}, at once. */
    public void replaceConf(String jobId, JobPlan plan) {
        List<TTaskRecord> tasks = latestTasks(jobId);
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            t.update(T_JOB).set(T_JOB.F_RUNTIME_CONF, Jsonb.of(plan.conf()))
                    .where(T_JOB.F_JOB_ID.eq(jobId)).execute();
            for (var task : tasks) {
                t.update(T_TASK).set(T_TASK.F_COMPONENT_PARAMETERS, Jsonb.of(
                                plan.parameters(task.getFComponentName(), task.getFRole(), task.getFPartyId())))
                        .set(T_TASK.F_AUTO_RETRIES, plan.intParameter("auto_retries", task.getFRole(),
                                task.getFPartyId(), 0))
                        .where(T_TASK.F_JOB_ID.eq(jobId), T_TASK.F_TASK_ID.eq(task.getFTaskId()),
                                T_TASK.F_TASK_VERSION.eq(task.getFTaskVersion()), T_TASK.F_ROLE.eq(task.getFRole()),
                                T_TASK.F_PARTY_ID.eq(task.getFPartyId()))
                        .execute();
            }
        });
    }

    /**
     * After a restart: upload and download jobs run inside their request, so one left running died with
     * the node. Fails them and their running tasks, each move guarded by {@link StatusMachine}.
     */
    public void failRunningInlineJobs(String jobReason, String taskReason) {
        List<String> jobSources = StatusMachine.jobSources(JobStatus.FAILED).stream().map(JobStatus::wire).toList();
        List<String> taskSources = StatusMachine.taskSources(JobStatus.FAILED).stream().map(JobStatus::wire).toList();
        dsl.update(T_JOB).set(T_JOB.F_STATUS, JobStatus.FAILED.wire())
                .set(T_JOB.F_ERROR_REPORT, jobReason)
                .where(T_JOB.F_STATUS.eq(JobStatus.RUNNING.wire()), T_JOB.F_STATUS.in(jobSources),
                        T_JOB.F_INLINE.isTrue())
                .execute();
        dsl.update(T_TASK).set(T_TASK.F_STATUS, JobStatus.FAILED.wire())
                .set(T_TASK.F_PARTY_STATUS, JobStatus.FAILED.wire())
                .set(T_TASK.F_ERROR_REPORT, taskReason)
                .where(T_TASK.F_STATUS.eq(JobStatus.RUNNING.wire()), T_TASK.F_STATUS.in(taskSources),
                        T_TASK.F_JOB_ID.in(DSL.select(T_JOB.F_JOB_ID).from(T_JOB).where(T_JOB.F_INLINE.isTrue())))
                .execute();
    }

    public void setSyncPending(String jobId, boolean pending) {
        dsl.update(T_JOB).set(T_JOB.F_SYNC_PENDING, pending).where(T_JOB.F_JOB_ID.eq(jobId)).execute();
    }

    /** Ended jobs this site initiated whose end status has not reached every party. */
    public List<TJobRecord> jobsToSync() {
        return dsl.selectFrom(T_JOB).where(T_JOB.F_SYNC_PENDING.isTrue(), T_JOB.F_LEAD.isTrue()).fetch();
    }

    /**
     * Moves every row of a job at this node to {@code to}, only from a status FATE allows; returns whether
     * anything moved. End statuses set end time and elapsed; running sets the start time. Success also
     * writes this store's {@link SuccessRecord}, in the same transaction.
     */
    public boolean transitJob(String jobId, JobStatus to, String errorReport) {
        if (to != JobStatus.SUCCESS) {
            return transit(dsl, jobId, to, errorReport);
        }
        return dsl.transactionResult(tx -> {
            boolean moved = transit(tx.dsl(), jobId, to, errorReport);
            if (moved) {
                onSuccess.write(tx.dsl(), jobId);
            }
            return moved;
        });
    }

    private boolean transit(DSLContext ctx, String jobId, JobStatus to, String errorReport) {
        long now = clock.millis();
        var update = ctx.update(T_JOB).set(T_JOB.F_STATUS, to.wire()).set(T_JOB.F_UPDATE_TIME, now);
        if (to == JobStatus.RUNNING) {
            update = update.set(T_JOB.F_START_TIME, DSL.coalesce(T_JOB.F_START_TIME, DSL.val(now)))
                    .set(T_JOB.F_END_TIME, (Long) null).set(T_JOB.F_ELAPSED, (Long) null);
        }
        if (to.isEnd()) {
            update = update.set(T_JOB.F_END_TIME, now)
                    .set(T_JOB.F_ELAPSED, DSL.val(now).minus(DSL.coalesce(T_JOB.F_START_TIME, DSL.val(now))))
                    .set(T_JOB.F_TAG, "job_end")
                    .set(T_JOB.F_ERROR_REPORT, errorReport);
            if (to == JobStatus.SUCCESS) {
                update = update.set(T_JOB.F_PROGRESS, 100);
            }
        }
        if (to == JobStatus.WAITING) {
            update = update.set(T_JOB.F_TAG, "rerun").set(T_JOB.F_ERROR_REPORT, (String) null)
                    .set(T_JOB.F_CANCEL_SIGNAL, false).set(T_JOB.F_END_TIME, (Long) null);
        }
        return update.where(T_JOB.F_JOB_ID.eq(jobId),
                T_JOB.F_STATUS.in(StatusMachine.jobSources(to).stream().map(JobStatus::wire).toList()))
                .execute() > 0;
    }

    /** Guarded task transition of one task version at one party. */
    public boolean transitTask(TTaskRecord task, JobStatus to, String errorReport) {
        long now = clock.millis();
        var update = dsl.update(T_TASK).set(T_TASK.F_STATUS, to.wire()).set(T_TASK.F_PARTY_STATUS, to.wire())
                .set(T_TASK.F_UPDATE_TIME, now);
        if (to == JobStatus.RUNNING) {
            update = update.set(T_TASK.F_START_TIME, now);
        }
        if (to.isEnd()) {
            update = update.set(T_TASK.F_END_TIME, now)
                    .set(T_TASK.F_ELAPSED, DSL.val(now).minus(DSL.coalesce(T_TASK.F_START_TIME, DSL.val(now))))
                    .set(T_TASK.F_ERROR_REPORT, errorReport);
        }
        return update.where(T_TASK.F_JOB_ID.eq(task.getFJobId()), T_TASK.F_TASK_ID.eq(task.getFTaskId()),
                T_TASK.F_TASK_VERSION.eq(task.getFTaskVersion()), T_TASK.F_ROLE.eq(task.getFRole()),
                T_TASK.F_PARTY_ID.eq(task.getFPartyId()),
                T_TASK.F_STATUS.in(StatusMachine.taskSources(to).stream().map(JobStatus::wire).toList()))
                .execute() > 0;
    }

    /**
     * Version {@code version} of {@code task}, waiting (auto-retry and rerun: the old version stays as it
     * ended). Every party gives a component's tasks the same version: the initiator chooses it.
     */
    public void newTaskVersion(TTaskRecord task, long version, int autoRetries) {
        long now = clock.millis();
        TTaskRecord copy = task.copy();
        copy.setFJobId(task.getFJobId());
        copy.setFTaskId(task.getFTaskId());
        copy.setFRole(task.getFRole());
        copy.setFPartyId(task.getFPartyId());
        copy.setFTaskVersion(version);
        copy.setFStatus(JobStatus.WAITING.wire());
        copy.setFPartyStatus(JobStatus.WAITING.wire());
        copy.setFAutoRetries(autoRetries);
        copy.setFErrorReport(null);
        copy.setFStartTime(null);
        copy.setFEndTime(null);
        copy.setFElapsed(null);
        copy.setFCreateTime(now);
        copy.setFUpdateTime(now);
        dsl.insertInto(T_TASK).set(copy).execute();
    }

    /** The latest version of every task of a job at this node, in creation order. */
    public List<TTaskRecord> latestTasks(String jobId) {
        // The scheduler asks several times a round: the latest versions in one grouped pass over the job's rows,
        // not a correlated subquery that scans them again for each row.
        var t2 = T_TASK.as("t2");
        return dsl.selectFrom(T_TASK).where(T_TASK.F_JOB_ID.eq(jobId),
                        DSL.row(T_TASK.F_TASK_ID, T_TASK.F_ROLE, T_TASK.F_PARTY_ID, T_TASK.F_TASK_VERSION).in(
                                DSL.select(t2.F_TASK_ID, t2.F_ROLE, t2.F_PARTY_ID, DSL.max(t2.F_TASK_VERSION))
                                        .from(t2).where(t2.F_JOB_ID.eq(jobId))
                                        .groupBy(t2.F_TASK_ID, t2.F_ROLE, t2.F_PARTY_ID)))
                .orderBy(T_TASK.F_CREATE_TIME, T_TASK.F_TASK_ID, T_TASK.F_ROLE, T_TASK.F_PARTY_ID).fetch();
    }

    public List<TJobRecord> jobRows(String jobId) {
        return dsl.selectFrom(T_JOB).where(T_JOB.F_JOB_ID.eq(jobId)).orderBy(T_JOB.F_ROLE, T_JOB.F_PARTY_ID).fetch();
    }

    /**
     * What a scheduling round works on, read at its start in one query: the running and the waiting jobs (as
     * {@link #jobsWithStatus}) and the ended ones whose end has not reached every party (as {@link #jobsToSync}).
     */
    public record RoundJobs(List<TJobRecord> running, List<TJobRecord> waiting, List<TJobRecord> toSync) {}

    /** The rows {@link RoundJobs} names, oldest first; a round comes 5 times a second, at every node. */
    public RoundJobs roundJobs() {
        List<TJobRecord> rows = dsl.selectFrom(T_JOB).where(T_JOB.F_LEAD.isTrue(),
                        T_JOB.F_INLINE.isFalse().and(T_JOB.F_STATUS.in(JobStatus.RUNNING.wire(), JobStatus.WAITING.wire()))
                                .or(T_JOB.F_SYNC_PENDING.isTrue()))
                .orderBy(T_JOB.F_CREATE_TIME, T_JOB.F_JOB_ID).fetch();
        List<TJobRecord> running = new ArrayList<>();
        List<TJobRecord> waiting = new ArrayList<>();
        List<TJobRecord> toSync = new ArrayList<>();
        for (TJobRecord r : rows) {
            if (Boolean.FALSE.equals(r.getFInline()) && JobStatus.RUNNING.wire().equals(r.getFStatus())) {
                running.add(r);
            } else if (Boolean.FALSE.equals(r.getFInline()) && JobStatus.WAITING.wire().equals(r.getFStatus())) {
                waiting.add(r);
            }
            if (Boolean.TRUE.equals(r.getFSyncPending())) {
                toSync.add(r);
            }
        }
        return new RoundJobs(List.copyOf(running), List.copyOf(waiting), List.copyOf(toSync));
    }

    /** One row per job with this status, oldest first (the queue order). */
    public List<TJobRecord> jobsWithStatus(JobStatus status) {
        return dsl.selectFrom(T_JOB).where(T_JOB.F_STATUS.eq(status.wire()), T_JOB.F_LEAD.isTrue(),
                T_JOB.F_INLINE.isFalse())
                .orderBy(T_JOB.F_CREATE_TIME, T_JOB.F_JOB_ID).fetch();
    }

    public void setResources(String jobId, boolean inUse) {
        long now = clock.millis();
        var u = dsl.update(T_JOB).set(T_JOB.F_RESOURCE_IN_USE, inUse);
        u = inUse ? u.set(T_JOB.F_APPLY_RESOURCE_TIME, now) : u.set(T_JOB.F_RETURN_RESOURCE_TIME, now);
        u.where(T_JOB.F_JOB_ID.eq(jobId)).execute();
    }

    public void setCancelSignal(String jobId) {
        dsl.update(T_JOB).set(T_JOB.F_CANCEL_SIGNAL, true).set(T_JOB.F_CANCEL_TIME, clock.millis())
                .where(T_JOB.F_JOB_ID.eq(jobId)).execute();
    }

    /**
     * Sets a job's progress where it differs; returns whether a row changed. Every round asks, and a write of the
     * same value would still be a WAL-flushed commit and a job NOTIFY dropping the job's cached query answers.
     */
    public boolean setProgress(String jobId, int progress) {
        return dsl.update(T_JOB).set(T_JOB.F_PROGRESS, progress)
                .where(T_JOB.F_JOB_ID.eq(jobId), T_JOB.F_PROGRESS.isDistinctFrom(progress)).execute() > 0;
    }

    public DSLContext dsl() {
        return dsl;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
