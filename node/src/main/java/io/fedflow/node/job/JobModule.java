package io.fedflow.node.job;

import io.fedflow.node.component.ComponentRegistry;
import io.fedflow.node.core.BoardLinks;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.data.TableCatalog;
import io.fedflow.node.store.CommittedWrites;
import io.fedflow.node.store.DatabaseNotifications;
import io.fedflow.node.tracking.TrackingStore;
import io.grpc.BindableService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The job domain wired for one node: the runner, coordinator and participant over the job pool, the client
 * API's parts over the request pool (so that however many clients poll, a job never waits behind them for a
 * connection), its gRPC services and its lifecycle (the scheduler starts with the node and stops with it).
 */
public final class JobModule implements AutoCloseable {
    private final JobScheduler scheduler;
    private final JobService service;
    private final JobParticipant participant;
    private final TaskRunner runner;
    private final JobQueryCache queryCache;

    /** Where jobs meet other sites: the parties, which of them are peers, the admission hook, their patience. */
    public record Federation(RemoteParties remote, Predicate<String> isPeer, JobAdmission admission,
                             Duration partyTimeout) {}

    /**
     * The stores, over two connection pools: {@code jobs} over the scheduler's (with its tasks), the others
     * over the client requests'.
     */
    public record Stores(JobStore jobs, JobStore requestJobs, JobQueryStore queries, TableCatalog catalog,
                         TrackingStore tracking, PipelineModels models) {}

    /**
     * What tells job/query's kept answers that a job changed: the database's NOTIFYs (every process's commits)
     * and this process's own commits, seen as they return.
     */
    public record Invalidations(DatabaseNotifications notifications, CommittedWrites writes) {}

    public JobModule(NodeConfig config, BoardLinks board, Clock clock, Stores stores, ComponentRegistry registry, JobIds ids,
                     TaskEnvironment env, Federation federation, JobMeters meters, Invalidations invalidations) {
        JobPlans plans = new JobPlans(new DslParser(registry, config.limits()), config.partyId());
        JobLogs logs = new JobLogs(config.logsDir());
        JobCore core = new JobCore(stores.jobs(), plans, logs,
                new ResourceManager(config.cores(), 0), new WaitBoard(), new JobSignals(), clock);
        JobCore requestCore = new JobCore(stores.requestJobs(), plans, logs, core.resources(),
                core.waits(), core.signals(), clock);
        RemoteParties remote = federation.remote();
        FanOut fanOut = new FanOut();
        TaskRunner runner = new TaskRunner(core, registry, env, meters);
        this.runner = runner;
        JobCoordinator coordinator = new JobCoordinator(core, runner, remote, fanOut, federation.partyTimeout(),
                meters);
        TableCatalog catalog = stores.catalog();
        JobParts parts = new JobParts(runner, coordinator, new JobReruns(core, remote, fanOut),
                new JobSubmission(requestCore, ids, catalog, config, board, remote,
                        new JobSubmission.Gates(federation.isPeer(), federation.admission()), stores.models()),
                new JobParameters(requestCore, remote),
                new JobCleanup(requestCore.jobs(), catalog, stores.tracking(), runner),
                new JobQueries(requestCore, stores.queries()));
        this.scheduler = new JobScheduler(core, runner, coordinator, meters);
        this.service = new JobService(requestCore, parts);
        this.participant = new JobParticipant(core, parts);
        this.queryCache = new JobQueryCache(config.limits().jobQueryCacheBytes());
        if (queryCache.enabled()) {
            invalidations.notifications().subscribe(JobQueryCache.CHANNEL, queryCache);
            invalidations.writes().watch("t_job", queryCache::invalidateAll);
        }
    }

    /** The job, pipeline and resource APIs of the client port. */
    public List<BindableService> grpcServices() {
        return List.of(new JobGrpcService(service, queryCache), new PipelineGrpcService(service), new ResourceGrpcService(service),
                new TemplateGrpcService());
    }

    /** The client API's job operations (the job log download route reads through it). */
    public JobService service() {
        return service;
    }

    /** What the party gRPC service calls: the party side of the job protocol. */
    public JobParticipant participant() {
        return participant;
    }

    /** The scheduling loop's sign of life, for /health. */
    public SchedulerHeartbeat heartbeat() {
        return scheduler.heartbeat();
    }

    /**
     * Called with the job id whenever a job ends at this site, inside the scheduler's lock: a listener hands
     * anything slow to another thread.
     */
    public void onJobEnded(Consumer<String> listener) {
        runner.onEnd(listener);
    }

    /** Recovers what a previous run left and starts scheduling. */
    public void start() {
        scheduler.start();
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
