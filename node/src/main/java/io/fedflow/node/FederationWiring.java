package io.fedflow.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.server.Server;
import io.fedflow.auth.hook.HookName;
import io.fedflow.auth.hook.HookSet;
import io.fedflow.auth.hook.HookSignatureCheck;
import io.fedflow.auth.hook.HookSignatureSource;
import io.fedflow.auth.site.MacCheck;
import io.fedflow.auth.site.MacSource;
import io.fedflow.auth.site.PeerMacCheck;
import io.fedflow.auth.site.PeerMacSource;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.auth.site.SiteMacKeys;
import io.fedflow.auth.site.SiteVerifier;
import io.fedflow.auth.tls.SiteTls;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.core.SiteCallAuth;
import io.fedflow.node.federation.PartyClient;
import io.fedflow.node.federation.PartyGrpcService;
import io.fedflow.node.federation.PeerDirectory;
import io.fedflow.node.federation.SiteAdminGrpcService;
import io.fedflow.node.federation.SiteMutualTls;
import io.fedflow.node.federation.SiteNonceGuard;
import io.fedflow.node.federation.SiteTracing;
import io.fedflow.node.federation.SiteVerifyingInterceptor;
import io.fedflow.node.federation.TransferChannel;
import io.fedflow.node.federation.TransferGrpcService;
import io.fedflow.node.federation.TransferNotifyStore;
import io.fedflow.node.federation.TransferStore;
import io.fedflow.node.federation.TransferWaiters;
import io.fedflow.node.hook.HookRegistry;
import io.fedflow.node.job.JobFilter;
import io.fedflow.node.job.JobModule;
import io.fedflow.node.job.JobParticipant;
import io.fedflow.node.server.JobLogInterceptor;
import io.fedflow.node.server.SiteServer;
import io.fedflow.node.server.StringFieldChecks;
import io.fedflow.node.store.Database;
import io.fedflow.node.store.DatabaseNotifications;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Federation wired for one node: the signed (optionally mutual-TLS) client of the other sites, the
 * component message channel over the job pool, the site port's server (party and transfer services, and the
 * site services other domains bring, behind the verifying interceptor) and the site admin API of the client port.
 */
final class FederationWiring implements AutoCloseable {
    /** A remote site_authentication hook is asked about signatures (FATE's hook API); it cannot check a MAC. */
    private static final MacCheck REMOTE_HOOK_REFUSES_MACS = MacCheck.refusing("a registered site_authentication "
            + "hook checks this site's calls, and it can only check signatures: the calling site must run with "
            + "--site-call-auth signature");

    private final NodeConfig config;
    private final HookRegistry hooks;
    private final SiteMutualTls siteTls;
    private final ClientFactory clientFactory;
    private final PartyClient partyClient;
    private final TransferStore transfers;
    private final TransferChannel transferChannel;
    private final ClientPort clientPort;
    private final SiteTracing tracing;
    private final MeterRegistry meters;
    private final SiteMacKeys macKeys;
    private volatile CurrentVerifier currentVerifier;

    private record CurrentVerifier(HookSet hooks, boolean remoteAuthentication, SiteVerifier verifier) {}

    /** Made with the site server, which needs the database; written and released on close. */
    private SiteNonceGuard siteNonces;

    FederationWiring(NodeConfig config, Clock clock, Database database, NodePools pools, HookRegistry hooks,
                     SiteKeys siteKeys, PeerDirectory peers, MeterRegistry meters, DatabaseNotifications notifications) {
        this.config = config;
        this.hooks = hooks;
        this.meters = meters;
        this.tracing = new SiteTracing(config.partyId(), config.zipkinUrl());
        this.macKeys = new SiteMacKeys(config.partyId(), siteKeys.privateKey(), peers);
        // A registered signature hook signs every call: the node does not second-guess where its key lives.
        MacSource macs = config.siteCallAuth() == SiteCallAuth.MAC ? new PeerMacSource(macKeys) : MacSource.NONE;
        SiteCallSigner callSigner = new SiteCallSigner(config.partyId(),
                request -> new HookSignatureSource(hooks.current().signature()).signatureFor(request),
                request -> hooks.registrationOf(HookName.SIGNATURE).isEmpty() ? macs.macFor(request)
                        : Optional.empty());
        // Read before anything listens, so that a node told to use TLS without its files does not start.
        this.siteTls = config.siteTls() ? SiteMutualTls.load(config.tlsDir().resolve(SiteTls.CA_CERT_FILE),
                config.siteTlsCertificateFile(), config.siteTlsKeyFile()) : null;
        int frameBytes = config.limits().siteHttp2FrameBytes();
        this.clientFactory = siteTls != null ? siteTls.clientFactory(frameBytes)
                : PartyClient.defaultFactory(frameBytes);
        this.partyClient = new PartyClient(peers, callSigner, clientFactory, PartyClient.RetryPolicy.DEFAULT,
                tracing.client());
        // Receivers are woken by commits: this process's directly, the other processes' of the site (sharing
        // the database) through the one connection listening for their NOTIFY.
        TransferWaiters waiters = new TransferWaiters();
        String process = Long.toHexString(new SecureRandom().nextLong());
        notifications.subscribe(TransferNotifyStore.CHANNEL, new TransferNotifyStore(waiters, process));
        this.transfers = new TransferStore(pools.jobs().dataSource(), pools.jobs().dsl(),
                database.asyncCommitDsl(), clock, config.limits().transferGroupCommitBytes(), waiters, process,
                config.limits().transferSafetyPoll());
        FunctionCounter.builder("fedflow.transfer.handed.over", transfers, TransferStore::handedOver)
                .description("Component messages handed from their writer to a receive waiting in this process, "
                        + "never stored").register(meters);
        this.transferChannel = new TransferChannel(config.partyId(), transfers, partyClient,
                config.tmpDir().resolve("transfer"), TransferChannel.Options.DEFAULT);
        this.clientPort = ClientPort.services(List.of(
                new SiteAdminGrpcService(config.partyId(), siteKeys, config.keysDir(), peers)));
    }

