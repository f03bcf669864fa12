import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.server.Server;
import io.fedflow.auth.tls.SiteTls;
import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.core.SiteCallAuth;
import io.fedflow.auth.site.PeerMacSource;
import io.fedflow.auth.site.SiteMacKeys;
import io.fedflow.node.federation.PartyClient;
import io.fedflow.node.federation.PartyGrpcService;
import io.fedflow.node.federation.Peer;
import io.fedflow.node.federation.SiteMutualTls;
import io.fedflow.node.federation.PeerDirectory;
import io.fedflow.node.federation.PostgresReplayGuard;
import io.fedflow.node.federation.SiteNonceGuard;
import io.fedflow.node.store.Database;
import io.fedflow.auth.replay.ReplayGuard;
import java.time.Duration;
import io.fedflow.node.federation.SiteVerifyingInterceptor;
import io.fedflow.auth.replay.InMemoryReplayGuard;
import io.fedflow.auth.site.PeerKeys;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteVerifier;
import io.fedflow.node.server.SiteServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.fedflow.node.server.StringFieldChecks;
import io.fedflow.node.server.JobLogInterceptor;
import io.fedflow.node.federation.SiteTracing;
import io.fedflow.node.wire.SiteMessages;
import io.fedflow.node.testing.TestNodes;
import io.fedflow.proto.v1.PartyServiceGrpc.PartyServiceBlockingStub;
import io.fedflow.proto.v1.PingRequest;
import com.google.protobuf.ByteString;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Site-call benchmark, run on demand (not part of the Maven build): see bench/site-call-bench.sh.
 *
 * <p>One JVM, loopback. Variants of the same call, PartyService/Ping with a --payload-byte body:
 * <ul>
 *   <li>{@code unsigned h2c}: a site server (SiteServer.build, same settings as a node's) serving
 *       PartyGrpcService WITHOUT the signature check, called through an Armeria GrpcClients stub WITHOUT
 *       the signing interceptor, with the same per-call deadline PartyClient sets;</li>
 *   <li>{@code signed h2c}: two real nodes (TestNodes, embedded PostgreSQL), node A's
 *       {@code partyClient().ping} to node B: signing (A runs {@code --site-call-auth signature}), retry
 *       wrapper, B's signature check and replay guard (SiteNonceGuard: nonces checked in memory, written in
 *       batches off the call's path);</li>
 *   <li>{@code mac h2c}: the same whole-node call from node M, which runs {@code --site-call-auth mac} (the
 *       default): HMAC-SHA256 with the pair's derived key instead of Ed25519, all else alike;</li>
 *   <li>{@code signed h2c, nonce insert per call (before)}: node A's signer, a verifying interceptor with the
 *       built-in Ed25519 check and the guard the node had before (PostgresReplayGuard: one INSERT per call,
 *       on an async-commit pool);</li>
 *   <li>{@code signed h2c, nonces batched (after)}: the same bare server with the node's guard now
 *       (SiteNonceGuard over a database of its own: nonces in memory, one commit per 20 ms batch);</li>
 *   <li>{@code mac h2c, nonces batched}: the MAC'd call on a bare server like {@code mac h2c, nonces in
 *       memory}'s, over that same SiteNonceGuard: the two differ only by the durable nonce keeping;</li>
 *   <li>{@code signed h2c, nonces in memory}: the node's signer and the node's verifying interceptor, but the
 *       verifier built in the bench with the built-in Ed25519 check and an InMemoryReplayGuard instead of
 *       the node's PostgreSQL one, to split the signature cost from the nonce write; {@code mac h2c, nonces
 *       in memory} the same with the caller MAC'ing;</li>
 *   <li>{@code unsigned h2c, node layers}: the node's site port without the verification (Brave's server span,
 *       Armeria's request meters, job-log and string checks), called by a stub with the node's tracing: the
 *       unsigned twin of {@code mac h2c};</li>
 *   <li>{@code mac h2c, plain client} (and {@code , no tracing}): node B's whole port called by a stub with the
 *       node's tracing and node M's MAC'ing interceptor, without PartyClient; {@code mac h2c, bench PartyClient}
 *       (and {@code 2}, {@code 3}): a PartyClient made in the bench with that stub's signer and a client factory
 *       of its own each (the three differ only by where their connection lands on the shared event loops);
 *       {@code mac h2c, node layers, nonces batched}: a bench PartyClient with tracing to the node's port
 *       layers plus the verifying interceptor over the bare server's durable guard;</li>
 *   <li>{@code unsigned mTLS} and {@code signed mTLS}: the same two, with mutual TLS on the site port
 *       (certificates from SiteTls, as {@code flow site cert} writes them).</li>
 * </ul>
 * Each variant is warmed up, then --rounds rounds run every variant for --round-ms each, order rotating
 * per round, at each --concurrency level (closed loop, that many caller threads, no think time). Reported:
 * medians over rounds of p50, p99, calls/s, this JVM's CPU per call (and the part of it the nonce guards'
 * writer threads spent) and the embedded PostgreSQL's CPU per call, and signed/unsigned ratios. With the
 * environment variable SITE_BENCH_THREADS set, each round also prints the CPU per call of each thread group
 * (callers, Armeria's event loops, its blocking-task threads, the nonce writers...).
 */
public class SiteCallBench {
    interface Call {
        void run();
    }

    record Variant(String name, Call call) {}

    /**
     * {@code cpuUsPerCall}: this JVM's CPU time (callers, both servers, background work) per call;
     * {@code pgUsPerCall}: the embedded PostgreSQL's (postmaster and every backend) per call;
     * {@code nonceThreadUsPerCall}: the part of {@code cpuUsPerCall} spent by the site nonce guards' writer
     * threads (every guard of the run: their idle cost is in every variant's figure).
     */
    record Round(double p50Ms, double p99Ms, double callsPerS, double cpuUsPerCall, double pgUsPerCall,
                 double nonceThreadUsPerCall) {}

    /** The shared embedded PostgreSQL's postmaster (its backends are its children). */
    static ProcessHandle postmaster;

    static int payloadBytes = 256;
    static int rounds = 5;
    static int roundMs = 3000;
    static int warmupMs = 8000;
    static int[] concurrency = {1, 8};
    /** Variants to run (names separated by ";"; empty: all), e.g. to profile one under JFR. */
    static List<String> only = List.of();
    /** If set, one line per measured round: "variant|callers|start|end" (epoch seconds), for bench/jfr-top.py. */
    static Path windows;

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--payload-bytes" -> payloadBytes = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--round-ms" -> roundMs = Integer.parseInt(args[++i]);
                case "--warmup-ms" -> warmupMs = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt)
                        .toArray();
                case "--only" -> only = List.of(args[++i].split(";"));
                case "--windows" -> windows = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Path dir = Files.createTempDirectory("site-call-bench-");
        Path certs = dir.resolve("certs");
        new SiteTls().writeAuthorityAndSites(certs, List.of("a", "b"));
        byte[] payload = new byte[payloadBytes];
        new java.util.Random(1).nextBytes(payload);
        PingRequest request = PingRequest.newBuilder().setPayload(ByteString.copyFrom(payload)).build();

        // Signed and MAC'd pairs: real nodes; A signs (--site-call-auth signature), M MACs (the default), B
        // accepts either.
        Node a = TestNodes.start(nodeConfig(dir, "9999", SiteCallAuth.SIGNATURE));
        Node m = TestNodes.start(nodeConfig(dir, "9997", SiteCallAuth.MAC));
        Node b = TestNodes.start("10000");
        a.peers().put(new Peer("10000", "127.0.0.1", b.sitePort(), b.siteKeys().publicKeyBase64(), false));
        m.peers().put(new Peer("10000", "127.0.0.1", b.sitePort(), b.siteKeys().publicKeyBase64(), false));
        b.peers().put(new Peer("9999", "127.0.0.1", a.sitePort(), a.siteKeys().publicKeyBase64(), false));
        b.peers().put(new Peer("9997", "127.0.0.1", m.sitePort(), m.siteKeys().publicKeyBase64(), false));
        Node ta = TestNodes.start(tlsConfig(dir, certs, "9998", "a"));
        Node tb = TestNodes.start(tlsConfig(dir, certs, "10001", "b"));
        ta.peers().put(new Peer("10001", "127.0.0.1", tb.sitePort(), tb.siteKeys().publicKeyBase64(), true));
        tb.peers().put(new Peer("9998", "127.0.0.1", ta.sitePort(), ta.siteKeys().publicKeyBase64(), true));

        // Unsigned pairs: the party service bound without verifying.protect, stubs without the signer.
        // Ping reads nothing from the signature context, so the service answers it unsigned.
        SiteMutualTls tls = SiteMutualTls.load(certs.resolve(SiteTls.CA_CERT_FILE), certs.resolve("b.crt.pem"),
                certs.resolve("b.key.pem"));
        SiteMutualTls clientTls = SiteMutualTls.load(certs.resolve(SiteTls.CA_CERT_FILE),
                certs.resolve("a.crt.pem"), certs.resolve("a.key.pem"));
        Server plain = SiteServer.build("127.0.0.1", 0,
                List.of(new PartyGrpcService("10000", null, Clock.systemUTC()).bindService()), null);
        // The node's site port without the verification: the layers every site call has whether signed or not
        // (tracing, request meters, the job-log and string checks), so that "mac h2c" (a whole node) has an
        // unsigned twin of the same shape.
        SiteTracing layeredTracing = new SiteTracing("10006", null);
        Server layered = SiteServer.build("127.0.0.1", 0, List.of(JobLogInterceptor.protect(StringFieldChecks.protect(
                new PartyGrpcService("10006", null, Clock.systemUTC()).bindService()))), null,
                layeredTracing.server(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        layered.start().join();
        Server secure = SiteServer.build("127.0.0.1", 0,
                List.of(new PartyGrpcService("10001", null, Clock.systemUTC()).bindService()), tls::serve);
        PeerKeys memCallers = PeerKeys.of(Map.of("9999", a.siteKeys().publicKey()));
        SiteVerifier memVerifier = new SiteVerifier("10002", memCallers,
                new SiteMacKeys("10002", b.siteKeys().privateKey(), memCallers),
                new InMemoryReplayGuard(Clock.systemUTC()), Clock.systemUTC());
        Server memSigned = SiteServer.build("127.0.0.1", 0, List.of(new SiteVerifyingInterceptor(() -> memVerifier)
                .protect(new PartyGrpcService("10002", null, Clock.systemUTC()).bindService())), null);
        memSigned.start().join();
        // The two durable guards on the bare server, over a database of their own (a second SiteNonceGuard on
        // node B's database would make both share it, each nonce written per call):
        // before issue 14 goal 4, one INSERT per call on the async-commit pool; after, SiteNonceGuard.
        String guardUrl = TestNodes.newDatabase();
        Database guardDb = Database.external(guardUrl, "postgres", null);
        postmaster = findPostmaster(TestNodes.postgres().getPort());
        System.out.println(postmaster == null ? "# PostgreSQL CPU: postmaster not found, counted as 0"
                : "# PostgreSQL CPU: postmaster pid " + postmaster.pid() + " and its backends (all nodes' databases)");
        Server perCallSigned = bareSigned("10003", a, new PostgresReplayGuard(guardDb.asyncCommitDsl(),
                Clock.systemUTC()));
        SiteNonceGuard batched = new SiteNonceGuard(guardDb.newPool("bench-site-nonces", 1, Duration.ofSeconds(10)),
                Clock.systemUTC(), Duration.ofSeconds(1), Duration.ofMillis(20));
        Server batchedSigned = bareSigned("10004", a, batched);
        // The MAC'd call on the same bare server and guard: the durable nonce keeping alone against "in memory".
        PeerKeys batchedCallers = PeerKeys.of(Map.of("9999", a.siteKeys().publicKey()));
        SiteVerifier batchedMacVerifier = new SiteVerifier("10005", batchedCallers,
                new SiteMacKeys("10005", b.siteKeys().privateKey(), batchedCallers), batched, Clock.systemUTC());
        Server batchedMac = SiteServer.build("127.0.0.1", 0, List.of(new SiteVerifyingInterceptor(
                () -> batchedMacVerifier).protect(new PartyGrpcService("10005", null, Clock.systemUTC())
                .bindService())), null);
        batchedMac.start().join();
        PeerDirectory memPeers = PeerDirectory.load(dir.resolve("mem-peers.json"));
        memPeers.put(new Peer("10002", "127.0.0.1", memSigned.activeLocalPort(), b.siteKeys().publicKeyBase64(),
                false));
        memPeers.put(new Peer("10003", "127.0.0.1", perCallSigned.activeLocalPort(), b.siteKeys().publicKeyBase64(),
                false));
        memPeers.put(new Peer("10004", "127.0.0.1", batchedSigned.activeLocalPort(), b.siteKeys().publicKeyBase64(),
                false));
        memPeers.put(new Peer("10005", "127.0.0.1", batchedMac.activeLocalPort(), b.siteKeys().publicKeyBase64(),
                false));
        PartyClient memClient = new PartyClient(memPeers, new SiteCallSigner("9999", a.siteKeys().signer()),
                PartyClient.defaultFactory(), PartyClient.RetryPolicy.DEFAULT);
        PartyClient memMacClient = new PartyClient(memPeers, new SiteCallSigner("9999", a.siteKeys().signer(),
                new PeerMacSource(new SiteMacKeys("9999", a.siteKeys().privateKey(), memPeers))),
                PartyClient.defaultFactory(), PartyClient.RetryPolicy.DEFAULT);
        plain.start().join();
        secure.start().join();
        ClientFactory plainFactory = PartyClient.defaultFactory();
        ClientFactory tlsFactory = clientTls.clientFactory();
        PartyServiceBlockingStub plainStub = stub("http://127.0.0.1:" + plain.activeLocalPort(), plainFactory);
        PartyServiceBlockingStub layeredStub = GrpcClients.builder("http://127.0.0.1:" + layered.activeLocalPort())
                .factory(plainFactory).maxRequestMessageLength(SiteMessages.MAX_BYTES)
                .maxResponseMessageLength(SiteMessages.MAX_BYTES).responseTimeoutMillis(0)
                .intercept(new SiteTracing("9999", null).client()).build(PartyServiceBlockingStub.class);
        PartyServiceBlockingStub tlsStub = stub("https://127.0.0.1:" + secure.activeLocalPort(), tlsFactory);
        // Node M's call to node B without PartyClient (no retry executor, no peer and stub look-ups): a stub with
        // the node's tracing and M's MAC'ing interceptor, as PartyClient builds it; and the same without tracing.
        SiteCallSigner mSigner = new SiteCallSigner("9997", m.siteKeys().signer(),
                new PeerMacSource(new SiteMacKeys("9997", m.siteKeys().privateKey(), m.peers())));
        PartyServiceBlockingStub macPlainStub = GrpcClients.builder("http://127.0.0.1:" + b.sitePort())
                .factory(plainFactory).intercept(new SiteTracing("9997", null).client())
                .intercept(new io.fedflow.node.federation.SiteSigningInterceptor(mSigner, "10000"))
                .maxRequestMessageLength(SiteMessages.MAX_BYTES).maxResponseMessageLength(SiteMessages.MAX_BYTES)
                .responseTimeoutMillis(0).build(PartyServiceBlockingStub.class);
        PartyServiceBlockingStub macUntracedStub = GrpcClients.builder("http://127.0.0.1:" + b.sitePort())
                .factory(plainFactory)
                .intercept(new io.fedflow.node.federation.SiteSigningInterceptor(mSigner, "10000"))
                .maxRequestMessageLength(SiteMessages.MAX_BYTES).maxResponseMessageLength(SiteMessages.MAX_BYTES)
                .responseTimeoutMillis(0).build(PartyServiceBlockingStub.class);
        // Node M's call as PartyClient makes it, with the plain stubs' signer (no hook look-ups) and a factory of
        // its own: PartyClient's own cost against "plain client".
        PeerDirectory toB = PeerDirectory.load(dir.resolve("to-b-peers.json"));
        toB.put(new Peer("10000", "127.0.0.1", b.sitePort(), b.siteKeys().publicKeyBase64(), false));
        PartyClient benchPartyClient = new PartyClient(toB, mSigner, PartyClient.defaultFactory(),
                PartyClient.RetryPolicy.DEFAULT, new SiteTracing("9997", null).client());
        PartyClient benchPartyClient2 = new PartyClient(toB, mSigner, PartyClient.defaultFactory(),
                PartyClient.RetryPolicy.DEFAULT, new SiteTracing("9997", null).client());
        PartyClient benchPartyClient3 = new PartyClient(toB, mSigner, PartyClient.defaultFactory(),
                PartyClient.RetryPolicy.DEFAULT, new SiteTracing("9997", null).client());
        // The node's site port layers (tracing, meters, job-log and string checks) with the verifying interceptor
        // over the bare server's durable guard: node B's port, minus the node around it.
        PeerKeys layeredMacCallers = PeerKeys.of(Map.of("9999", a.siteKeys().publicKey()));
        SiteVerifier layeredMacVerifier = new SiteVerifier("10007", layeredMacCallers,
                new SiteMacKeys("10007", b.siteKeys().privateKey(), layeredMacCallers), batched, Clock.systemUTC());
        Server layeredMac = SiteServer.build("127.0.0.1", 0, List.of(new SiteVerifyingInterceptor(
                () -> layeredMacVerifier, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).protect(
                JobLogInterceptor.protect(StringFieldChecks.protect(new PartyGrpcService("10007", null,
                        Clock.systemUTC()).bindService())))), null, new SiteTracing("10007", null).server(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        layeredMac.start().join();
        memPeers.put(new Peer("10007", "127.0.0.1", layeredMac.activeLocalPort(), b.siteKeys().publicKeyBase64(),
                false));
        PartyClient tracedMacClient = new PartyClient(memPeers, new SiteCallSigner("9999", a.siteKeys().signer(),
                new PeerMacSource(new SiteMacKeys("9999", a.siteKeys().privateKey(), memPeers))),
                PartyClient.defaultFactory(), PartyClient.RetryPolicy.DEFAULT, new SiteTracing("9999", null).client());

        List<Variant> allVariants = List.of(
                new Variant("unsigned h2c", () -> plainStub.withDeadlineAfter(10, TimeUnit.SECONDS).ping(request)),
                new Variant("unsigned h2c, node layers", () -> layeredStub.withDeadlineAfter(10, TimeUnit.SECONDS)
                        .ping(request)),
                new Variant("signed h2c", () -> a.partyClient().ping("10000", payload)),
                new Variant("mac h2c", () -> m.partyClient().ping("10000", payload)),
                new Variant("signed h2c, nonces in memory", () -> memClient.ping("10002", payload)),
                new Variant("mac h2c, nonces in memory", () -> memMacClient.ping("10002", payload)),
                new Variant("signed h2c, nonce insert per call (before)", () -> memClient.ping("10003", payload)),
                new Variant("signed h2c, nonces batched (after)", () -> memClient.ping("10004", payload)),
                new Variant("mac h2c, nonces batched", () -> memMacClient.ping("10005", payload)),
                new Variant("mac h2c, plain client", () -> macPlainStub.withDeadlineAfter(10, TimeUnit.SECONDS)
                        .ping(request)),
                new Variant("mac h2c, bench PartyClient", () -> benchPartyClient.ping("10000", payload)),
                new Variant("mac h2c, bench PartyClient 2", () -> benchPartyClient2.ping("10000", payload)),
                new Variant("mac h2c, bench PartyClient 3", () -> benchPartyClient3.ping("10000", payload)),
                new Variant("mac h2c, plain client, no tracing", () -> macUntracedStub.withDeadlineAfter(10,
                        TimeUnit.SECONDS).ping(request)),
                new Variant("mac h2c, node layers, nonces batched", () -> tracedMacClient.ping("10007", payload)),
                new Variant("unsigned mTLS", () -> tlsStub.withDeadlineAfter(10, TimeUnit.SECONDS).ping(request)),
                new Variant("signed mTLS", () -> ta.partyClient().ping("10001", payload)));
        List<Variant> variants = allVariants.stream().filter(v -> only.isEmpty() || only.contains(v.name())).toList();

        for (Variant v : variants) {
            run(v, Math.max(1, concurrency[concurrency.length - 1]), warmupMs / variants.size());
        }
        System.out.printf("Site calls: PartyService/Ping, %d B payload, loopback, one JVM; %d rounds × %d ms per "
                        + "variant and concurrency, order rotating; warm-up %d ms; %s %s, %d cores%n",
                payloadBytes, rounds, roundMs, warmupMs, System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        for (int c : concurrency) {
            Map<String, List<Round>> results = new LinkedHashMap<>();
            variants.forEach(v -> results.put(v.name(), new ArrayList<>()));
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < variants.size(); k++) {
                    Variant v = variants.get((k + r) % variants.size());
                    double start = System.currentTimeMillis() / 1e3;
                    results.get(v.name()).add(run(v, c, roundMs));
                    if (windows != null) {
                        Files.writeString(windows, v.name() + "|" + c + "|" + start + "|"
                                + System.currentTimeMillis() / 1e3 + "\n", java.nio.file.StandardOpenOption.CREATE,
                                java.nio.file.StandardOpenOption.APPEND);
                    }
                }
            }
            System.out.printf("%nconcurrency %d (closed loop, %d caller thread%s)%n%n", c, c, c == 1 ? "" : "s");
            System.out.println("| variant | p50 ms | p99 ms | calls/s | CPU µs/call | of which nonce writers "
                    + "| PostgreSQL CPU µs/call | p50 per round | p99 per round |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            for (var e : results.entrySet()) {
                List<Round> rs = e.getValue();
                System.out.printf("| %s | %.3f | %.3f | %,.0f | %.0f | %.1f | %.0f | %s | %s |%n", e.getKey(),
                        median(rs.stream().mapToDouble(Round::p50Ms).toArray()),
                        median(rs.stream().mapToDouble(Round::p99Ms).toArray()),
                        median(rs.stream().mapToDouble(Round::callsPerS).toArray()),
                        median(rs.stream().mapToDouble(Round::cpuUsPerCall).toArray()),
                        median(rs.stream().mapToDouble(Round::nonceThreadUsPerCall).toArray()),
                        median(rs.stream().mapToDouble(Round::pgUsPerCall).toArray()),
                        list(rs.stream().mapToDouble(Round::p50Ms).toArray()),
                        list(rs.stream().mapToDouble(Round::p99Ms).toArray()));
            }
            System.out.println();
            ratio(results, "signed h2c", "unsigned h2c");
            ratio(results, "mac h2c", "unsigned h2c");
            ratio(results, "mac h2c", "unsigned h2c, node layers");
            ratio(results, "unsigned h2c, node layers", "unsigned h2c");
            ratio(results, "signed h2c, nonces in memory", "unsigned h2c");
            ratio(results, "mac h2c, nonces in memory", "unsigned h2c");
            ratio(results, "signed h2c, nonce insert per call (before)", "unsigned h2c");
            ratio(results, "signed h2c, nonces batched (after)", "unsigned h2c");
            ratio(results, "mac h2c, nonces batched", "unsigned h2c");
            ratio(results, "mac h2c, nonces batched", "mac h2c, nonces in memory");
            ratio(results, "mac h2c, plain client", "unsigned h2c, node layers");
            ratio(results, "mac h2c", "mac h2c, plain client");
            ratio(results, "mac h2c, bench PartyClient", "mac h2c, plain client");
            ratio(results, "mac h2c", "mac h2c, bench PartyClient");
            ratio(results, "mac h2c, plain client", "mac h2c, plain client, no tracing");
            ratio(results, "mac h2c, node layers, nonces batched", "unsigned h2c, node layers");
            ratio(results, "mac h2c", "mac h2c, node layers, nonces batched");
            ratio(results, "signed mTLS", "unsigned mTLS");
            ratio(results, "signed mTLS", "unsigned h2c");
            ratio(results, "unsigned mTLS", "unsigned h2c");
        }
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf("%n1-min load average %.1f before / %.1f after%n", loadBefore, loadAfter);

        plain.stop().join();
        layered.stop().join();
        memSigned.stop().join();
        perCallSigned.stop().join();
        batchedSigned.stop().join();
        batchedMac.stop().join();
        layeredMac.stop().join();
        tracedMacClient.close();
        batched.close();
        guardDb.close();
        secure.stop().join();
        plainFactory.close();
        tlsFactory.close();
        memMacClient.close();
        for (Node n : List.of(a, m, b, ta, tb)) {
            n.close();
        }
        System.exit(0);
    }

    /** The party service behind the node's verifying interceptor, the built-in Ed25519 check and {@code guard}. */
    static Server bareSigned(String partyId, Node caller, ReplayGuard guard) {
        SiteVerifier verifier = new SiteVerifier(partyId, PeerKeys.of(Map.of("9999", caller.siteKeys().publicKey())),
                guard, Clock.systemUTC());
        Server server = SiteServer.build("127.0.0.1", 0, List.of(new SiteVerifyingInterceptor(() -> verifier)
                .protect(new PartyGrpcService(partyId, null, Clock.systemUTC()).bindService())), null);
        server.start().join();
        return server;
    }

    static NodeConfig nodeConfig(Path dir, String partyId, SiteCallAuth auth) throws Exception {
        return NodeConfig.builder(partyId, Files.createDirectories(dir.resolve("node-" + partyId)))
                .dbUrl(TestNodes.newDatabase()).dbUser("postgres").siteCallAuth(auth).build();
    }

    static NodeConfig tlsConfig(Path dir, Path certs, String partyId, String name) throws Exception {
        Path data = Files.createDirectories(dir.resolve("node-" + partyId));
        Path tlsDir = Files.createDirectories(data.resolve("tls"));
        Files.copy(certs.resolve(SiteTls.CA_CERT_FILE), tlsDir.resolve(SiteTls.CA_CERT_FILE));
        SiteTls.write(SiteTls.load(certs.resolve(name + ".crt.pem"), certs.resolve(name + ".key.pem")),
                tlsDir.resolve(name + ".crt.pem"), tlsDir.resolve(name + ".key.pem"));
        return NodeConfig.builder(partyId, data).dbUrl(TestNodes.newDatabase()).dbUser("postgres")
                .siteTls(true).siteTlsName(name).siteCallAuth(SiteCallAuth.SIGNATURE).build();
    }

    static PartyServiceBlockingStub stub(String uri, ClientFactory factory) {
        return GrpcClients.builder(uri).factory(factory)
                .maxRequestMessageLength(SiteMessages.MAX_BYTES)
                .maxResponseMessageLength(SiteMessages.MAX_BYTES)
                .responseTimeoutMillis(0)
                .build(PartyServiceBlockingStub.class);
    }

    /** {@code threads} callers in a closed loop for {@code ms}; latencies of every call. */
    static Round run(Variant v, int threads, int ms) throws InterruptedException {
        java.util.concurrent.atomic.AtomicLong callerCpu = new java.util.concurrent.atomic.AtomicLong();
        long[][] lat = new long[threads][];
        int[] counts = new int[threads];
        long end = System.nanoTime() + ms * 1_000_000L;
        CountDownLatch done = new CountDownLatch(threads);
        Throwable[] failure = new Throwable[1];
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        long pg0 = postgresCpuNanos();
        long nt0 = nonceThreadCpuNanos();
        Map<String, Long> groups0 = threadGroupCpuNanos();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                try {
                    while (System.nanoTime() < end) {
                        long s = System.nanoTime();
                        v.call().run();
                        long d = System.nanoTime() - s;
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = d;
                    }
                } catch (RuntimeException e) {
                    failure[0] = e;
                } finally {
                    callerCpu.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                    lat[id] = mine;
                    counts[id] = n;
                    done.countDown();
                }
            }, "bench-" + v.name() + "-" + t);
            th.start();
        }
        done.await();
        if (failure[0] != null) {
            throw new IllegalStateException(v.name() + " failed", failure[0]);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long cpu = processCpuNanos() - cpu0;
        long pg = postgresCpuNanos() - pg0;
        long nt = nonceThreadCpuNanos() - nt0;
        int total = Arrays.stream(counts).sum();
        if (System.getenv("SITE_BENCH_THREADS") != null && total > 0) {
            Map<String, Long> groups1 = threadGroupCpuNanos();
            StringBuilder line = new StringBuilder("# threads " + v.name() + " x" + threads + ", µs/call: callers="
                    + String.format("%.1f", callerCpu.get() / 1e3 / total));
            groups1.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - groups0.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() / 1e3 / total >= 0.5).sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                    .forEach(e -> line.append(String.format(" %s=%.1f", e.getKey(), e.getValue() / 1e3 / total)));
            System.out.println(line);
        }
        long[] all = new long[total];
        int off = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(lat[t], 0, all, off, counts[t]);
            off += counts[t];
        }
        Arrays.sort(all);
        return new Round(pct(all, 0.50) / 1e6, pct(all, 0.99) / 1e6, total / seconds,
                total == 0 ? 0 : cpu / 1e3 / total, total == 0 ? 0 : pg / 1e3 / total,
                total == 0 ? 0 : nt / 1e3 / total);
    }

    /** CPU time of every live thread, by name without its trailing digits (a pool's threads together). */
    static Map<String, Long> threadGroupCpuNanos() {
        var mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new java.util.HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName().startsWith("bench-") ? "callers" : t.getName().replaceAll("[-0-9]+$", "");
            out.merge(name, Math.max(0, mx.getThreadCpuTime(t.getId())), Long::sum);
        }
        return out;
    }

    /** CPU time of the site nonce guards' writer threads ("fedflow-site-nonces"). */
    static long nonceThreadCpuNanos() {
        var threads = ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("fedflow-site-nonces"))
                .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId()))).sum();
    }

    /**
     * The postmaster listening on {@code port} (its command line names the port; other PostgreSQL servers on
     * the machine are not counted), or null if it cannot be told apart.
     */
    static ProcessHandle findPostmaster(int port) {
        return ProcessHandle.allProcesses().filter(p -> {
            String cmd = p.info().commandLine().orElse("");
            return cmd.contains("/bin/postgres") && cmd.matches(".*-p\\s+" + port + "(\\s.*|$)");
        }).findFirst().orElse(null);
    }

    /**
     * CPU time of the postmaster and its live backends, from /proc (a backend that exited meanwhile is
     * missed: the guards and the nodes keep their sessions for the run).
     */
    static long postgresCpuNanos() {
        if (postmaster == null) {
            return 0;
        }
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(postmaster), postmaster.descendants())
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }

    /** CPU time of this whole JVM: steadier than latency on a machine other work shares. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String list(double[] xs) {
        StringBuilder b = new StringBuilder();
        for (double x : xs) {
            b.append(b.length() == 0 ? "" : " ").append(String.format("%.2f", x));
        }
        return b.toString();
    }

    static void ratio(Map<String, List<Round>> results, String num, String den) {
        if (!results.containsKey(num) || !results.containsKey(den)) {
            return;
        }
        double p50 = median(results.get(num).stream().mapToDouble(Round::p50Ms).toArray())
                / median(results.get(den).stream().mapToDouble(Round::p50Ms).toArray());
        double p99 = median(results.get(num).stream().mapToDouble(Round::p99Ms).toArray())
                / median(results.get(den).stream().mapToDouble(Round::p99Ms).toArray());
        double rate = median(results.get(num).stream().mapToDouble(Round::callsPerS).toArray())
                / median(results.get(den).stream().mapToDouble(Round::callsPerS).toArray());
        double cpu = median(results.get(num).stream().mapToDouble(Round::cpuUsPerCall).toArray())
                / median(results.get(den).stream().mapToDouble(Round::cpuUsPerCall).toArray());
        System.out.printf("%s / %s: p50 %.2f×, p99 %.2f×, calls/s %.2f×, CPU per call %.2f×%n", num, den, p50, p99,
                rate, cpu);
    }
}
