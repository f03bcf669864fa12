package io.fedflow.node.federation;

import static io.fedflow.node.testing.SignedCalls.assertRefused;
import static io.fedflow.node.testing.SignedCalls.call;
import static io.fedflow.node.testing.SignedCalls.open;
import static io.fedflow.node.testing.SignedCalls.ping;
import static io.fedflow.node.testing.SignedCalls.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteHeaders;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.PartyServiceGrpc;
import io.fedflow.proto.v1.PartyStopJobRequest;
import io.fedflow.proto.v1.PingReply;
import io.fedflow.proto.v1.PingRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A raw grpc-java client (no Fedflow code on the wire path) against a node's site port: every way of
 * getting a site call wrong is refused with UNAUTHENTICATED and retcode 109 before the service runs.
 */
class SiteCallSecurityTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().partyId("10000").build();
    static SiteKeys callerKeys;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        callerKeys = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-caller-keys"));
        node.node().peers().put(new Peer("7777", "127.0.0.1", 1, callerKeys.publicKeyBase64(), false));
        channel = open(node.sitePort());
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aProperlySignedCallIsServed() {
        PingRequest r = ping("hello");
        PingReply reply = call(channel, sign(callerKeys, "7777", "10000", Clock.systemUTC(), r), r);
        assertThat(reply.getPartyId()).isEqualTo("10000");
        assertThat(reply.getPayload().toStringUtf8()).isEqualTo("hello");
    }

    @Test
    void aSignedCallWithANulOrAControlCharacterInAnIdIsRefusedBeforeAnyQuery() {
        String stop = PartyServiceGrpc.getStopJobMethod().getFullMethodName();
        for (String jobId : List.of("2026\u0000x", "2026\nx")) {
            PartyStopJobRequest r = PartyStopJobRequest.newBuilder().setJobId(jobId).setStopStatus("canceled").build();
            SiteHeaders headers = new SiteCallSigner("7777", callerKeys.signer(), Clock.systemUTC(), new SecureRandom())
                    .headersFor(stop, "10000", r.toByteArray());
            Metadata md = new Metadata();
            headers.asMap().forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
            assertThatThrownBy(() -> PartyServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                    .withDeadlineAfter(10, TimeUnit.SECONDS).stopJob(r))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("101");
                        assertThat(e.getStatus().getDescription()).contains("job_id");
                    });
        }
    }

    @Test
    void anUnsignedCallIsRefused() {
        assertRefused(() -> call(channel, null, ping("x")), "no site signature");
    }

    @Test
    void aCallFromAnUnknownPartyIsRefused() throws Exception {
        SiteKeys stranger = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-stranger"));
        PingRequest r = ping("x");
        assertRefused(() -> call(channel, sign(stranger, "8888", "10000", Clock.systemUTC(), r), r), "8888");
    }

    @Test
    void aCallSignedByAnotherKeyIsRefused() throws Exception {
        SiteKeys forger = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-forger"));
        PingRequest r = ping("x");
        assertRefused(() -> call(channel, sign(forger, "7777", "10000", Clock.systemUTC(), r), r), "7777");
    }

    @Test
    void aBodyChangedAfterSigningIsRefused() {
        SiteHeaders signed = sign(callerKeys, "7777", "10000", Clock.systemUTC(), ping("pay 1"));
        assertRefused(() -> call(channel, signed, ping("pay 1000")), "7777");
    }

    @Test
    void aCallForAnotherPartyIsRefused() {
        PingRequest r = ping("x");
        assertRefused(() -> call(channel, sign(callerKeys, "7777", "12345", Clock.systemUTC(), r), r),
                "addressed to party 12345");
    }

    @Test
    void aStaleTimestampIsRefused() {
        PingRequest r = ping("x");
        Clock sixMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-6));
        assertRefused(() -> call(channel, sign(callerKeys, "7777", "10000", sixMinutesAgo, r), r), "away from");
    }

    @Test
    void aReplayIsRefusedEvenAfterTheNodeRestarts() throws Exception {
        PingRequest r = ping("once");
        SiteHeaders signed = sign(callerKeys, "7777", "10000", Clock.systemUTC(), r);
        assertThat(call(channel, signed, r).getPayload().toStringUtf8()).isEqualTo("once");
        assertRefused(() -> call(channel, signed, r), "replay");

        PingRequest r2 = ping("twice");
        SiteHeaders signed2 = sign(callerKeys, "7777", "10000", Clock.systemUTC(), r2);
        assertThat(call(channel, signed2, r2).getPayload().toStringUtf8()).isEqualTo("twice");
        // the nonce store is in PostgreSQL: a restarted node still knows the nonce
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        node.site().restart();
        channel = open(node.sitePort());
        assertRefused(() -> call(channel, signed2, r2), "replay");
    }
}