    /**
     * The site port: the party side of the job protocol and component messages, each call verified first and
     * then its strings checked as the client port checks them.
     */
    Server siteServer(Database database, Clock clock, JobParticipant participant,
                      List<BindableService> domainServices) {
        siteNonces = new SiteNonceGuard(database.newPool("fedflow-site-nonces", 1, Duration.ofSeconds(10)), clock,
                config.limits().siteNonceFastSkew(), config.limits().siteNonceFlushInterval());
        PeerMacCheck builtinMacs = new PeerMacCheck(macKeys);
        SiteVerifyingInterceptor verifying = new SiteVerifyingInterceptor(() -> verifier(builtinMacs), meters);
        List<ServerServiceDefinition> services = new ArrayList<>(List.of(
                verifying.protect(JobLogInterceptor.protect(StringFieldChecks.protect(
                        new PartyGrpcService(config.partyId(), participant, clock).bindService()))),
                verifying.protect(JobLogInterceptor.protect(StringFieldChecks.protect(
                        new TransferGrpcService(config.partyId(), transfers).bindService())))));
        // The site services of other domains (model migration...), behind the same checks.
        domainServices.forEach(s -> services.add(verifying.protect(JobLogInterceptor.protect(
                StringFieldChecks.protect(s.bindService())))));
        return SiteServer.build(config.host(), config.sitePort(), services, siteTls == null ? null : siteTls::serve,
                tracing.server(), meters, config.limits().siteHttp2FrameBytes());
    }

    /** The verifier of the hooks in force: asked for on every call, made again only when they change. */
    private SiteVerifier verifier(PeerMacCheck builtinMacs) {
        HookSet current = hooks.current();
        boolean remote = hooks.registrationOf(HookName.SITE_AUTHENTICATION).isPresent();
        CurrentVerifier v = currentVerifier;
        if (v == null || v.hooks() != current || v.remoteAuthentication() != remote) {
            v = new CurrentVerifier(current, remote, new SiteVerifier(config.partyId(),
                    new HookSignatureCheck(current.siteAuthentication()),
                    remote ? REMOTE_HOOK_REFUSES_MACS : builtinMacs, siteNonces, Clock.systemUTC()));
            currentVerifier = v;
        }
        return v.verifier();
    }

    /**
     * When spans are exported, reports each job this site initiated as its trace's root span once it ended
     * (read off the scheduler's thread: the job's row gives its start).
     */
    void traceJobs(JobModule jobs) {
        if (!tracing.exporting()) {
            return;
        }
        jobs.onJobEnded(jobId -> CommonPools.blockingTaskExecutor().execute(() -> {
            ArrayNode rows = jobs.service().query(new JobFilter(Map.of("job_id", List.of(jobId)), List.of(true),
                    Map.of()), null, false);
            if (!rows.isEmpty()) {
                JsonNode job = rows.get(0);
                long end = job.path("f_end_time").asLong(System.currentTimeMillis());
                long start = job.path("f_start_time").asLong(job.path("f_create_time").asLong(end));
                tracing.reportJob(jobId, job.path("f_status").asText(), start, end);
            }
        }));
    }

    PartyClient partyClient() {
        return partyClient;
    }

    TransferStore transfers() {
        return transfers;
    }

    TransferChannel transferChannel() {
        return transferChannel;
    }

    ClientPort clientPort() {
        return clientPort;
    }

    @Override
    public void close() {
        if (siteNonces != null) {
            siteNonces.close();
        }
        partyClient.close();
        clientFactory.close();
        tracing.close();
    }
}
