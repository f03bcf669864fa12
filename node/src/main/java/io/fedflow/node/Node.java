package io.fedflow.node;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.Server;
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
import io.fedflow.node.job.DslParser;
import io.fedflow.node.permission.PermissionGrpcService;
import io.fedflow.node.permission.PostgresGrantStore;
import io.fedflow.node.job.JobGrpcService;
import io.fedflow.node.job.JobLogs;
import io.fedflow.node.job.JobScheduler;
import io.fedflow.node.job.JobService;
import io.fedflow.node.job.PipelineGrpcService;
import io.fedflow.node.job.ResourceGrpcService;
import io.fedflow.node.job.ResourceManager;
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
import io.fedflow.node.tracking.TrackingService;
import io.fedflow.node.tracking.TrackingStore;
import io.fedflow.node.job.JobIds;
import io.fedflow.node.job.JobStore;
import io.fedflow.node.server.ArchiveRoutes;
import io.fedflow.node.server.DownloadHttpService;
import io.fedflow.node.server.FlowServer;
import io.fedflow.node.server.UploadHttpService;
import io.fedflow.node.store.Database;
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
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running node: its database, domain services and server, wired by hand. */
public final class Node implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Node.class);
    /** How long a party may stay unreachable while one of its jobs runs before the job fails. */
    static final java.time.Duration PARTY_TIMEOUT = java.time.Duration.ofSeconds(60);

    private final NodeConfig config;
    private final Database database;
    private final boolean ownsDatabase;
    private final Server server;
    private final Server siteServer;
    private final PartyClient partyClient;
    private final ClientFactory clientFactory;
    private final HookRegistry hooks;
    private final JobScheduler scheduler;
    private final SiteKeys siteKeys;
    private final PeerDirectory peers;
    private final TransferStore transfers;
    private final TransferChannel transferChannel;

    private Node(NodeConfig config, Database database, boolean ownsDatabase) {
        this.config = config;
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        Clock clock = Clock.systemDefaultZone();
        this.siteKeys = SiteKeys.loadOrCreate(config.keysDir());
        this.peers = PeerDirectory.load(config.peersFile());
        var dsl = database.dsl();
        JobStore jobs = new JobStore(dsl, clock);
        JobIds jobIds = new JobIds(clock);
        TableCatalog catalog = new TableCatalog(dsl, clock);
        TableRows rows = new TableRows(database.dataSource());
        UploadSpool spool = new UploadSpool(config.tmpDir());
        UploadService uploads = new UploadService(dsl, jobs, jobIds, config, clock);
        DownloadService downloads = new DownloadService(catalog, rows, jobs, jobIds, config);
        TableBinder binder = new TableBinder(dsl, database.dataSource(), clock);
        ComponentRegistry registry = Builtins.registry()
                .register(UploadComponent.definition(uploads))
                .register(DownloadComponent.definition(downloads));
        DslParser parser = new DslParser(registry);
        JobLogs logs = new JobLogs(config.logsDir());
        TrackingStore tracking = new TrackingStore(dsl, clock);
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
        this.transfers = new TransferStore(database.dataSource(), dsl, clock);
        this.transferChannel = new TransferChannel(config.partyId(), transfers, partyClient,
                config.tmpDir().resolve("transfer"), TransferChannel.Options.DEFAULT);
        this.scheduler = new JobScheduler(jobs, parser, registry, new ResourceManager(config.cores(), 0), logs, dsl,
                catalog, rows, new TableWriter(dsl, clock), tracking, clock, config.partyId(), partyClient,
                PARTY_TIMEOUT, config.limits().peerMessageTimeout(), transferChannel);
        JobService jobService = new JobService(jobs, scheduler, parser, jobIds, catalog, logs, config, partyClient,
                id -> peers.find(id).isPresent(), new PermissionAdmission(() -> hooks.current().permission()));
        PostgresReplayGuard siteNonces = new PostgresReplayGuard(database.asyncCommitDsl(), clock);
        SiteVerifyingInterceptor verifying = new SiteVerifyingInterceptor(() -> new SiteVerifier(config.partyId(),
                new HookSignatureCheck(hooks.current().siteAuthentication()), siteNonces, Clock.systemUTC()));
        this.siteServer = SiteServer.build(config.host(), config.sitePort(), List.of(
                verifying.protect(new PartyGrpcService(config.partyId(), jobService, scheduler, clock).bindService()),
                verifying.protect(new TransferGrpcService(config.partyId(), transfers).bindService())),
                siteTls == null ? null : siteTls::serve);
        TrackingService trackingService = new TrackingService(dsl, catalog, rows, config.dataDir().resolve("jobs"),
                config.tmpDir().resolve("output-data"));
        var outputData = ArchiveRoutes.outputData(trackingService);
        ClientAuthentication clientAuthentication = config.clientAuth()
                ? new ClientAuthentication(() -> hooks.current().clientAuthentication()) : null;
        this.server = FlowServer.build(config.host(), config.httpPort(), List.of(
                        new DataGrpcService(uploads, downloads, spool),
                        new TableGrpcService(catalog, binder, new JobTables(dsl)),
                        new JobGrpcService(jobService),
                        new PipelineGrpcService(jobService),
                        new ResourceGrpcService(jobService),
                        new PermissionGrpcService(grants, PermissionSwitches.all(), knownModules(registry)),
                        new RegistryGrpcService(new ServiceRegistry(registrations, hooks)),
                        new TrackingGrpcService(trackingService),
                        new SiteAdminGrpcService(config.partyId(), siteKeys, config.keysDir(), peers)),
                List.of(new FlowServer.HttpRoute(HttpMethod.POST, "/v1/data/upload", new UploadHttpService(uploads, spool)),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/data/download",
                                new DownloadHttpService(downloads)),
                        // FATE's client sends this one as a GET with a JSON body
                        new FlowServer.HttpRoute(HttpMethod.GET, "/v1/tracking/component/output/data/download",
                                outputData),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/tracking/component/output/data/download",
                                outputData),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/job/log/download",
                                ArchiveRoutes.jobLog(jobService))),
                clientAuthentication);
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
            node.scheduler.start();
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

    @Override
    public void close() throws IOException {
        server.stop().join();
        siteServer.stop().join();
        scheduler.close();
        partyClient.close();
        clientFactory.close();
        hooks.close();
        if (ownsDatabase) {
            database.close();
        }
    }
}
