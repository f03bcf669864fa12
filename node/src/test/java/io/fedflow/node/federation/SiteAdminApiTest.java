package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.node.Node;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.TestNode;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.KeyRequest;
import io.fedflow.proto.v1.PeerRequest;
import io.fedflow.proto.v1.SiteKeyRequest;
import io.fedflow.proto.v1.SiteServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The site administration over a real node: FATE's JSON as its client sends it, and gRPC. */
class SiteAdminApiTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();
    static SiteServiceGrpc.SiteServiceBlockingStub grpc;

    @TempDir
    Path dir;

    @BeforeAll
    static void stub() {
        grpc = SiteServiceGrpc.newBlockingStub(node.channel());
    }

    /** A key pair another site would have made. */
    private SiteKeys peerKeys(String name) {
        return SiteKeys.loadOrCreate(dir.resolve(name));
    }

    private static JsonNode add(FlowHttp to, String party, SiteKeys keys) {
        return to.post("/v1/site/peer/add", Map.of("party_id", party, "host", "127.0.0.1", "port", 9360,
                "public_key", keys.publicKeyPem()));
    }

    @Test
    void showsItsPublicKeyNeverThePrivateOneAndKeepsItAcrossARestart() throws IOException {
        TestNode site = TestNode.builder("9999").build().start();
        String pem;
        try {
            FlowHttp h = site.http();
            JsonNode key = h.post("/v1/site/key", "{}");
            assertThat(key.get("retcode").asInt()).as(key.toString()).isZero();
            assertThat(key.at("/data/party_id").asText()).isEqualTo("9999");
            pem = key.at("/data/public_key").asText();
            assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----");
            assertThat(key.at("/data/public_key_base64").asText()).hasSize(44);
            assertThat(key.toString()).doesNotContain("PRIVATE KEY");
            Path publicFile = Path.of(key.at("/data/public_key_file").asText());
            Path privateFile = Path.of(key.at("/data/private_key_file").asText());
            assertThat(Files.readString(publicFile)).isEqualTo(pem);
            for (Path f : new Path[] {publicFile, privateFile}) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
            }

            JsonNode own = h.post("/v1/key/query", "{\"party_id\": 9999}");
            assertThat(own.get("retcode").asInt()).isZero();
            assertThat(own.get("data").asText()).isEqualTo(pem);
            JsonNode secret = h.post("/v1/key/query", "{\"party_id\": \"9999\", \"key_name\": \"private\"}");
            assertThat(secret.get("retcode").asInt()).isEqualTo(108);
            assertThat(secret.get("retmsg").asText()).contains("never served");
            assertThat(secret.toString()).doesNotContain("BEGIN");

            site.restart();
            JsonNode again = site.http().post("/v1/site/key", "{}");
            assertThat(again.at("/data/public_key").asText()).isEqualTo(pem);
        } finally {
            site.stop();
        }
    }

    @Test
    void addsQueriesAndDeletesPeersOverJsonAndGrpc() throws IOException {
        SiteKeys host = peerKeys("host");
        // As a FATE-style client sends it: a numeric party id and a client-only key that must be ignored.
        JsonNode added = node.http().post("/v1/site/peer/add", Map.of("party_id", 10000, "host", "10.0.0.2",
                "port", "9360", "public_key", host.publicKeyPem(), "tls", true, "conf_path", "/tmp/peer.json"));
        assertThat(added.get("retcode").asInt()).as(added.toString()).isZero();
        assertThat(added.at("/data/tls").asBoolean()).isTrue();

        JsonNode one = node.http().post("/v1/site/peer/query", "{\"party_id\": \"10000\"}");
        assertThat(one.at("/data/0/host").asText()).isEqualTo("10.0.0.2");
        assertThat(one.at("/data/0/port").asInt()).isEqualTo(9360);
        assertThat(node.node().peers().find("10000")).get().extracting(Peer::key)
                .satisfies(k -> assertThat(k.getEncoded()).isEqualTo(host.publicKey().getEncoded()));

        SiteKeys arbiter = peerKeys("arbiter");
        var viaGrpc = grpc.addPeer(PeerRequest.newBuilder().setPartyId("10001").setHost("localhost").setPort(9361)
                .setPublicKey(arbiter.publicKeyBase64()).build());
        assertThat(viaGrpc.getRetcode()).isZero();
        var all = grpc.queryPeers(PeerRequest.getDefaultInstance());
        assertThat(all.getData().getListValue().getValuesList())
                .extracting(v -> v.getStructValue().getFieldsOrThrow("party_id").getStringValue())
                .contains("10000", "10001");
        assertThat(Files.readString(node.config().peersFile())).contains("\"10000\"", "\"10001\"", "10.0.0.2");

        assertThat(grpc.deletePeer(PeerRequest.newBuilder().setPartyId("10001").build()).getRetcode()).isZero();
        var gone = catchThrowableOfType(StatusRuntimeException.class,
                () -> grpc.queryPeers(PeerRequest.newBuilder().setPartyId("10001").build()));
        assertThat(gone.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(gone.getTrailers().get(RetCode.TRAILER)).isEqualTo("101");
        assertThat(gone.getStatus().getDescription()).contains("10001", "not a peer");
        JsonNode again = node.http().post("/v1/site/peer/delete", "{\"party_id\": \"10001\"}");
        assertThat(again.get("retcode").asInt()).isEqualTo(101);
    }

    @Test
    void fateKeyCallsReplaceQueryAndDeleteAPeersKey() {
        SiteKeys first = peerKeys("first");
        SiteKeys second = peerKeys("second");
        JsonNode unknown = node.http().post("/v1/key/public/save", Map.of("party_id", "10010", "key", first.publicKeyPem(),
                "conf_path", "/home/me/key.json"));
        assertThat(unknown.get("retcode").asInt()).isEqualTo(101);
        assertThat(unknown.get("retmsg").asText()).contains("not a peer", "/v1/site/peer/add");

        assertThat(add(node.http(), "10010", first).get("retcode").asInt()).isZero();
        JsonNode saved = node.http().post("/v1/key/public/save", Map.of("party_id", "10010", "key", second.publicKeyPem(),
                "conf_path", "/home/me/key.json"));
        assertThat(saved.get("retcode").asInt()).as(saved.toString()).isZero();
        assertThat(saved.at("/data/host").asText()).as("the route is kept").isEqualTo("127.0.0.1");
        JsonNode queried = node.http().post("/v1/key/query", "{\"party_id\": \"10010\"}");
        assertThat(queried.get("data").asText()).isEqualTo(second.publicKeyPem());
        var refused = catchThrowableOfType(StatusRuntimeException.class, () -> grpc.queryKey(
                KeyRequest.newBuilder().setPartyId("10010").setKeyName("private").build()));
        assertThat(refused.getTrailers().get(RetCode.TRAILER)).isEqualTo("108");

        JsonNode ownKey = node.http().post("/v1/key/public/save", Map.of("party_id", "9999", "key", second.publicKeyPem()));
        assertThat(ownKey.get("retcode").asInt()).isEqualTo(101);
        assertThat(ownKey.get("retmsg").asText()).contains("this site");

        JsonNode deleted = node.http().post("/v1/key/public/delete", "{\"party_id\": \"10010\", \"conf_path\": \"x\"}");
        assertThat(deleted.get("retcode").asInt()).isZero();
        assertThat(node.node().peers().find("10010")).isEmpty();
        assertThat(node.http().post("/v1/key/query", "{\"party_id\": \"10010\"}").get("retcode").asInt()).isEqualTo(101);
    }

    @Test
    void reloadsAHandEditedTableAndRefusesAMalformedOneKeepingTheOld() throws IOException {
        // A node of its own: the test rewrites its peers file.
        TestNode site = TestNode.builder("9999").build().start();
        try {
            Node own = site.node();
            FlowHttp h = site.http();
            Path file = own.config().peersFile();
            SiteKeys guest = peerKeys("guest");
            Files.writeString(file, """
                    {"10020": {"host": "192.168.1.20", "port": 9370, "public_key": "%s"}}
                    """.formatted(guest.publicKeyBase64()));
            JsonNode reloaded = h.post("/v1/site/peer/reload", "{}");
            assertThat(reloaded.get("retcode").asInt()).as(reloaded.toString()).isZero();
            assertThat(reloaded.get("retmsg").asText()).contains("1 peer");
            assertThat(h.post("/v1/site/peer/query", "{}").at("/data/0/host").asText()).isEqualTo("192.168.1.20");

            Files.writeString(file, "{\"10020\": {\"host\": \"192.168.1.20\",");
            JsonNode broken = h.post("/v1/site/peer/reload", "{}");
            assertThat(broken.get("retcode").asInt()).isEqualTo(102);
            assertThat(broken.get("retmsg").asText()).contains("not JSON", "unchanged");

            Files.writeString(file, """
                    {"10020": {"host": "192.168.1.20", "port": 99999, "public_key": "%s"}}
                    """.formatted(guest.publicKeyBase64()));
            JsonNode badPort = grpcOf(own, s -> s.reloadPeers(SiteKeyRequest.getDefaultInstance()));
            assertThat(badPort.get("retmsg").asText()).contains("port of party 10020", "99999");

            JsonNode kept = h.post("/v1/site/peer/query", "{}");
            assertThat(kept.at("/data/0/port").asInt()).as("the table in force stays").isEqualTo(9370);
            assertThat(own.peers().find("10020")).isPresent();
        } finally {
            site.stop();
        }
    }

    /** A gRPC call expected to fail, reduced to the retcode and message the JSON side would show. */
    private static JsonNode grpcOf(Node on, Consumer<SiteServiceGrpc.SiteServiceBlockingStub> call) {
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", on.httpPort()).usePlaintext().build();
        try {
            var e = catchThrowableOfType(StatusRuntimeException.class, () -> call.accept(SiteServiceGrpc.newBlockingStub(c)));
            assertThat(e).as("the call fails").isNotNull();
            return FlowHttp.JSON.createObjectNode()
                    .put("retcode", Integer.parseInt(e.getTrailers().get(RetCode.TRAILER)))
                    .put("retmsg", e.getStatus().getDescription());
        } finally {
            c.shutdownNow();
        }
    }

    @Test
    void refusesBadPartyIdsPortsHostsAndKeys() throws Exception {
        String key = peerKeys("k").publicKeyPem();
        assertRefused(Map.of("party_id", "guest", "host", "h", "port", 9360, "public_key", key), "party_id", "digits");
        assertRefused(Map.of("host", "h", "port", 9360, "public_key", key), "missing", "party_id");
        assertRefused(Map.of("party_id", "10030", "host", "h", "port", 0, "public_key", key), "port", "65535");
        assertRefused(Map.of("party_id", "10030", "host", "h", "port", 70000, "public_key", key), "port", "70000");
        assertRefused(Map.of("party_id", "10030", "host", "h", "port", "ninety", "public_key", key), "port");
        assertRefused(Map.of("party_id", "10030", "port", 9360, "public_key", key), "host");
        assertRefused(Map.of("party_id", "10030", "host", "h", "port", 9360), "public_key", "missing");
        assertRefused(Map.of("party_id", "10030", "host", "h", "port", 9360, "public_key", "not-a-key"),
                "Ed25519");
        assertRefused(Map.of("party_id", "10030", "host", "h", "port", 9360,
                "public_key", Base64.getEncoder().encodeToString(new byte[16])), "32 bytes");
        // A FATE site's RSA key in PEM: readable, but not the kind of key Fedflow signs with.
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        String rsaPem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(rsa.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        assertRefused(Map.of("party_id", "10030", "host", "h", "port", 9360, "public_key", rsaPem), "not an Ed25519");
        // Given as a peer's key (FATE's key save), the same says what it is: a FATE-Flow site's key
        for (String fateKey : List.of(rsaPem, rsaPem.replace("PUBLIC KEY", "RSA PUBLIC KEY"))) {
            JsonNode saved = node.http().post("/v1/key/public/save", Map.of("party_id", "10030", "key", fateKey));
            assertThat(saved.get("retcode").asInt()).as(saved.toString()).isEqualTo(107);
            assertThat(saved.get("retmsg").asText()).contains("RSA key", "FATE-Flow site", "Ed25519");
        }
        assertRefused(Map.of("party_id", "10030", "host", "h", "port", 9360,
                "public_key", "-----BEGIN PUBLIC KEY-----\n%%%\n-----END PUBLIC KEY-----\n"), "Ed25519");
        assertRefused(Map.of("party_id", "9999", "host", "h", "port", 9360, "public_key", key), "this site");
        assertThat(node.node().peers().find("10030")).isEmpty();

        JsonNode keyName = node.http().post("/v1/key/query", "{\"party_id\": \"9999\", \"key_name\": \"secret\"}");
        assertThat(keyName.get("retcode").asInt()).isEqualTo(101);
        assertThat(keyName.get("retmsg").asText()).contains("key_name");
        JsonNode noKey = node.http().post("/v1/key/public/save", "{\"party_id\": \"10030\"}");
        assertThat(noKey.get("retcode").asInt()).isEqualTo(101);
        assertThat(noKey.get("retmsg").asText()).contains("key");
    }

    private static void assertRefused(Map<String, Object> body, String... inMessage) {
        JsonNode r = node.http().post("/v1/site/peer/add", body);
        assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(101);
        assertThat(r.get("retmsg").asText()).contains(inMessage);
    }
}
