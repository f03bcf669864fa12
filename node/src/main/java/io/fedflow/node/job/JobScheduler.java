package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.FlowException;
import io.fedflow.proto.RetCode;
import io.fedflow.node.component.Component;
import io.fedflow.node.component.ComponentRegistry;
import io.fedflow.node.component.TaskCancelledException;
import io.fedflow.node.data.TableCatalog;
import io.fedflow.node.data.TableRows;
import io.fedflow.node.data.TableWriter;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import io.fedflow.node.tracking.TrackingStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.time.Duration;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs at this node: a FIFO queue of waiting jobs admitted while cores last, then each job's DAG,
 * starting a task once every upstream task at its role and party succeeded, in a bounded worker pool.
 * All state is in the database (every transition guarded by {@link StatusMachine}), so a restarted node
 * picks up where it was: tasks that were running are failed with the reason, retried if the job allows.
 */
public final class JobScheduler implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(JobScheduler.class);
    private static final Set<JobStatus> DONE = EnumSet.of(JobStatus.SUCCESS, JobStatus.PASS);

    private final JobStore jobs;
    private final DslParser parser;
    private final ComponentRegistry registry;
    private final ResourceManager resources;
    private final JobLogs logs;
    private final DSLContext dsl;
    private final TableCatalog catalog;
    private final TableRows rows;
    private final TableWriter writer;
    private final TrackingStore tracking;
    private final Clock clock;
    private final String thisParty;
    private final RemoteParties remote;
    private final Duration partyTimeout;
    private final Duration peerMessageTimeout;
    private final io.fedflow.node.component.FederationChannel.Factory channels;
    private final WaitBoard waits = new WaitBoard();
    private final ThreadPoolExecutor workers;
    // Calls to several parties at once (stop, status sync): each bounded by its own deadline.
    private final ExecutorService fanOut = Executors.newCachedThreadPool(r -> daemon(r, "fedflow-fan-out"));
    private final Map<String, Long> unreachableSince = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSync = new ConcurrentHashMap<>();
    private final Map<String, Long> lastCollect = new ConcurrentHashMap<>();
    static final Duration COLLECT_INTERVAL = Duration.ofSeconds(1);
    static final Duration RESYNC_INTERVAL = Duration.ofSeconds(3);
    private final ExecutorService loop;
    private final Map<String, RunningTask> running = new ConcurrentHashMap<>();
    private final Map<String, JobPlan> plans = new ConcurrentHashMap<>();
    private final Object wake = new Object();
    private final SchedulerHeartbeat heartbeat = new SchedulerHeartbeat();
    private volatile boolean closed;

    private record RunningTask(Future<?> future, AtomicBoolean cancelled) {}

    public JobScheduler(JobStore jobs, DslParser parser, ComponentRegistry registry, ResourceManager resources,
                        JobLogs logs, DSLContext dsl, TableCatalog catalog, TableRows rows, TableWriter writer,
                        TrackingStore tracking, Clock clock, String thisParty, RemoteParties remote,
                        Duration partyTimeout, Duration peerMessageTimeout,
                        io.fedflow.node.component.FederationChannel.Factory channels) {
        this.channels = channels;
        this.peerMessageTimeout = peerMessageTimeout;
        this.jobs = jobs;
        this.parser = parser;
        this.registry = registry;
        this.resources = resources;
        this.logs = logs;
        this.dsl = dsl;
        this.catalog = catalog;
        this.rows = rows;
        this.writer = writer;
        this.tracking = tracking;
        this.clock = clock;
        this.thisParty = thisParty;
        this.remote = remote;
        this.partyTimeout = partyTimeout;
        int n = Math.max(1, resources.totalCores());
        this.workers = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "fedflow-task"));
        this.workers.allowCoreThreadTimeOut(true);
        // Named after the party: several nodes may share a JVM (tests, demos).
        this.loop = Executors.newSingleThreadExecutor(r -> daemon(r, "fedflow-scheduler-" + thisParty));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Recovers what a previous run left, then schedules until closed. */
    public void start() {
        recover();
        loop.execute(() -> {
            String why = "the node is closing";
            try {
                while (!closed) {
                    heartbeat.beat();
                    try {
                        tick();
                    } catch (RuntimeException e) {
                        logger.warn("scheduling round failed", e);
                    }
                    synchronized (wake) {
                        try {
                            wake.wait(200);
                        } catch (InterruptedException e) {
                            why = "its thread was interrupted";
                            return;
                        }
                    }
                }
            } catch (Error e) {
                why = e.toString();
                throw e;
            } finally {
                heartbeat.stopped(why);
            }
        });
    }

    /** The loop's sign of life, for /health. */
    public SchedulerHeartbeat heartbeat() {
        return heartbeat;
    }

    public void wakeUp() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void recover() {
        for (TJobRecord job : jobs.jobsWithStatus(JobStatus.RUNNING)) {
            for (TTaskRecord t : jobs.latestTasks(job.getFJobId())) {
                if (JobStatus.RUNNING.wire().equals(t.getFStatus())) {
                    jobs.transitTask(t, JobStatus.FAILED, "the node restarted while this task was running");
                    logs.schedule(job.getFJobId(), "task " + t.getFTaskId() + " " + t.getFRole() + " "
                            + t.getFPartyId() + " failed: the node restarted while it was running");
                }
            }
            resources.apply(job.getFJobId(), job.getFCores());
        }
        // Upload and download calls run their job inside the request: one left running died with the node.
        var job = io.fedflow.node.store.generated.Tables.T_JOB;
        dsl.update(job).set(job.F_STATUS, JobStatus.FAILED.wire())
                .set(job.F_ERROR_REPORT, "the node restarted while this job was running")
                .where(job.F_STATUS.eq(JobStatus.RUNNING.wire()), job.F_INLINE.isTrue())
                .execute();
        var task = io.fedflow.node.store.generated.Tables.T_TASK;
        dsl.update(task).set(task.F_STATUS, JobStatus.FAILED.wire()).set(task.F_PARTY_STATUS, JobStatus.FAILED.wire())
                .set(task.F_ERROR_REPORT, "the node restarted while this task was running")
                .where(task.F_STATUS.eq(JobStatus.RUNNING.wire()),
                        task.F_JOB_ID.in(dsl.select(job.F_JOB_ID).from(job).where(job.F_INLINE.isTrue())))
                .execute();
    }

    synchronized void tick() {
        for (TJobRecord job : jobs.jobsWithStatus(JobStatus.RUNNING)) {
            boolean coordinator = coordinates(job);
            // Each collect is a signed call to every other party: once a second, not every round.
            Long last = lastCollect.get(job.getFJobId());
            if (coordinator && (last == null || clock.millis() - last >= COLLECT_INTERVAL.toMillis())) {
                lastCollect.put(job.getFJobId(), clock.millis());
                if (!collect(job)) {
                    continue;
                }
            }
            advance(job, coordinator);
        }
        String blocking = null;
        for (TJobRecord job : jobs.jobsWithStatus(JobStatus.WAITING)) {
            // Elsewhere a job waits for its initiator's start.
            if (!coordinates(job)) {
                continue;
            }
            if (blocking != null) {
                waits.put(job.getFJobId(), "cores", "queue: behind job " + blocking + ", which waits for cores");
            } else if (!admit(job)) {
                blocking = job.getFJobId(); // first come, first served: later jobs wait behind this one
            }
        }
        for (TJobRecord job : jobs.jobsToSync()) {
            // a party that missed the end status is asked again, at most every few seconds
            Long last = lastSync.get(job.getFJobId());
            if (last == null || clock.millis() - last >= RESYNC_INTERVAL.toMillis()) {
                lastSync.put(job.getFJobId(), clock.millis());
                syncEnd(job.getFJobId(), StatusMachine.parse(job.getFStatus()), job.getFErrorReport());
            }
        }
    }

    /** Whether this site schedules the job: it initiated it. Elsewhere it runs its tasks and follows. */
    private boolean coordinates(TJobRecord job) {
        return JobStore.isHere(job.getFInitiatorRole(), job.getFInitiatorPartyId(), thisParty);
    }

    /** The other sites of a job, by party id. */
    List<String> remoteParties(JobPlan plan) {
        return plan.parties().stream().filter(p -> !JobStore.isHere(p.getKey(), p.getValue(), thisParty))
                .map(Map.Entry::getValue).distinct().sorted().toList();
    }

    /**
     * Starts a waiting job if its cores are free here and at every other party (FATE's resource/apply,
     * then start); false when it has to wait. A party that cannot be reached fails the job.
     */
    private boolean admit(TJobRecord job) {
        String jobId = job.getFJobId();
        if (!resources.apply(jobId, job.getFCores())) {
            waits.put(jobId, "cores", "cores: the job needs " + job.getFCores() + " at party " + thisParty + ", "
                    + resources.remaining() + " of " + resources.totalCores() + " are free there");
            return false;
        }
        JobPlan plan = plan(job);
        List<String> remotes = remoteParties(plan);
        List<String> applied = new ArrayList<>();
        try {
            for (String p : remotes) {
                if (!remote.applyResources(p, jobId)) {
                    logs.schedule(jobId, "party " + p + " has not the job's cores free yet: the job waits");
                    waits.put(jobId, "cores", "cores: the job needs " + job.getFCores() + " at party " + p
                            + ", which has not that many free yet");
                    giveBack(jobId, applied);
                    return false;
                }
                applied.add(p);
            }
        } catch (FlowException e) {
            giveBack(jobId, applied);
            end(jobId, JobStatus.FAILED, e.getMessage());
            return true;
        }
        if (!jobs.transitJob(jobId, JobStatus.RUNNING, null)) {
            giveBack(jobId, applied);
            return true;
        }
        waits.remove(jobId, "cores");
        jobs.setResources(jobId, true);
        for (String p : remotes) {
            try {
                remote.start(p, jobId);
            } catch (FlowException e) {
                end(jobId, JobStatus.FAILED, e.getMessage());
                return true;
            }
        }
        logs.schedule(jobId, "job started with " + job.getFCores() + " cores"
                + (remotes.isEmpty() ? "" : ", and at parties " + remotes));
        TJobRecord started = jobs.jobRows(jobId).get(0);
        // the other parties' rows first: after a rerun the holders must not be judged on what they were
        if (remotes.isEmpty() || collect(started)) {
            advance(started, true);
        }
        return true;
    }

    private void giveBack(String jobId, List<String> applied) {
        for (String p : applied) {
            try {
                remote.returnResources(p, jobId);
            } catch (FlowException e) {
                logger.warn("job {}: could not return resources at party {}: {}", jobId, p, e.getMessage());
            }
        }
        resources.release(jobId);
    }

    /**
     * Pulls the other parties' task rows into the holder rows (FATE's PULL collection). A party that
     * stays unreachable longer than the party timeout fails the job; false when the job ended.
     */
    private boolean collect(TJobRecord job) {
        String jobId = job.getFJobId();
        for (String p : remoteParties(plan(job))) {
            String key = jobId + "/" + p;
            try {
                jobs.mirrorTasks(jobId, remote.collect(p, jobId).tasks());
                unreachableSince.remove(key);
                waits.remove(jobId, "party " + p);
            } catch (FlowException e) {
                boolean unreachable = e.retCode() == RetCode.CONNECTION_ERROR
                        || e.retCode() == RetCode.FEDERATED_ERROR;
                long since = unreachableSince.computeIfAbsent(key, k -> clock.millis());
                if (unreachable && clock.millis() - since < partyTimeout.toMillis()) {
                    waits.put(jobId, "party " + p, "party " + p + " does not answer since " + WaitBoard.since(since)
                            + " (the job fails after " + partyTimeout.toSeconds() + " s): " + e.getMessage());
                    continue; // it may come back: keep the job, try again next round
                }
                unreachableSince.remove(key);
                end(jobId, JobStatus.FAILED, unreachable ? "party " + p + " was unreachable for "
                        + partyTimeout.toSeconds() + " s: " + e.getMessage() : e.getMessage());
                return false;
            }
        }
        return true;
    }

    /**
     * What a waiting or running job waits for right now at this site, in words; null when it ended or
     * nothing is known to hold it. Shown by job/query as {@code f_waiting_for}.
     */
    public String waitingFor(String jobId, JobStatus status, String initiatorRole, String initiatorPartyId) {
        String known = waits.describe(jobId);
        if (known != null) {
            return known;
        }
        if (status == JobStatus.WAITING || status == JobStatus.READY) {
            return JobStore.isHere(initiatorRole, initiatorPartyId, thisParty)
                    ? "cores: the scheduler admits it at its next round"
                    : "its start by the initiator, party " + initiatorPartyId
                    + ", once the job's cores are free at every party";
        }
        if (status != JobStatus.RUNNING) {
            return null;
        }
        List<String> busy = new ArrayList<>();
        for (TTaskRecord t : jobs.latestTasks(jobId)) {
            if (JobStatus.RUNNING.wire().equals(t.getFStatus())) {
                busy.add("task " + t.getFComponentName() + " " + t.getFRole() + " " + t.getFPartyId() + " (version "
                        + t.getFTaskVersion() + (t.getFRunOnThisParty() ? "" : ", at its party") + ")");
            }
        }
        return busy.isEmpty() ? "its next task to start" : "running " + String.join(", ", busy);
    }

    /** Queue position of each waiting job (1 = next). */
    public Map<String, Integer> queuePositions() {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        int i = 1;
        for (TJobRecord job : jobs.jobsWithStatus(JobStatus.WAITING)) {
            out.put(job.getFJobId(), i++);
        }
        return out;
    }

    /** The plan of a stored job, parsed again (not cached). */
    JobPlan freshPlan(TJobRecord job) {
        return parser.parse(JobStore.parse(job.getFDsl().data()), JobStore.parse(job.getFRuntimeConf().data()));
    }

    JobPlan plan(TJobRecord job) {
        return plans.computeIfAbsent(job.getFJobId(), id -> freshPlan(job));
    }

    private void advance(TJobRecord job, boolean coordinator) {
        String jobId = job.getFJobId();
        JobPlan plan = plan(job);
        long now = clock.millis();
        if (coordinator && job.getFTimeout() > 0 && job.getFStartTime() != null
                && now - job.getFStartTime() > job.getFTimeout() * 1000) {
            end(jobId, JobStatus.TIMEOUT, "the job ran longer than its timeout of " + job.getFTimeout() + " s");
            return;
        }
        List<TTaskRecord> tasks = jobs.latestTasks(jobId);
        if (coordinator) {
            Retried retried = retryFailed(jobId, tasks, now);
            if (retried == Retried.JOB_ENDED) {
                return;
            }
            if (retried == Retried.YES) {
                tasks = jobs.latestTasks(jobId);
            }
        }
        Map<String, TTaskRecord> byKey = new java.util.HashMap<>();
        tasks.forEach(t -> byKey.put(key(t.getFComponentName(), t.getFRole(), t.getFPartyId()), t));
        int parallelism = plan.intParameter("task_parallelism", 1);
        // task_parallelism bounds the running tasks of each role and party: a site holding two roles (host
        // and arbiter) runs both roles' tasks of one component at once, as they talk to each other.
        Map<String, Integer> active = new java.util.HashMap<>();
        tasks.stream().filter(t -> t.getFRunOnThisParty() && JobStatus.RUNNING.wire().equals(t.getFStatus()))
                .forEach(t -> active.merge(t.getFRole() + "\u0000" + t.getFPartyId(), 1, Integer::sum));
        boolean changed = false;
        for (TTaskRecord t : tasks) {
            if (!t.getFRunOnThisParty()) {
                continue; // another party's task: it runs there (the initiator retries it, see retryFailed)
            }
            JobStatus s = StatusMachine.parse(t.getFStatus());
            // A failed task is retried by the initiator, at every party at once (retryFailed), never here alone.
            if (s != JobStatus.WAITING) {
                continue;
            }
            JobPlan.PlannedComponent c = plan.component(t.getFComponentName());
            boolean ready = true;
            for (String up : c.upstream()) {
                TTaskRecord u = byKey.get(key(up, t.getFRole(), t.getFPartyId()));
                if (u == null || !DONE.contains(StatusMachine.parse(u.getFStatus()))) {
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
        if (changed) {
            tasks = jobs.latestTasks(jobId);
        }
        JobStatus next = jobStatus(tasks, plan, byKeyOf(tasks));
        int done = (int) tasks.stream().filter(t -> DONE.contains(StatusMachine.parse(t.getFStatus()))).count();
        jobs.setProgress(jobId, tasks.isEmpty() ? 100 : done * 100 / tasks.size());
        // Only the initiator ends a job: elsewhere the end status arrives from it, so that every party
        // shows the same one (a party whose own tasks all succeeded still fails with the others).
        if (coordinator && next != null && next.isEnd()) {
            String error = tasks.stream().map(TTaskRecord::getFErrorReport).filter(e -> e != null && !e.isBlank())
                    .findFirst().orElse(null);
            end(jobId, next, error);
        } else if (changed) {
            wakeUp();
        }
    }

    private enum Retried { NO, YES, JOB_ENDED }

    /**
     * FATE's auto-retry of a failed task, for the whole component: the initiator moves every party's task
     * of it (here, its holder rows, and at each other party) to the same new version together, stopping
     * the ones still running the old version (their peer failed: they could only wait). A task retried at
     * its own party alone would run a version its peers do not, and both would wait for each other
     * forever. A party that cannot be told fails the job with the reason.
     */
    private Retried retryFailed(String jobId, List<TTaskRecord> tasks, long now) {
        Map<String, List<TTaskRecord>> byComponent = new java.util.LinkedHashMap<>();
        tasks.forEach(t -> byComponent.computeIfAbsent(t.getFComponentName(), c -> new ArrayList<>()).add(t));
        Retried retried = Retried.NO;
        for (Map.Entry<String, List<TTaskRecord>> e : byComponent.entrySet()) {
            TTaskRecord failed = e.getValue().stream().filter(RetryGate::pending).findFirst().orElse(null);
            // auto_retry_delay: the retry waits that long after the failure (asked again every round)
            if (failed == null || !RetryGate.due(failed, now)) {
                continue;
            }
            String component = e.getKey();
            long version = e.getValue().stream().mapToLong(TTaskRecord::getFTaskVersion).max().orElse(0) + 1;
            int left = failed.getFAutoRetries() - 1;
            String reason = "task " + failed.getFTaskId() + " " + failed.getFRole() + " " + failed.getFPartyId()
                    + " version " + failed.getFTaskVersion() + " failed: " + failed.getFErrorReport();
            moveComponent(jobId, component, version, left, reason);
            List<String> parties = remoteParties(plan(jobs.jobRows(jobId).get(0)));
            Map<String, FlowException> refused = fanOut(parties,
                    p -> remote.retryTask(p, jobId, component, version, left, reason));
            if (!refused.isEmpty()) {
                Map.Entry<String, FlowException> first = refused.entrySet().iterator().next();
                end(jobId, JobStatus.FAILED, "component " + component + " could not be retried at party "
                        + first.getKey() + " (version " + version + "): " + first.getValue().getMessage());
                return Retried.JOB_ENDED;
            }
            logs.schedule(jobId, "retrying component " + component + " at version " + version + " at every party ("
                    + left + " retries left): " + reason);
            retried = Retried.YES;
        }
        if (retried == Retried.YES) {
            wakeUp();
        }
        return retried;
    }

    /**
     * Moves every task of {@code component} here (holder rows included) to {@code version}; a task still
     * running an older version is stopped first. Tasks already at that version or later stay: a repeated
     * call changes nothing.
     */
    private int moveComponent(String jobId, String component, long version, int retries, String reason) {
        int moved = 0;
        for (TTaskRecord t : jobs.latestTasks(jobId)) {
            if (!t.getFComponentName().equals(component) || t.getFTaskVersion() >= version) {
                continue;
            }
            if (JobStatus.RUNNING.wire().equals(t.getFStatus())) {
                RunningTask r = running.get(runKey(t));
                if (r != null) {
                    r.cancelled().set(true);
                    r.future().cancel(true);
                }
                jobs.transitTask(t, JobStatus.FAILED, "stopped for version " + version + ": " + reason);
            }
            jobs.newTaskVersion(t, version, retries);
            moved++;
        }
        return moved;
    }

    /** The initiator's retry of a running job's component: this party's tasks of it move to {@code version}. */
    public synchronized void retryFromInitiator(String sourceParty, String jobId, String component, long version,
                                                int retries, String reason) {
        TJobRecord lead = requireParticipant(sourceParty, jobId, true);
        if (!JobStatus.RUNNING.wire().equals(lead.getFStatus())) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " is " + lead.getFStatus()
                    + " at party " + thisParty + ": only a running job's tasks are retried");
        }
        try {
            plan(lead).component(component);
        } catch (IllegalArgumentException e) {
            throw FlowException.argument("component_name " + component + " is not a component of job " + jobId);
        }
        if (moveComponent(jobId, component, version, retries, reason) > 0) {
            logs.schedule(jobId, "retrying component " + component + " at version " + version
                    + " (asked by the initiator, party " + sourceParty + "): " + reason);
        }
        wakeUp();
    }

    private static Map<String, TTaskRecord> byKeyOf(List<TTaskRecord> tasks) {
        Map<String, TTaskRecord> m = new java.util.HashMap<>();
        tasks.forEach(t -> m.put(key(t.getFComponentName(), t.getFRole(), t.getFPartyId()), t));
        return m;
    }

    /** FATE's rule: all passed or succeeded → success; something still running or startable → running. */
    private static JobStatus jobStatus(List<TTaskRecord> tasks, JobPlan plan, Map<String, TTaskRecord> byKey) {
        if (tasks.stream().anyMatch(RetryGate::pending)) {
            return JobStatus.RUNNING; // a failed task waits out its auto_retry_delay: the job goes on
        }
        Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
        tasks.forEach(t -> statuses.add(StatusMachine.parse(t.getFStatus())));
        if (DONE.containsAll(statuses)) {
            return JobStatus.SUCCESS;
        }
        // The tasks of a component at the different parties work together: once one failed for good, the
        // others can only wait for it, so the job fails now rather than stay running with no progress.
        for (TTaskRecord t : tasks) {
            if (JobStatus.FAILED.wire().equals(t.getFStatus()) && t.getFAutoRetries() <= 0
                    && tasks.stream().anyMatch(o -> o != t && o.getFComponentName().equals(t.getFComponentName())
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

    private void launch(TTaskRecord task, JobPlan plan, TJobRecord job) {
        AtomicBoolean cancelled = new AtomicBoolean();
        String runKey = runKey(task);
        logs.schedule(task.getFJobId(), "start task " + task.getFTaskId() + " version " + task.getFTaskVersion()
                + " " + task.getFRole() + " " + task.getFPartyId());
        Future<?> f = workers.submit(() -> runTask(task, plan, job.getFModelVersion(), cancelled));
        running.put(runKey, new RunningTask(f, cancelled));
    }

    private void runTask(TTaskRecord task, JobPlan plan, String modelVersion, AtomicBoolean cancelled) {
        String where = task.getFTaskId() + " " + task.getFRole() + " " + task.getFPartyId();
        io.fedflow.node.component.FederationChannel.Factory bounded = (job, cpn, version, role, party, roles) ->
                new BoundedWaitChannel(channels.forTask(job, cpn, version, role, party, roles), peerMessageTimeout,
                        waits, clock, job, "task " + cpn + " " + role + " " + party, version, () -> {
                            if (cancelled.get()) {
                                throw new TaskCancelledException("task " + task.getFTaskId() + " was stopped");
                            }
                        });
        TaskContext ctx = new TaskContext(task, plan, modelVersion, dsl, catalog, rows, writer, tracking, logs,
                cancelled::get, bounded);
        try {
            Component component = registry.find(task.getFComponentModule()).orElseThrow().factory().get();
            ctx.log("task " + where + " version " + task.getFTaskVersion() + " started: module "
                    + task.getFComponentModule() + ", parameters " + task.getFComponentParameters().data());
            long t0 = System.nanoTime();
            component.run(ctx);
            String transfer = ctx.transferSummary();
            if (transfer != null) {
                ctx.log("task " + where + " " + transfer);
            }
            ctx.checkCancelled();
            jobs.transitTask(task, JobStatus.SUCCESS, null);
            ctx.log("task " + where + " succeeded in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (TaskCancelledException e) {
            ctx.log("task " + where + " stopped");
        } catch (Throwable e) {
            if (closed) {
                // The node is shutting down: the task stays running; recovery at the next start fails it.
                return;
            }
            if (cancelled.get()) {
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
                logs.schedule(task.getFJobId(), "task " + where + " failed: " + msg);
            }
        } finally {
            running.remove(runKey(task));
            wakeUp();
        }
    }

    /**
     * Ends a job this site coordinates with {@code status}, here and then at every other party (in
     * parallel; a party that misses it gets it again from the next rounds).
     */
    private synchronized boolean end(String jobId, JobStatus status, String error) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        List<String> remotes = rows.isEmpty() ? List.of() : remoteParties(plan(rows.get(0)));
        boolean moved = endHere(jobId, status, error);
        if (moved && !remotes.isEmpty()) {
            jobs.setSyncPending(jobId, true);
            syncEnd(jobId, status, error);
        }
        return moved;
    }

    /** Sends a job's end status to every other party; clears the pending mark once all have it. */
    private void syncEnd(String jobId, JobStatus status, String error) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            return;
        }
        Map<String, FlowException> failed = fanOut(remoteParties(freshPlan(rows.get(0))),
                p -> remote.syncStatus(p, jobId, status, error));
        if (failed.isEmpty()) {
            jobs.setSyncPending(jobId, false);
            lastSync.remove(jobId);
        } else {
            failed.forEach((p, e) -> logger.info("job {}: status {} not yet at party {}: {}", jobId, status.wire(),
                    p, e.getMessage()));
        }
    }

    /** Runs {@code call} for every party at once; answers the parties where it failed. */
    private Map<String, FlowException> fanOut(List<String> parties, java.util.function.Consumer<String> call) {
        Map<String, Future<?>> futures = new java.util.LinkedHashMap<>();
        parties.forEach(p -> futures.put(p, fanOut.submit(() -> call.accept(p))));
        Map<String, FlowException> failed = new java.util.LinkedHashMap<>();
        futures.forEach((p, f) -> {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                failed.put(p, e.getCause() instanceof FlowException fe ? fe
                        : new FlowException(RetCode.FEDERATED_ERROR, "party " + p + ": " + e.getCause()));
            } catch (java.util.concurrent.TimeoutException e) {
                f.cancel(true);
                failed.put(p, new FlowException(RetCode.FEDERATED_ERROR, "party " + p + " did not answer in time"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.put(p, new FlowException(RetCode.FEDERATED_ERROR, "interrupted"));
            }
        });
        return failed;
    }

    /** Ends a job at this site only: running tasks are stopped with it, resources returned. */
    synchronized boolean endHere(String jobId, JobStatus status, String error) {
        JobStatus taskStatus = status == JobStatus.SUCCESS ? null : status;
        if (taskStatus != null) {
            stopRunningTasks(jobId, taskStatus == JobStatus.FAILED ? JobStatus.FAILED : taskStatus);
        }
        boolean moved = jobs.transitJob(jobId, status, error);
        if (moved) {
            // what no task took is of no use to a later run (a rerun sends its messages again)
            channels.deleteMessages(jobId);
        }
        if (resources.release(jobId)) {
            jobs.setResources(jobId, false);
        }
        plans.remove(jobId);
        lastCollect.remove(jobId);
        waits.clear(jobId);
        if (moved) {
            logs.schedule(jobId, "job " + status.wire() + (error == null ? "" : ": " + error));
        }
        return moved;
    }

    private void stopRunningTasks(String jobId, JobStatus status) {
        for (TTaskRecord t : jobs.latestTasks(jobId)) {
            if (!JobStatus.RUNNING.wire().equals(t.getFStatus())) {
                continue;
            }
            RunningTask r = running.get(runKey(t));
            if (r != null) {
                r.cancelled().set(true);
                r.future().cancel(true);
            }
            jobs.transitTask(t, status, "stopped: job " + status.wire());
        }
    }

    // ---- operations called by the API ----

    /**
     * Stops a waiting or running job with {@code status} (canceled or failed): here, and at every party.
     * At the initiator it fans out; elsewhere it stops here and asks the initiator to stop the rest.
     */
    public void stop(String jobId, JobStatus status) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            throw new FlowException(RetCode.DATA_ERROR, "no job " + jobId + " at this node");
        }
        JobStatus current = StatusMachine.parse(rows.get(0).getFStatus());
        if (current.isEnd()) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " already ended: " + current.wire());
        }
        TJobRecord lead = rows.get(0);
        String reason = "stopped by a user request at party " + thisParty;
        jobs.setCancelSignal(jobId);
        if (!endHere(jobId, status, reason)) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " could not be stopped from "
                    + StatusMachine.parse(jobs.jobRows(jobId).get(0).getFStatus()).wire());
        }
        if (coordinates(lead)) {
            stopElsewhere(jobId, status, reason, null);
        } else {
            try {
                remote.stop(lead.getFInitiatorPartyId(), jobId, status, reason);
            } catch (FlowException e) {
                throw new FlowException(e.retCode(), "job " + jobId + " stopped here, but its initiator could not "
                        + "be told to stop it at the other parties: " + e.getMessage());
            }
        }
        wakeUp();
    }

    /** Stops the job at every other party but {@code except}; a party that misses it gets the status later. */
    private void stopElsewhere(String jobId, JobStatus status, String reason, String except) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        List<String> others = remoteParties(freshPlan(rows.get(0))).stream().filter(p -> !p.equals(except))
                .toList();
        if (others.isEmpty()) {
            return;
        }
        Map<String, FlowException> failed = fanOut(others, p -> remote.stop(p, jobId, status, reason));
        if (!failed.isEmpty()) {
            jobs.setSyncPending(jobId, true);
            failed.forEach((p, e) -> logs.schedule(jobId, "stop did not reach party " + p + " yet: " + e.getMessage()));
        }
    }

    /**
     * A stop from another party of the job. At the initiator it stops the job here and everywhere else;
     * elsewhere only here. Stopping an ended job is a no-op, so repeated stops are harmless.
     */
    public void stopFromParty(String sourceParty, String jobId, JobStatus status, String reason) {
        TJobRecord lead = requireParticipant(sourceParty, jobId, false);
        if (StatusMachine.parse(lead.getFStatus()).isEnd()) {
            return;
        }
        jobs.setCancelSignal(jobId);
        endHere(jobId, status, reason);
        if (coordinates(lead)) {
            stopElsewhere(jobId, status, reason, sourceParty);
        }
        wakeUp();
    }

    /** The initiator's status for a job it runs here: running (after start) or an end status. */
    public void syncFromInitiator(String sourceParty, String jobId, JobStatus status, String error) {
        TJobRecord lead = requireParticipant(sourceParty, jobId, true);
        JobStatus current = StatusMachine.parse(lead.getFStatus());
        if (current == status) {
            return;
        }
        if (status.isEnd()) {
            endHere(jobId, status, error);
        } else if (!jobs.transitJob(jobId, status, null)) {
            throw new FlowException(RetCode.NOT_EFFECTIVE, "job " + jobId + " cannot go from " + current.wire()
                    + " to " + status.wire());
        }
        wakeUp();
    }

    /**
     * The job's lead row here, after checking that {@code sourceParty} may drive it: its initiator,
     * or (with {@code initiatorOnly} false) any party of the job.
     */
    public TJobRecord requireParticipant(String sourceParty, String jobId, boolean initiatorOnly) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            throw new FlowException(RetCode.DATA_ERROR, "no job " + jobId + " at party " + thisParty);
        }
        TJobRecord lead = rows.stream().filter(TJobRecord::getFLead).findFirst().orElse(rows.get(0));
        if (sourceParty.equals(lead.getFInitiatorPartyId())) {
            return lead;
        }
        if (initiatorOnly || !freshPlan(lead).parties().stream().anyMatch(p -> p.getValue().equals(sourceParty))) {
            throw new FlowException(RetCode.PERMISSION_ERROR, "party " + sourceParty + " may not drive job " + jobId
                    + ": " + (initiatorOnly ? "only its initiator, party " + lead.getFInitiatorPartyId() + ", may"
                    : "it is not a party of the job"));
        }
        return lead;
    }

    /** The initiator asks for this site's cores for a job; false when they are not free now. */
    public boolean applyFromInitiator(String sourceParty, String jobId) {
        TJobRecord lead = requireParticipant(sourceParty, jobId, true);
        if (!JobStatus.WAITING.wire().equals(lead.getFStatus())) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " is " + lead.getFStatus()
                    + " at party " + thisParty + ", not waiting");
        }
        boolean ok = resources.apply(jobId, lead.getFCores());
        if (ok) {
            jobs.setResources(jobId, true);
        }
        return ok;
    }

    public void returnFromInitiator(String sourceParty, String jobId) {
        requireParticipant(sourceParty, jobId, true);
        if (resources.release(jobId)) {
            jobs.setResources(jobId, false);
        }
    }

    /** The initiator starts the job here: its tasks run as their inputs are ready. */
    public void startFromInitiator(String sourceParty, String jobId) {
        TJobRecord lead = requireParticipant(sourceParty, jobId, true);
        if (JobStatus.RUNNING.wire().equals(lead.getFStatus())) {
            return;
        }
        // Cores are normally applied for first; a start without them (e.g. after a restart) takes them now.
        resources.apply(jobId, lead.getFCores());
        if (!jobs.transitJob(jobId, JobStatus.RUNNING, null)) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " cannot start at party " + thisParty
                    + " from " + lead.getFStatus());
        }
        jobs.setResources(jobId, true);
        logs.schedule(jobId, "job started by its initiator, party " + sourceParty);
        wakeUp();
    }

    /** This site's latest task rows of a job and its status here, for the initiator. */
    public RemoteParties.Collected collectForInitiator(String sourceParty, String jobId) {
        TJobRecord lead = requireParticipant(sourceParty, jobId, true);
        List<RemoteParties.RemoteTask> out = new ArrayList<>();
        for (TTaskRecord t : jobs.latestTasks(jobId)) {
            if (t.getFRunOnThisParty()) {
                out.add(new RemoteParties.RemoteTask(t.getFTaskId(), t.getFTaskVersion(), t.getFComponentName(),
                        t.getFRole(), t.getFPartyId(), t.getFStatus(), t.getFPartyStatus(), t.getFStartTime(),
                        t.getFEndTime(), t.getFUpdateTime(), t.getFErrorReport()));
            }
        }
        return new RemoteParties.Collected(lead.getFStatus(), out);
    }

    /**
     * Reruns an ended job: the named components (all that did not succeed when none is named) and
     * everything downstream get a new task version; successful ones only with {@code force}.
     */
    public List<String> rerun(String jobId, List<String> components, boolean force) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (!rows.isEmpty() && !coordinates(rows.get(0))) {
            // Only the initiator reruns a federated job, at every party at once. Not under this
            // scheduler's lock: the initiator's rerun comes back here.
            remote.rerun(rows.get(0).getFInitiatorPartyId(), jobId, components, force, Map.of());
            return components;
        }
        refreshHolders(jobId);
        synchronized (this) {
            Map<String, Long> versions = new java.util.HashMap<>();
            List<String> rerun = rerunHere(jobId, components, force, false, versions);
            rerunElsewhere(jobId, components, force, versions);
            return rerun;
        }
    }

    /**
     * The other parties' task rows as they are now (best effort: a party that does not answer keeps its
     * last mirrored rows). A rerun chooses each component's next version from them, and which
     * components did not succeed anywhere.
     */
    private void refreshHolders(String jobId) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            return;
        }
        for (String p : remoteParties(freshPlan(rows.get(0)))) {
            try {
                jobs.mirrorTasks(jobId, remote.collect(p, jobId).tasks());
            } catch (FlowException e) {
                logger.info("job {}: rerun without party {}'s latest task rows: {}", jobId, p, e.getMessage());
            }
        }
    }

    /** A rerun asked by another party of the job: at the initiator for every party, elsewhere here only. */
    public synchronized void rerunFromParty(String sourceParty, String jobId, List<String> components,
                                            boolean force, Map<String, Long> taskVersions) {
        TJobRecord lead = requireParticipant(sourceParty, jobId, false);
        if (coordinates(lead)) {
            refreshHolders(jobId);
            Map<String, Long> versions = new java.util.HashMap<>();
            rerunHere(jobId, components, force, false, versions);
            rerunElsewhere(jobId, components, force, versions);
        } else {
            requireParticipant(sourceParty, jobId, true);
            rerunHere(jobId, components, force, true, new java.util.HashMap<>(taskVersions));
        }
    }

    private void rerunElsewhere(String jobId, List<String> components, boolean force, Map<String, Long> versions) {
        List<String> others = remoteParties(freshPlan(jobs.jobRows(jobId).get(0)));
        Map<String, FlowException> failed = fanOut(others, p -> remote.rerun(p, jobId, components, force, versions));
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
    private List<String> rerunHere(String jobId, List<String> components, boolean force, boolean lenient,
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
        JobPlan plan = freshPlan(rows.get(0));
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
                boolean success = DONE.contains(StatusMachine.parse(t.getFStatus()));
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
        plans.remove(jobId);
        logs.schedule(jobId, "rerun of " + rerun.stream().distinct().toList());
        wakeUp();
        return rerun.stream().distinct().toList();
    }

    /** Stops every waiting job this node initiated (FATE's clean/queue). */
    public ObjectNode cleanQueue() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (TJobRecord job : jobs.jobsWithStatus(JobStatus.WAITING)) {
            try {
                stop(job.getFJobId(), JobStatus.CANCELED);
                out.put(job.getFJobId(), 0);
            } catch (FlowException e) {
                out.put(job.getFJobId(), e.retCode().code());
            }
        }
        return out;
    }

    /** Drops the component messages of a job (job clean). */
    public void deleteMessages(String jobId) {
        channels.deleteMessages(jobId);
    }

    public ResourceManager resources() {
        return resources;
    }

    private static String key(String cpn, String role, String party) {
        return cpn + "\u0000" + role + "\u0000" + party;
    }

    private static String runKey(TTaskRecord t) {
        return t.getFJobId() + "/" + t.getFTaskId() + "/" + t.getFTaskVersion() + "/" + t.getFRole() + "/"
                + t.getFPartyId();
    }

    @Override
    public void close() {
        closed = true;
        wakeUp();
        fanOut.shutdownNow();
        loop.shutdownNow();
        workers.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
