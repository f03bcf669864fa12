package io.fedflow.node;

import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServiceConfig;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.node.checkpoint.CheckpointStore;
import io.fedflow.node.component.paillier.MontgomeryMultiplier;
import io.fedflow.node.core.BoardLinks;
import io.fedflow.node.core.Limits;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.federation.PartyClient;
import io.fedflow.node.federation.PeerDirectory;
import io.fedflow.node.federation.TransferChannel;
import io.fedflow.node.federation.TransferStore;
import io.fedflow.node.health.HealthHttpService;
import io.fedflow.node.health.NodeHealth;
import io.fedflow.node.hook.HookRegistry;
import io.fedflow.node.job.JobIds;
import io.fedflow.node.job.JobModule;
import io.fedflow.node.job.JobQueryStore;
import io.fedflow.node.job.JobStore;
import io.fedflow.node.job.TaskEnvironment;
import io.fedflow.node.model.ModelRegistryStore;
import io.fedflow.node.permission.PermissionAdmission;
import io.fedflow.node.permission.PostgresGrantStore;
import io.fedflow.node.provider.ProviderGrpcService;
import io.fedflow.node.provider.Providers;
import io.fedflow.node.server.ClientAddresses;
import io.fedflow.node.server.ClientAuthentication;
import io.fedflow.node.server.FlowServer;
import io.fedflow.node.server.MetricsHttpService;
import io.fedflow.node.server.RequestAdmission;
import io.fedflow.node.store.ConnectionPool;
import io.fedflow.node.store.Database;
import io.fedflow.node.store.DatabaseNotifications;
import io.fedflow.node.tracking.TrackingStore;
import io.fedflow.node.wire.PrintedJsonCache;
import io.grpc.BindableService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: its database and pools, then each domain's wiring ({@link DataWiring}, {@link HookWiring},
 * {@link FederationWiring}, {@link JobModule}, {@link TrackingWiring}), each contributing its services and
 * routes to the client port ({@link ClientPort}) and its part of the lifecycle.
 */
