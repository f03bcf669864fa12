package io.fedflow.node.job;

import io.fedflow.node.logging.LogContext;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling loop: after recovering what a previous run left, a round every 200 ms (sooner when woken)
 * advances every running job (through the coordinator for jobs this site initiated, the runner for the
 * others), admits the queue, and resends end statuses that did not reach every party. All state is in the
 * database, so a restarted node picks up where it was.
 */
public final class JobScheduler implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(JobScheduler.class);

    private final JobCore core;
    private final TaskRunner runner;
    private final JobCoordinator coordinator;
    private final JobMeters meters;
    private final ExecutorService loop;
    private final SchedulerHeartbeat heartbeat = new SchedulerHeartbeat();
    private volatile boolean closed;

    JobScheduler(JobCore core, TaskRunner runner, JobCoordinator coordinator, JobMeters meters) {
        this.core = core;
        this.meters = meters;
        this.runner = runner;
        this.coordinator = coordinator;
        // Named after the party: several nodes may share a JVM (tests, demos).
        this.loop = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fedflow-scheduler-" + core.thisParty());
            t.setDaemon(true);
            return t;
        });
    }

    /** Recovers what a previous run left, then schedules until closed. */
    public void start() {
        runner.recover();
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
                    try {
                        core.signals().pause(200);
                    } catch (InterruptedException e) {
                        why = "its thread was interrupted";
                        return;
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
        core.signals().wakeUp();
    }

    void tick() {
        synchronized (core.signals().lock()) {
            // one read for the round: nothing else changes a job's graph while it holds the lock, so the waiting
            // jobs and those to re-sync are the same as after the running ones moved (an end made now is re-sent
            // from the next round)
            JobStore.RoundJobs round = core.jobs().roundJobs();
            List<TJobRecord> running = round.running();
            for (TJobRecord job : running) {
                try (LogContext.Scope ids = LogContext.job(job.getFJobId())) {
                    if (core.plans().coordinates(job)) {
                        coordinator.advance(job);
                    } else {
                        runner.advanceHere(job);
                    }
                }
            }
            int waiting = coordinator.admitWaiting(round.waiting());
            // a site holding two roles of a job has a row for each
            meters.round((int) running.stream().map(TJobRecord::getFJobId).distinct().count(), waiting);
            coordinator.resync(round.toSync());
        }
    }

    @Override
    public void close() {
        closed = true;
        wakeUp();
        coordinator.fanOut().close();
        loop.shutdownNow();
        runner.close();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
