package io.fedflow.node;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.Server;
import io.fedflow.node.data.BindAddresses;
import io.fedflow.node.data.DataGrpcService;
import io.fedflow.node.data.DownloadComponent;
import io.fedflow.node.data.DownloadService;
import io.fedflow.node.data.UploadComponent;
import io.fedflow.node.data.JobTables;
import io.fedflow.node.data.TableBinder;
import io.fedflow.node.data.TableCatalog;
import io.fedflow.node.data.TableGrpcService;
import io.fedflow.node.data.TableRows;
import io.fedflow.node.data.UploadService;
import io.fedflow.node.data.UploadSpool;
import io.fedflow.node.component.ComponentRegistry;
import io.fedflow.node.component.builtin.Builtins;
import io.fedflow.node.data.TableWriter;
import io.fedflow.auth.permission.PermissionSwitches;
import io.fedflow.node.permission.PermissionGrpcService;
import io.fedflow.node.permission.PostgresGrantStore;
import io.fedflow.auth.client.ClientAuthenticator;
import io.fedflow.auth.hook.HookSet;
import io.fedflow.auth.permission.GrantStore;
import io.fedflow.auth.site.PeerKeys;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.node.federation.PostgresReplayGuard;
import io.fedflow.node.hook.HookRegistry;
import io.fedflow.node.hook.RegistryGrpcService;
import io.fedflow.node.hook.RegistryStore;
import io.fedflow.node.hook.ServiceRegistry;
import io.fedflow.node.server.ClientAuthentication;
import io.fedflow.node.tracking.TrackingGrpcService;
import io.fedflow.node.tracking.TrackingQueryStore;
import io.fedflow.node.tracking.TrackingService;
import io.fedflow.node.tracking.TrackingStore;
import io.fedflow.node.job.JobIds;
import io.fedflow.node.job.JobModule;
import io.fedflow.node.job.JobQueryStore;
import io.fedflow.node.job.JobStore;
import io.fedflow.node.job.LocalJobStore;
import io.fedflow.node.job.TaskEnvironment;
import io.fedflow.node.server.ArchiveRoutes;
import io.fedflow.node.server.DownloadHttpService;
import io.fedflow.node.server.FlowServer;
import io.fedflow.node.server.UploadHttpService;
import io.fedflow.node.store.ConnectionPool;
import io.fedflow.node.store.Database;
import io.fedflow.node.health.HealthHttpService;
import io.fedflow.node.health.NodeHealth;
import io.fedflow.node.server.RequestAdmission;
import io.fedflow.auth.client.ClientAuthenticator;
import io.fedflow.auth.hook.HookSet;
import io.fedflow.auth.hook.HookSignatureCheck;
import io.fedflow.auth.hook.HookSignatureSource;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteVerifier;
import io.fedflow.node.federation.PartyClient;
import io.fedflow.node.federation.SiteMutualTls;
import io.fedflow.auth.tls.SiteTls;
import com.linecorp.armeria.client.ClientFactory;
import io.fedflow.node.federation.PartyGrpcService;
import io.fedflow.node.federation.PostgresReplayGuard;
import io.fedflow.node.federation.SiteVerifyingInterceptor;
import io.fedflow.node.permission.PermissionAdmission;
import io.fedflow.node.server.SiteServer;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.node.federation.PeerDirectory;
import io.fedflow.node.federation.SiteAdminGrpcService;
import io.fedflow.node.federation.TransferChannel;
import io.fedflow.node.federation.TransferGrpcService;
import io.fedflow.node.federation.TransferStore;
import io.grpc.BindableService;
import java.io.IOException;
import java.util.ArrayList;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running node: its database, domain services and server, wired by hand. */
public final class Node implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Node.class);
    /** How long a party may stay unreachable while one of its jobs runs before the job fails. */
    static final java.time.Duration PARTY_TIMEOUT = java.time.Duration.ofSeconds(60);
    /** How long a borrower waits for a connection of the request or job pool before its call fails. */
    static final java.time.Duration POOL_WAIT = java.time.Duration.ofSeconds(30);

    private final NodeConfig config;
    private final Database database;
    private final boolean ownsDatabase;
    private final Server server;
    private final Server siteServer;
    private final PartyClient partyClient;
    private final ClientFactory clientFactory;
    private final HookRegistry hooks;
    private final JobModule jobs;
    private final SiteKeys siteKeys;
    private final PeerDirectory peers;
    private final TransferStore transfers;
    private final TransferChannel transferChannel;
    private final ConnectionPool requestPool;
    private final ConnectionPool jobPool;
    private final ConnectionPool healthPool;
    private final NodeHealth health;
    private final RequestAdmission admission;

    private Node(NodeConfig config, Database database, boolean ownsDatabase) {
        this.config = config;
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        Clock clock = Clock.systemDefaultZone();
        this.siteKeys = SiteKeys.loadOrCreate(config.keysDir());
        this.peers = PeerDirectory.load(config.peersFile());
        // Requests (both ports) and the scheduler with its tasks each have their own pool, so that however
        // many clients poll, a job never waits behind them for a connection (and the reverse).
        Limits limits = config.limits();
        this.requestPool = database.newPool("fedflow-requests", limits.requestDbPool(), POOL_WAIT);
        this.jobPool = database.newPool("fedflow-jobs", limits.jobDbPool(), POOL_WAIT);
        // /health's own connection: it must answer when the other pools are exhausted.
        this.healthPool = database.newPool("fedflow-health", 1, limits.healthTimeout());
        var dsl = requestPool.dsl();
        var jobDsl = jobPool.dsl();
        JobIds jobIds = new JobIds(clock);
        LocalJobStore localJobs = new LocalJobStore(dsl, clock, jobIds);
        TableCatalog catalog = new TableCatalog(dsl, clock);
        BindAddresses bindAddresses = new BindAddresses(database.embeddedPort(), config.limits().bindConnectTimeout());
        TableRows rows = new TableRows(requestPool.dataSource(), bindAddresses);
        UploadSpool spool = new UploadSpool(config.tmpDir());
        UploadService uploads = new UploadService(dsl, localJobs, config, clock);
        DownloadService downloads = new DownloadService(catalog, rows, localJobs, config);
        TableBinder binder = new TableBinder(dsl, requestPool.dataSource(), bindAddresses, clock);
        // The same stores over the job pool, for the scheduler and the components its tasks run.
        LocalJobStore schedulerLocalJobs = new LocalJobStore(jobDsl, clock, jobIds);
        TableCatalog jobCatalog = new TableCatalog(jobDsl, clock);
        TableRows jobRows = new TableRows(jobPool.dataSource(), bindAddresses);
        ComponentRegistry registry = Builtins.registry()
                .register(UploadComponent.definition(new UploadService(jobDsl, schedulerLocalJobs, config, clock)))
                .register(DownloadComponent.definition(new DownloadService(jobCatalog, jobRows, schedulerLocalJobs,
                        config)));
        // Hooks: the built-ins, replaced by services registered with /v1/server and /v1/service.
        PostgresGrantStore grants = new PostgresGrantStore(dsl, clock);
        RegistryStore registrations = new RegistryStore(dsl, clock);
        this.hooks = new HookRegistry(builtinHooks(config, siteKeys, peers, dsl, grants, clock), registrations,
                HookRegistry.DEFAULT_TIMEOUT);
        hooks.reload();
        SiteCallSigner callSigner = new SiteCallSigner(config.partyId(),
                request -> new HookSignatureSource(hooks.current().signature()).signatureFor(request));
        // Read before anything listens, so that a node told to use TLS without its files does not start.
        SiteMutualTls siteTls = config.siteTls() ? SiteMutualTls.load(config.tlsDir().resolve(SiteTls.CA_CERT_FILE),
                config.siteTlsCertificateFile(), config.siteTlsKeyFile()) : null;
        this.clientFactory = siteTls != null ? siteTls.clientFactory() : PartyClient.defaultFactory();
        this.partyClient = new PartyClient(peers, callSigner, clientFactory, PartyClient.RetryPolicy.DEFAULT);
        this.transfers = new TransferStore(jobPool.dataSource(), jobDsl, clock);
        this.transferChannel = new TransferChannel(config.partyId(), transfers, partyClient,
                config.tmpDir().resolve("transfer"), TransferChannel.Options.DEFAULT);
        this.jobs = new JobModule(config, clock, new JobModule.Stores(new JobStore(jobDsl, clock),
                        new JobStore(dsl, clock), new JobQueryStore(dsl), catalog, new TrackingStore(dsl, clock)), registry, jobIds,
                new TaskEnvironment(jobCatalog, jobRows, new TableWriter(jobDsl, clock), new TrackingStore(jobDsl, clock),
                        transferChannel, limits.peerMessageTimeout()),
                new JobModule.Federation(partyClient, id -> peers.find(id).isPresent(),
                        new PermissionAdmission(() -> hooks.current().permission()), PARTY_TIMEOUT));
        this.health = new NodeHealth(healthPool, List.of(jobPool, requestPool), jobs.heartbeat(),
                limits.healthTimeout(), limits.schedulerStallTimeout());
        PostgresReplayGuard siteNonces = new PostgresReplayGuard(database.asyncCommitDsl(), clock);
        SiteVerifyingInterceptor verifying = new SiteVerifyingInterceptor(() -> new SiteVerifier(config.partyId(),
                new HookSignatureCheck(hooks.current().siteAuthentication()), siteNonces, Clock.systemUTC()));
        this.siteServer = SiteServer.build(config.host(), config.sitePort(), List.of(
                verifying.protect(new PartyGrpcService(config.partyId(), jobs.participant(), clock).bindService()),
                verifying.protect(new TransferGrpcService(config.partyId(), transfers).bindService())),
                siteTls == null ? null : siteTls::serve);
        TrackingService trackingService = new TrackingService(new TrackingQueryStore(dsl), catalog, rows, config.dataDir().resolve("jobs"),
                config.tmpDir().resolve("output-data"));
        var outputData = ArchiveRoutes.outputData(trackingService);
        this.admission = new RequestAdmission(limits.requestThreads(), limits.requestQueue());
        ClientAuthentication clientAuthentication = config.clientAuth()
                ? new ClientAuthentication(() -> hooks.current().clientAuthentication()) : null;
        List<BindableService> clientServices = new ArrayList<>(List.of(
                new DataGrpcService(uploads, downloads, spool),
                new TableGrpcService(catalog, binder, new JobTables(dsl))));
        clientServices.addAll(jobs.grpcServices());
        clientServices.addAll(List.of(
                new PermissionGrpcService(grants, PermissionSwitches.all(), knownModules(registry)),
                new RegistryGrpcService(new ServiceRegistry(registrations, hooks)),
                new TrackingGrpcService(trackingService),
                new SiteAdminGrpcService(config.partyId(), siteKeys, config.keysDir(), peers)));
        this.server = FlowServer.build(config.host(), config.httpPort(), clientServices,
                List.of(new FlowServer.HttpRoute(HttpMethod.POST, "/v1/data/upload",
                                new UploadHttpService(uploads, spool, config.limits()), true),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/data/download",
                                new DownloadHttpService(downloads)),
                        // FATE's client sends this one as a GET with a JSON body
                        new FlowServer.HttpRoute(HttpMethod.GET, "/v1/tracking/component/output/data/download",
                                outputData),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/tracking/component/output/data/download",
                                outputData),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/job/log/download",
                                ArchiveRoutes.jobLog(jobs.service()))),
                clientAuthentication, config.limits(), admission,
                new FlowServer.Health(HealthHttpService.readiness(health), HealthHttpService.liveness()));
    }

    /**
     * The built-in hooks: Ed25519 with this site's key (created in the data directory on first start),
     * FATE's HMAC client authentication with the configured APP_KEYs, the persisted grants. No peer keys
     * yet: the peer directory comes with federation.
     */
    /** The built-in hooks: this site's key, the peers' keys, the app keys, the grants. */
    private static HookSet builtinHooks(NodeConfig config, SiteKeys siteKeys, PeerDirectory peers,
                                        org.jooq.DSLContext dsl, GrantStore grants, Clock clock) {
        // Permission enforcement can be switched off for demos; the grant APIs still work either way.
        PermissionSwitches switches = config.enforcePermission() ? PermissionSwitches.all() : PermissionSwitches.off();
        return HookSet.builtin(siteKeys.signer(), peers,
                new ClientAuthenticator(config.clientAppKeys().secretsByAppKey(), new PostgresReplayGuard(dsl, clock),
                        clock),
                grants, switches);
    }

    /** The hooks in force (built-in or registered). */
    public HookRegistry hooks() {
        return hooks;
    }

    /** Lower-case module names and aliases, as permission grants name components. */
    private static java.util.Set<String> knownModules(ComponentRegistry registry) {
        java.util.Set<String> out = new java.util.HashSet<>();
        registry.all().forEach(d -> {
            out.add(d.module().toLowerCase(java.util.Locale.ROOT));
            d.aliases().forEach(a -> out.add(a.toLowerCase(java.util.Locale.ROOT)));
        });
        return out;
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
            java.nio.file.Files.createDirectories(config.importDir());
            java.nio.file.Files.createDirectories(config.exportDir());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Node node = new Node(config, db, ownsDatabase);
        try {
            node.jobs.start();
            node.server.start().join();
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
        return node;
    }

    public int httpPort() {
        return server.activeLocalPort();
    }

    /** Every route the client port serves (transcoded gRPC methods and hand routes); tests cover each. */
    public java.util.List<com.linecorp.armeria.server.Route> clientRoutes() {
        return server.serviceConfigs().stream().map(com.linecorp.armeria.server.ServiceConfig::route).toList();
    }

    public int sitePort() {
        return siteServer.activeLocalPort();
    }

    /** The signed client of the other sites (tests and benchmarks call peers through it). */
    public PartyClient partyClient() {
        return partyClient;
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
        return transferChannel;
    }

    /** The component messages stored at this node. */
    public TransferStore transfers() {
        return transfers;
    }

    public Database database() {
        return database;
    }

    /** The connections of request work (both ports); the scheduler never waits for these. */
    public ConnectionPool requestPool() {
        return requestPool;
    }

    /** Client-port calls admitted and not yet answered: being served or waiting for a request thread. */
    public int requestsInFlight() {
        return admission.inFlight();
    }

    /** The connections of the scheduler and its tasks; requests never wait for these. */
    public ConnectionPool jobPool() {
        return jobPool;
    }

    @Override
    public void close() throws IOException {
        server.stop().join();
        siteServer.stop().join();
        jobs.close();
        partyClient.close();
        clientFactory.close();
        hooks.close();
        health.close();
        healthPool.close();
        requestPool.close();
        jobPool.close();
        if (ownsDatabase) {
            database.close();
        }
    }
}
