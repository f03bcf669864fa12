package io.fedflow.node.job;

import io.fedflow.node.component.Component;
import io.fedflow.node.component.ComponentRegistry;
import io.fedflow.node.component.TaskCancelledException;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.logging.LogContext;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this site's tasks of its jobs, and only that: starts a task once every upstream task at its role and
 * party succeeded (within {@code task_parallelism}), runs it in a bounded worker pool, stops or moves tasks
 * to a new version, ends a job here, and after a restart fails what was left running. Whether a job ends,
 * and its retries, are the initiator's ({@link JobCoordinator}); every status change is guarded by {@link
 * StatusMachine} through {@link JobStore}.
 */
final class TaskRunner implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(TaskRunner.class);

    private final JobCore core;
    private final JobStore jobs;
    private final ComponentRegistry registry;
    private final TaskEnvironment env;
    private final JobMeters meters;
    private final ThreadPoolExecutor workers;
    /** Where tasks' messages are delivered behind them: a thread per task with messages on their way. */
    private final ExecutorService deliveries = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fedflow-task-send");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, RunningTask> running = new ConcurrentHashMap<>();
    private final List<Consumer<String>> endListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> taskEndListeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private record RunningTask(Future<?> future, AtomicBoolean cancelled) {}

    /** One round of a job here: its latest tasks, the status FATE's rule gives them, whether any moved. */
    record Step(List<TTaskRecord> tasks, JobStatus next, boolean changed) {}

    TaskRunner(JobCore core, ComponentRegistry registry, TaskEnvironment env, JobMeters meters) {
        this.core = core;
        this.jobs = core.jobs();
        this.registry = registry;
        this.env = env;
        this.meters = meters;
        meters.runningTasks(running::size);
        int n = Math.max(1, core.resources().totalCores());
        this.workers = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "fedflow-task");
            t.setDaemon(true);
            return t;
        });
        this.workers.allowCoreThreadTimeOut(true);
    }

    /** Called with the job id whenever a job ends here (the coordinator forgets its rounds' state). */
    void onEnd(Consumer<String> listener) {
        endListeners.add(listener);
    }

    /** Called with the job id whenever one of its tasks here ends, before the scheduler is woken. */
    void onTaskEnd(Consumer<String> listener) {
        taskEndListeners.add(listener);
    }

    /**
     * What a previous run left: its running tasks died with it and fail with the reason (the initiator
     * retries them if the job allows); running jobs take their cores again. Upload and download jobs run
     * inside their request: one left running died with the node.
     */
    void recover() {
        for (TJobRecord job : jobs.jobsWithStatus(JobStatus.RUNNING)) {
            for (TTaskRecord t : jobs.latestTasks(job.getFJobId())) {
                if (JobStatus.RUNNING.wire().equals(t.getFStatus())) {
                    jobs.transitTask(t, JobStatus.FAILED, "the node restarted while this task was running");
                    core.logs().schedule(job.getFJobId(), "task " + t.getFTaskId() + " " + t.getFRole() + " "
                            + t.getFPartyId() + " failed: the node restarted while it was running");
                }
            }
            core.resources().apply(job.getFJobId(), job.getFCores());
        }
        jobs.failRunningInlineJobs("the node restarted while this job was running",
                "the node restarted while this task was running");
    }

    /** A round of a job this site follows: its ready tasks start; the initiator decides when it ends. */
    void advanceHere(TJobRecord job) {
        if (advance(job, jobs.latestTasks(job.getFJobId())).changed()) {
            core.signals().wakeUp();
        }
    }

    /** Starts this site's ready tasks of {@code job} ({@code tasks}: its latest ones) and sets its progress. */
    Step advance(TJobRecord job, List<TTaskRecord> tasks) {
        String jobId = job.getFJobId();
        JobPlan plan = core.plans().cached(job);
        boolean changed = startReady(job, plan, tasks);
        if (changed) {
            tasks = jobs.latestTasks(jobId);
        }
        JobStatus next = JobStatusRule.of(tasks, plan);
        int done = (int) tasks.stream().filter(t -> JobStatusRule.DONE.contains(StatusMachine.parse(t.getFStatus())))
                .count();
        int progress = tasks.isEmpty() ? 100 : done * 100 / tasks.size();
        // as read at the round's start: most rounds change nothing, and ask nothing of the database then
        if (job.getFProgress() == null || job.getFProgress() != progress) {
            jobs.setProgress(jobId, progress);
        }
        return new Step(tasks, next, changed);
    }

    /**
     * Starts this party's waiting tasks whose upstream is done (or passes those that need no run); true when a
     * task passed. A loop of its own, so that its back edges (every task, every round) do not make
     * {@link #advance} hot enough for C2 to compile it whole, with the status rule and jOOQ it would inline.
     */
    private boolean startReady(TJobRecord job, JobPlan plan, List<TTaskRecord> tasks) {
        Map<String, TTaskRecord> byKey = new HashMap<>();
        tasks.forEach(t -> byKey.put(JobStatusRule.key(t.getFComponentName(), t.getFRole(), t.getFPartyId()), t));
        int parallelism = plan.intParameter("task_parallelism", 1);
        // task_parallelism bounds the running tasks of each role and party: a site holding two roles (host
        // and arbiter) runs both roles' tasks of one component at once, as they talk to each other.
        Map<String, Integer> active = new HashMap<>();
        tasks.stream().filter(t -> t.getFRunOnThisParty() && JobStatus.RUNNING.wire().equals(t.getFStatus()))
                .forEach(t -> active.merge(t.getFRole() + "\u0000" + t.getFPartyId(), 1, Integer::sum));
        boolean changed = false;
        for (TTaskRecord t : tasks) {
            if (!t.getFRunOnThisParty()) {
                continue; // another party's task: it runs there (the initiator retries it)
            }
            JobStatus s = StatusMachine.parse(t.getFStatus());
            // A failed task is retried by the initiator, at every party at once, never here alone.
            if (s != JobStatus.WAITING) {
                continue;
            }
            JobPlan.PlannedComponent c = plan.component(t.getFComponentName());
            boolean ready = true;
            for (String up : c.upstream()) {
                TTaskRecord u = byKey.get(JobStatusRule.key(up, t.getFRole(), t.getFPartyId()));
                if (u == null || !JobStatusRule.DONE.contains(StatusMachine.parse(u.getFStatus()))) {
                    ready = false;
                    break;
                }
            }
            if (!ready) {
                continue;
            }
            if (!t.getFNeedRun()) {
                jobs.transitTask(t, JobStatus.PASS, null);
                changed = true;
            } else if (active.getOrDefault(t.getFRole() + "\u0000" + t.getFPartyId(), 0) < parallelism) {
                if (jobs.transitTask(t, JobStatus.RUNNING, null)) {
                    active.merge(t.getFRole() + "\u0000" + t.getFPartyId(), 1, Integer::sum);
                    launch(t, plan, job);
                }
            }
        }
        return changed;
    }

    private void launch(TTaskRecord task, JobPlan plan, TJobRecord job) {
        AtomicBoolean cancelled = new AtomicBoolean();
        core.logs().schedule(task.getFJobId(), "start task " + task.getFTaskId() + " version "
                + task.getFTaskVersion() + " " + task.getFRole() + " " + task.getFPartyId());
        Future<?> f = workers.submit(() -> {
            // Every line logged while the task runs (its component's, the stores', the site calls') says whose.
            try (LogContext.Scope ids = LogContext.task(task.getFJobId(), task.getFTaskId())) {
                run(task, plan, new TaskContext.Model(job.getFModelId(), job.getFModelVersion()), cancelled);
            }
        });
        running.put(runKey(task), new RunningTask(f, cancelled));
    }

    private void run(TTaskRecord task, JobPlan plan, TaskContext.Model model, AtomicBoolean cancelled) {
        String where = task.getFTaskId() + " " + task.getFRole() + " " + task.getFPartyId();
        TaskChannels bounded = (job, cpn, version, role, party, roles, sendFailed) ->
                new BoundedWaitChannel(env.channels().forTask(job, cpn, version, role, party, roles, sendFailed),
                        env.peerMessageTimeout(), core.waits(), core.clock(), job,
                        "task " + cpn + " " + role + " " + party, version, () -> {
                            if (cancelled.get()) {
                                throw new TaskCancelledException("task " + task.getFTaskId() + " was stopped");
                            }
                        });
        // the deliveries' log lines say whose, as the task's own do
        Executor taskDeliveries = r -> deliveries.execute(() -> {
            try (LogContext.Scope ids = LogContext.task(task.getFJobId(), task.getFTaskId())) {
                r.run();
            }
        });
        TaskContext ctx = new TaskContext(task, plan, model, env, core.logs(), cancelled::get, bounded, meters,
                taskDeliveries);
        long started = System.nanoTime();
        JobStatus ended = JobStatus.FAILED;
        try {
            Component component = registry.find(task.getFComponentModule()).orElseThrow().factory().get();
            ctx.log("task " + where + " version " + task.getFTaskVersion() + " started: module "
                    + task.getFComponentModule() + ", parameters " + task.getFComponentParameters().data());
            ctx.clearCheckpoints();
            long t0 = System.nanoTime();
            component.run(ctx);
            // sends return before their peer has the message: the task is done once they all arrived
            ctx.awaitSent();
            String transfer = ctx.transferSummary();
            if (transfer != null) {
                ctx.log("task " + where + " " + transfer);
            }
            ctx.checkCancelled();
            jobs.transitTask(task, JobStatus.SUCCESS, null);
            ended = JobStatus.SUCCESS;
            ctx.log("task " + where + " succeeded in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (TaskCancelledException e) {
            ended = JobStatus.CANCELED;
            ctx.log("task " + where + " stopped");
        } catch (Throwable e) {
            if (closed) {
                // The node is shutting down: the task stays running; recovery at the next start fails it.
                return;
            }
            if (cancelled.get()) {
                ended = JobStatus.CANCELED;
                ctx.log("task " + where + " stopped: " + e);
            } else {
                String msg = e instanceof FlowException ? e.getMessage() : DatabaseFailures.isDatabase(e)
                        ? DatabaseFailures.of("task " + where, e).getMessage() // logged there, with its id
                        : e.getClass().getSimpleName() + ": " + e.getMessage();
                if (!(e instanceof FlowException) && !DatabaseFailures.isDatabase(e)) {
                    logger.warn("task {} failed", where, e);
                }
                jobs.transitTask(task, JobStatus.FAILED, msg);
                ctx.log("task " + where + " failed: " + msg);
                core.logs().schedule(task.getFJobId(), "task " + where + " failed: " + msg);
            }
        } finally {
            ctx.closeFederation();
            if (!closed) {
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                meters.taskEnded(task.getFComponentModule(), ended, took);
                // The node log's line per task (the job's own log has the details): the MDC says whose.
                logger.info("task {} version {} ({}) {} in {} ms", where, task.getFTaskVersion(),
                        task.getFComponentModule(), ended.wire(), took.toMillis());
            }
            running.remove(runKey(task));
            taskEndListeners.forEach(l -> l.accept(task.getFJobId()));
            core.signals().wakeUp();
        }
    }

    /**
     * Moves every task of {@code component} here (holder rows included) to {@code version}; a task still
     * running an older version is stopped first. Tasks already at that version or later stay: a repeated
     * call changes nothing.
     */
    int moveComponent(String jobId, String component, long version, int retries, String reason) {
        int moved = 0;
        for (TTaskRecord t : jobs.latestTasks(jobId)) {
            if (!t.getFComponentName().equals(component) || t.getFTaskVersion() >= version) {
                continue;
            }
            if (JobStatus.RUNNING.wire().equals(t.getFStatus())) {
                cancel(t);
                jobs.transitTask(t, JobStatus.FAILED, "stopped for version " + version + ": " + reason);
            }
            jobs.newTaskVersion(t, version, retries);
            moved++;
        }
        return moved;
    }

    /** Ends a job at this site only: running tasks are stopped with it, resources returned. */
    boolean endHere(String jobId, JobStatus status, String error) {
        synchronized (core.signals().lock()) {
            if (status != JobStatus.SUCCESS) {
                stopRunningTasks(jobId, status);
            }
            boolean moved = jobs.transitJob(jobId, status, error);
            if (moved) {
                // what no task took is of no use to a later run (a rerun sends its messages again)
                env.channels().deleteMessages(jobId);
                meters.jobEnded(status);
            }
            if (core.resources().release(jobId)) {
                jobs.setResources(jobId, false);
            }
            core.plans().forget(jobId);
            endListeners.forEach(l -> l.accept(jobId));
            core.waits().clear(jobId);
            if (moved) {
                core.logs().schedule(jobId, "job " + status.wire() + (error == null ? "" : ": " + error));
            }
            return moved;
        }
    }

    /** Drops the component messages of a job (job clean). */
    void deleteMessages(String jobId) {
        env.channels().deleteMessages(jobId);
    }

    private void stopRunningTasks(String jobId, JobStatus status) {
        for (TTaskRecord t : jobs.latestTasks(jobId)) {
            if (!JobStatus.RUNNING.wire().equals(t.getFStatus())) {
                continue;
            }
            cancel(t);
            jobs.transitTask(t, status, "stopped: job " + status.wire());
        }
    }

    private void cancel(TTaskRecord t) {
        RunningTask r = running.get(runKey(t));
        if (r != null) {
            r.cancelled().set(true);
            r.future().cancel(true);
        }
    }

    private static String runKey(TTaskRecord t) {
        return t.getFJobId() + "/" + t.getFTaskId() + "/" + t.getFTaskVersion() + "/" + t.getFRole() + "/"
                + t.getFPartyId();
    }

    @Override
    public void close() {
        closed = true;
        workers.shutdownNow();
        deliveries.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
