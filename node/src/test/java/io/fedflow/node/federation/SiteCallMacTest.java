package io.fedflow.node.federation;

import static io.fedflow.node.testing.SignedCalls.assertRefused;
import static io.fedflow.node.testing.SignedCalls.call;
import static io.fedflow.node.testing.SignedCalls.mac;
import static io.fedflow.node.testing.SignedCalls.macWith;
import static io.fedflow.node.testing.SignedCalls.open;
import static io.fedflow.node.testing.SignedCalls.ping;
import static io.fedflow.node.testing.SignedCalls.sign;
import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.auth.site.SiteHeaders;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.auth.site.SiteMacKeys;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.v1.PingReply;
import io.fedflow.proto.v1.PingRequest;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Site calls authenticated by the pairwise MAC ({@code --site-call-auth mac}) against a real node's site port
 * with a raw grpc-java client: a MAC'd call is served, and every way of getting one wrong is refused with
 * UNAUTHENTICATED and retcode 109 before the service runs.
 */
class SiteCallMacTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().partyId("10000").build();
    static SiteKeys callerKeys;
    static Ed25519PublicKeyParameters nodeKey;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        callerKeys = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-mac-caller"));
        node.node().peers().put(new Peer("7777", "127.0.0.1", 1, callerKeys.publicKeyBase64(), false));
        nodeKey = node.node().siteKeys().publicKey();
        channel = open(node.sitePort());
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static SiteHeaders macd(PingRequest r) {
        return mac(callerKeys, "7777", "10000", nodeKey, Clock.systemUTC(), r);
    }

    @Test
    void aMacdCallIsServed() {
        PingRequest r = ping("hello");
        SiteHeaders headers = macd(r);
        assertThat(headers.signature()).isNull();
        PingReply reply = call(channel, headers, r);
        assertThat(reply.getPartyId()).isEqualTo("10000");
        assertThat(reply.getPayload().toStringUtf8()).isEqualTo("hello");
    }

    @Test
    void aSignedCallIsStillServedByANodeInMacMode() {
        assertThat(node.node().config().siteCallAuth().flagValue()).isEqualTo("mac");
        PingRequest r = ping("signed");
        assertThat(call(channel, sign(callerKeys, "7777", "10000", Clock.systemUTC(), r), r).getPayload()
                .toStringUtf8()).isEqualTo("signed");
    }

    @Test
    void aForgedMacIsRefused() {
        PingRequest r = ping("x");
        SiteHeaders genuine = macd(r);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        SiteHeaders forged = new SiteHeaders(genuine.sourceParty(), genuine.destinationParty(), genuine.timestamp(),
                genuine.nonce(), null, Base64.getEncoder().encodeToString(random));
        assertRefused(() -> call(channel, forged, r), "MAC of party 7777 does not verify");
    }

    @Test
    void aMacMadeWithAnotherPairsKeyIsRefused() throws Exception {
        // 7777's own key, but the key it shares with another site: not valid between 7777 and 10000.
        SiteKeys other = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-mac-other"));
        byte[] otherPair = SiteMacKeys.derive("7777", callerKeys.privateKey(), "10001", other.publicKey());
        PingRequest r = ping("x");
        assertRefused(() -> call(channel, macWith(otherPair, "7777", "10000", Clock.systemUTC(), r), r),
                "MAC of party 7777 does not verify");
        // a third site that knows the node's public key cannot make 7777's key either
        SiteKeys forger = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-mac-forger"));
        assertRefused(() -> call(channel, mac(forger, "7777", "10000", nodeKey, Clock.systemUTC(), r), r),
                "MAC of party 7777 does not verify");
    }

    @Test
    void aBodyChangedAfterTheMacIsRefused() {
        SiteHeaders headers = macd(ping("pay 1"));
        assertRefused(() -> call(channel, headers, ping("pay 1000")), "MAC of party 7777 does not verify");
    }

    @Test
    void aReplayedMacdCallIsRefused() {
        PingRequest r = ping("once");
        SiteHeaders headers = macd(r);
        assertThat(call(channel, headers, r).getPayload().toStringUtf8()).isEqualTo("once");
        assertRefused(() -> call(channel, headers, r), "replay");
    }

    @Test
    void aReplayedMacdCallIsRefusedEvenAfterTheNodeRestarts() throws Exception {
        PingRequest r = ping("before the restart");
        SiteHeaders headers = macd(r);
        assertThat(call(channel, headers, r).getPayload().toStringUtf8()).isEqualTo("before the restart");
        // Accepted in memory and written in a later batch: the restarted node reads it back from PostgreSQL
        // (and derives the pair's MAC key anew), so the same call is still a replay.
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        node.site().restart();
        channel = open(node.sitePort());
        assertRefused(() -> call(channel, headers, r), "replay");
        // and the restarted node serves a fresh MAC'd call
        PingRequest fresh = ping("after the restart");
        assertThat(call(channel, macd(fresh), fresh).getPayload().toStringUtf8()).isEqualTo("after the restart");
    }

    @Test
    void aStaleMacdCallIsRefused() {
        PingRequest r = ping("x");
        Clock sixMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-6));
        assertRefused(() -> call(channel, mac(callerKeys, "7777", "10000", nodeKey, sixMinutesAgo, r), r),
                "away from");
    }

    @Test
    void aMacdCallFromAnUnknownPartyIsRefused() throws Exception {
        SiteKeys stranger = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-mac-stranger"));
        PingRequest r = ping("x");
        assertRefused(() -> call(channel, mac(stranger, "8888", "10000", nodeKey, Clock.systemUTC(), r), r),
                "unknown source party 8888");
    }

    @Test
    void aMacdCallForAnotherPartyIsRefused() {
        PingRequest r = ping("x");
        assertRefused(() -> call(channel, mac(callerKeys, "7777", "12345", nodeKey, Clock.systemUTC(), r), r),
                "addressed to party 12345");
    }

    @Test
    void aCallOfTheNodeToItsPeerReflectedBackToTheNodeIsRefused() {
        // The pair's key is symmetric, so the node's own call to 7777 carries a MAC the node could check;
        // what refuses it is the pair's order in the MAC'd string. The test holds 7777's key, so it makes
        // exactly the call the node would send to 7777.
        PingRequest r = ping("x");
        SiteHeaders nodeTo7777 = mac(callerKeys, "10000", "7777", nodeKey, Clock.systemUTC(), r);
        assertRefused(() -> call(channel, nodeTo7777, r), "addressed to party 7777");
        // with source and destination swapped to look like 7777's call to the node, the MAC no longer matches
        SiteHeaders swapped = new SiteHeaders("7777", "10000", nodeTo7777.timestamp(), nodeTo7777.nonce(), null,
                nodeTo7777.mac());
        assertRefused(() -> call(channel, swapped, r), "MAC of party 7777 does not verify");
    }

    @Test
    void aCallCarryingBothASignatureAndAMacIsRefused() {
        PingRequest r = ping("x");
        SiteHeaders macd = macd(r);
        SiteHeaders signed = sign(callerKeys, "7777", "10000", Clock.systemUTC(), r);
        SiteHeaders both = new SiteHeaders(macd.sourceParty(), macd.destinationParty(), macd.timestamp(),
                macd.nonce(), signed.signature(), macd.mac());
        assertRefused(() -> call(channel, both, r), "both a site signature");
    }

    @Test
    void aCallCarryingNeitherIsRefusedNamingBothHeaders() {
        PingRequest r = ping("x");
        SiteHeaders macd = macd(r);
        SiteHeaders neither = new SiteHeaders(macd.sourceParty(), macd.destinationParty(), macd.timestamp(),
                macd.nonce(), null, null);
        assertRefused(() -> call(channel, neither, r), SiteHeaders.MAC);
    }

    @Test
    void aMalformedMacIsRefused() {
        PingRequest r = ping("x");
        SiteHeaders macd = macd(r);
        SiteHeaders malformed = new SiteHeaders(macd.sourceParty(), macd.destinationParty(), macd.timestamp(),
                macd.nonce(), null, "not base64!");
        assertRefused(() -> call(channel, malformed, r), "MAC of party 7777 does not verify");
    }
}
