package io.fedflow.node.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.server.Server;
import io.fedflow.auth.tls.SiteTls;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.server.SiteServer;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import io.fedflow.proto.v1.PartyServiceGrpc;
import io.fedflow.proto.v1.PingReply;
import io.fedflow.proto.v1.PingRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS on the site port: two real nodes with {@code --site-tls} call each other over it, and the
 * port refuses at the handshake whoever has no certificate of the sites' CA, or speaks plain text.
 */
class SiteMutualTlsTest {
    @TempDir
    static Path dir;
    static Path certs;
    // Peered over TLS: each peer entry says its site port speaks TLS, as the sites' configs do.
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.builder("9999", "10000")
            .configure((partyId, b) -> tlsSite(partyId, "9999".equals(partyId) ? "guest" : "host", b)).build();
    static final TestNode guest = sites.site("9999");
    static final TestNode host = sites.site("10000");

    /** A node whose tls directory holds what an operator copies there: the CA certificate and its own pair. */
    private static void tlsSite(String partyId, String name, NodeConfig.Builder b) throws IOException {
        if (certs == null) {
            certs = dir.resolve("certs");
            new SiteTls().writeAuthorityAndSites(certs, List.of("guest", "host"));
        }
        Path data = Files.createDirectories(dir.resolve("node-" + partyId));
        Path tls = Files.createDirectories(data.resolve("tls"));
        Files.copy(certs.resolve(SiteTls.CA_CERT_FILE), tls.resolve(SiteTls.CA_CERT_FILE));
        SiteTls.write(SiteTls.load(certs.resolve(name + ".crt.pem"), certs.resolve(name + ".key.pem")),
                tls.resolve(name + ".crt.pem"), tls.resolve(name + ".key.pem"));
        b.dataDir(data).siteTls(true).siteTlsName(name);
    }

    @Test
    void signedPingCrossesMutualTlsBothWays() {
        byte[] payload = new byte[256];
        payload[0] = 7;
        PingReply reply = guest.node().partyClient().ping("10000", payload);
        assertEquals("10000", reply.getPartyId());
        assertArrayEquals(payload, reply.getPayload().toByteArray());
        assertEquals("9999", host.node().partyClient().ping("9999", new byte[0]).getPartyId());
    }

    @Test
    void callerWithoutCertificateIsRefusedAtHandshake() throws IOException {
        ChannelCredentials noKey = TlsChannelCredentials.newBuilder()
                .trustManager(certs.resolve(SiteTls.CA_CERT_FILE).toFile()).build();
        StatusRuntimeException e = pingRaw(guest.node().sitePort(), noKey);
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
        assertTrue(chain(e).contains("CERTIFICATE_REQUIRED"), chain(e));
    }

    @Test
    void callerWithCertificateOfAnotherAuthorityIsRefusedAtHandshake() throws IOException {
        Path other = dir.resolve("other-ca");
        new SiteTls().writeAuthorityAndSites(other, List.of("intruder"));
        ChannelCredentials foreign = TlsChannelCredentials.newBuilder()
                .keyManager(other.resolve("intruder.crt.pem").toFile(), other.resolve("intruder.key.pem").toFile())
                .trustManager(certs.resolve(SiteTls.CA_CERT_FILE).toFile()).build();
        StatusRuntimeException e = pingRaw(guest.node().sitePort(), foreign);
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
        // BoringSSL reports the trust manager's refusal as an internal-error alert: still a refused handshake.
        assertTrue(chain(e).contains("TLSV1_ALERT_"), chain(e));
    }

    @Test
    void plainTextCallerGetsNoAnswerFromTlsPort() {
        StatusRuntimeException e = pingRaw(guest.node().sitePort(), InsecureChannelCredentials.create());
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
    }

    @Test
    void certifiedCallerMustStillSign() throws IOException {
        // TLS proves a certificate of the sites' CA, not which party calls: the signature check stays.
        ChannelCredentials certified = TlsChannelCredentials.newBuilder()
                .keyManager(certs.resolve("host.crt.pem").toFile(), certs.resolve("host.key.pem").toFile())
                .trustManager(certs.resolve(SiteTls.CA_CERT_FILE).toFile()).build();
        StatusRuntimeException e = pingRaw(guest.node().sitePort(), certified);
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.toString());
    }

    @Test
    void peerNotMarkedTlsIsUnreachableOnTlsPort() {
        Peer tls = guest.node().peers().find("10000").orElseThrow();
        guest.node().peers().put(new Peer("10000", tls.host(), tls.port(), tls.publicKey(), false));
        try {
            FlowException e = assertThrows(FlowException.class, () -> guest.node().partyClient().ping("10000", new byte[1]));
            assertTrue(e.getMessage().contains("could not answer a ping"), e.getMessage());
        } finally {
            guest.node().peers().put(tls);
        }
    }

    @Test
    void peerWhoseCertificateNamesAnotherHostIsNotCalled() throws IOException {
        SiteTls issuer = new SiteTls();
        SiteTls.Material authority = SiteTls.load(certs.resolve(SiteTls.CA_CERT_FILE), certs.resolve(SiteTls.CA_KEY_FILE));
        SiteTls.Material elsewhere = issuer.issueSiteCertificate(authority, "elsewhere", List.of("elsewhere.example"),
                List.of(), Duration.ofDays(1));
        SiteMutualTls serverSide = new SiteMutualTls(authority.certificate(), elsewhere);
        SiteMutualTls clientSide = SiteMutualTls.load(certs.resolve(SiteTls.CA_CERT_FILE),
                certs.resolve("guest.crt.pem"), certs.resolve("guest.key.pem"));
        Server server = SiteServer.build("127.0.0.1", 0,
                List.of(new PartyGrpcService("10002", null, Clock.systemUTC()).bindService()),
                serverSide::serve);
        server.start().join();
        try (ClientFactory factory = clientSide.clientFactory()) {
            PartyServiceGrpc.PartyServiceBlockingStub stub = GrpcClients
                    .builder("https://127.0.0.1:" + server.activeLocalPort()).factory(factory)
                    .build(PartyServiceGrpc.PartyServiceBlockingStub.class);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).ping(PingRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), chain(e));
        } finally {
            server.stop().join();
        }
    }

    @Test
    void missingCertificateFileIsNamedBeforeAnythingListens() {
        Path tls = dir.resolve("node-9999").resolve("tls");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SiteMutualTls.load(
                tls.resolve(SiteTls.CA_CERT_FILE), tls.resolve("site.crt.pem"), tls.resolve("site.key.pem")));
        assertTrue(e.getMessage().contains("site.crt.pem") && e.getMessage().contains("flow site cert"),
                e.getMessage());
    }

    private static StatusRuntimeException pingRaw(int port, ChannelCredentials credentials) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials)
                .overrideAuthority("localhost").build();
        try {
            return assertThrows(StatusRuntimeException.class, () -> PartyServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS).ping(PingRequest.getDefaultInstance()));
        } finally {
            channel.shutdownNow();
        }
    }

    private static String chain(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            s.append(c).append(" <- ");
        }
        return s.toString();
    }
}