public final class Node implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Node.class);
    /** How long a party may stay unreachable while one of its jobs runs before the job fails. */
    static final Duration PARTY_TIMEOUT = Duration.ofSeconds(60);

    private final NodeConfig config;
    private final Database database;
    private final boolean ownsDatabase;
    private final SiteKeys siteKeys;
    private final PeerDirectory peers;
    private final NodePools pools;
    private final DatabaseNotifications notifications;
    private final NodeMeters meters;
    private final HookWiring hooks;
    private final FederationWiring federation;
    private final JobModule jobs;
    private final ModelWiring models;
    private final BoardWiring board;
    private final BoardLinks boardLinks;
    private final NodeHealth health;
    private final RequestAdmission admission;
    private final Server server;
    private final Server siteServer;

    private Node(NodeConfig config, Database database, boolean ownsDatabase) {
        this.config = config;
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        // Read before any pool opens, so that a bad token file leaves nothing behind.
        String metricsToken = metricsToken(config.metricsTokenFile());
        Clock clock = Clock.systemDefaultZone();
        Limits limits = config.limits();
        this.siteKeys = SiteKeys.loadOrCreate(config.keysDir());
        this.peers = PeerDirectory.load(config.peersFile());
        this.pools = new NodePools(database, limits);
        this.meters = new NodeMeters(config.partyId());
        meters.bind(pools.requests(), pools.jobs(), pools.health());
        JobIds jobIds = new JobIds(clock);
        this.boardLinks = new BoardLinks(config.host(), config.httpPort());
        DataWiring data = new DataWiring(config, boardLinks, clock, database, pools, jobIds);
        this.hooks = new HookWiring(config, clock, pools.requests().dsl(), siteKeys, peers, data.registry());
        // One connection of this process LISTENs for every domain (commits of the other processes of the site)
        this.notifications = new DatabaseNotifications(database::openConnection);
        this.federation = new FederationWiring(config, clock, database, pools, hooks.hooks(), siteKeys,
                peers, meters.registry(), notifications);
        this.models = new ModelWiring(config, clock, pools, jobIds, federation.partyClient());
        this.jobs = jobModule(config, clock, jobIds, data, models);
        federation.traceJobs(jobs);
        this.health = new NodeHealth(pools.health(), List.of(pools.jobs(), pools.requests()), jobs.heartbeat(),
                limits.healthTimeout(), limits.schedulerStallTimeout());
        ServingWiring serving = new ServingWiring(config, clock, database, pools, federation.partyClient(),
                models.registry());
        TrackingWiring tracking = new TrackingWiring(config, pools, data, federation.partyClient());
        List<BindableService> siteServices = new ArrayList<>(models.siteServices());
        siteServices.add(serving.siteService());
        siteServices.addAll(tracking.siteServices());
        this.siteServer = federation.siteServer(database, clock, jobs.participant(), siteServices);
        this.admission = new RequestAdmission(limits.requestThreads(), limits.requestQueue());
        ClientAuthentication clientAuthentication = config.clientAuth()
                ? new ClientAuthentication(() -> hooks.hooks().current().clientAuthentication()) : null;
        this.board = new BoardWiring(config, clock, new BoardWiring.Sources(jobs.service(), data.catalog(), peers,
                new PostgresGrantStore(pools.requests().dsl(), clock), models.registry(), tracking),
                meters.registry(), clientAuthentication);
        ClientPort clientPort = ClientPort.join(data.clientPort(), ClientPort.services(jobs.grpcServices()),
                hooks.clientPort(), tracking.clientPort(jobs.service()),
                federation.clientPort(), models.clientPort(),
                ClientPort.services(List.of(new ProviderGrpcService(new Providers(data.registry())))),
                serving.clientPort());
        this.server = FlowServer.build(config.host(), config.httpPort(), clientPort.services(), clientPort.routes(),
                clientAuthentication, limits, admission,
                new FlowServer.Health(HealthHttpService.readiness(health), HealthHttpService.liveness()),
                new FlowServer.Metrics(meters.registry(), new MetricsHttpService(meters.registry(), metricsToken)),
                List.of(board.board(), new ClientAddresses(config.trustedProxies())));
        notifications.start(Duration.ofSeconds(10));
    }

    /** The job domain: its stores over both pools, its tasks' environment, the other sites through federation. */
    private JobModule jobModule(NodeConfig config, Clock clock, JobIds jobIds, DataWiring data,
                                ModelWiring models) {
        var dsl = pools.requests().dsl();
        var jobDsl = pools.jobs().dsl();
        return new JobModule(config, boardLinks, clock,
                new JobModule.Stores(new JobStore(jobDsl, clock, ModelRegistryStore::recordTrainJob),
                        new JobStore(dsl, clock, ModelRegistryStore::recordTrainJob), new JobQueryStore(dsl,
                                new PrintedJsonCache(config.limits().jsonPrintCacheChars())),
                        data.catalog(), new TrackingStore(dsl, clock), models.registry()),
                data.registry(), jobIds,
                new TaskEnvironment(data.jobCatalog(), data.jobRows(), data.jobWriter(), new TrackingStore(jobDsl, clock),
                        federation.transferChannel(), config.limits().peerMessageTimeout(),
                        models.jobRegistry(), new CheckpointStore(jobDsl, clock), meters.paillier(),
                        config.limits().maxPrecomputedObfuscators(), config.limits().intersectChunkIds(),
                        config.limits().transferSendQueueBytes(), config.limits().binningChunkRows(),
                        config.limits().componentChunkRows()),
                new JobModule.Federation(federation.partyClient(), id -> peers.find(id).isPresent(),
                        meters.counted(new PermissionAdmission(() -> hooks.hooks().current().permission())),
                        PARTY_TIMEOUT),
                meters.jobs(), new JobModule.Invalidations(notifications, database.committedWrites()));
    }

    /** The bearer token /metrics requires, read from its file (trimmed); null without a file. */
    private static String metricsToken(Path file) {
        if (file == null) {
            return null;
        }
        try {
            String token = Files.readString(file).strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("the metrics token file " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metrics token file " + file, e);
        }
    }

    /** The hooks in force (built-in or registered). */
    public HookRegistry hooks() {
        return hooks.hooks();
    }

    /** Starts a node with its own database (embedded unless {@code config.dbUrl()} is set). */
    public static Node start(NodeConfig config) throws IOException {
        Database db = config.dbUrl() == null
                ? Database.embedded(config.dataDir().resolve("pg"))
                : Database.external(config.dbUrl(), config.dbUser(), config.dbPassword());
        return start(config, db, true);
    }

    /** Starts a node over a database someone else owns (tests share one PostgreSQL). */
    public static Node start(NodeConfig config, Database db, boolean ownsDatabase) {
        try {
            // Created up front so operators can drop files into the import directory right away.
            Files.createDirectories(config.importDir());
            Files.createDirectories(config.exportDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Node node;
        try {
            node = new Node(config, db, ownsDatabase);
        } catch (RuntimeException e) {
            // e.g. an unreadable metrics token file: the database this start opened is not left open
            if (ownsDatabase) {
                try {
                    db.close();
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        try {
            node.jobs.start();
            node.server.start().join();
            node.boardLinks.bound(node.server.activeLocalPort());
            node.siteServer.start().join();
        } catch (RuntimeException e) {
            // e.g. a port in use: release the other port and the database rather than leave them held
            try {
                node.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        logger.info("party {} listening on {}:{} (JSON /v1, gRPC, /docs), site port {}{}", config.partyId(),
                config.host(), node.httpPort(), node.sitePort(), config.siteTls() ? " (mutual TLS)" : "");
        if (!MontgomeryMultiplier.jdkIntrinsicAvailable()) {
            // same results, but every Paillier product costs about 3x: say how to start the JVM
            logger.warn("Paillier products run without the JDK's Montgomery intrinsic (about 3x slower): start the"
                    + " JVM with --add-opens java.base/java.math=ALL-UNNAMED as bin/fedflow-node does");
        }
        return node;
    }

    public int httpPort() {
        return server.activeLocalPort();
    }

    /** Every route the client port serves (transcoded gRPC methods and hand routes); tests cover each. */
    public List<Route> clientRoutes() {
        return server.serviceConfigs().stream().map(ServiceConfig::route).toList();
    }

    public int sitePort() {
        return siteServer.activeLocalPort();
    }

    /** The signed client of the other sites (tests and benchmarks call peers through it). */
    public PartyClient partyClient() {
        return federation.partyClient();
    }

    public NodeConfig config() {
        return config;
    }

    public SiteKeys siteKeys() {
        return siteKeys;
    }

    public PeerDirectory peers() {
        return peers;
    }

    /** Component messages to and from the other parties (tests and benchmarks send through it). */
    public TransferChannel transferChannel() {
        return federation.transferChannel();
    }

    /** The component messages stored at this node. */
    public TransferStore transfers() {
        return federation.transfers();
    }

    public Database database() {
        return database;
    }

    /** The connections of request work (both ports); the scheduler never waits for these. */
    public ConnectionPool requestPool() {
        return pools.requests();
    }

    /** Client-port calls admitted and not yet answered: being served or waiting for a request thread. */
    public int requestsInFlight() {
        return admission.inFlight();
    }

    /** The connections of the scheduler and its tasks; requests never wait for these. */
    public ConnectionPool jobPool() {
        return pools.jobs();
    }

    @Override
    public void close() throws IOException {
        // Both ports at once: each stop ends with Netty's 2 s quiet period on the port's accepting thread (Armeria
        // 1.36 shuts that thread's group down by its event loop's parent, so the quiet period its bossGroupFactory
        // may set is not used), so one after the other they took 4 s of every node's stop.
        CompletableFuture.allOf(server.stop(), siteServer.stop()).join();
        board.close();
        jobs.close();
        federation.close();
        notifications.close();
        models.close();
        hooks.close();
        health.close();
        pools.close();
        meters.close();
        if (ownsDatabase) {
            database.close();
        }
    }
}
