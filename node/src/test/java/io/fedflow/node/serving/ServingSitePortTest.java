package io.fedflow.node.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.node.federation.Peer;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.PartialScoresReply;
import io.fedflow.proto.v1.PartialScoresRequest;
import io.fedflow.proto.v1.ServingSiteServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The serving site service sits behind the site port's verifying interceptor like the job protocol: an unsigned
 * call or one signed by a key that is not the caller's is refused before it reads a score; a signed one is
 * served (here: no model loaded, answered with the host's code).
 */
class ServingSitePortTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().partyId("10000").build();
    static SiteKeys callerKeys;
    static ManagedChannel channel;

    static final PartialScoresRequest REQUEST = PartialScoresRequest.newBuilder().setModelId("m").setModelVersion("v")
            .setPartyId("10000").addIds("0").build();

    @BeforeAll
    static void start() throws Exception {
        callerKeys = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-serving-caller"));
        node.node().peers().put(new Peer("7777", "127.0.0.1", 1, callerKeys.publicKeyBase64(), false));
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.sitePort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static PartialScoresReply call(SiteKeys keys) {
        Metadata md = new Metadata();
        if (keys != null) {
            new SiteCallSigner("7777", keys.signer(), Clock.systemUTC(), new SecureRandom())
                    .headersFor(ServingSiteServiceGrpc.getPartialScoresMethod().getFullMethodName(), "10000",
                            REQUEST.toByteArray())
                    .asMap().forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
        }
        return ServingSiteServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                .withDeadlineAfter(10, TimeUnit.SECONDS).partialScores(REQUEST);
    }

    static void assertRefused(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("109");
        });
    }

    @Test
    void anUnsignedCallIsRefused() {
        assertRefused(() -> call(null));
    }

    @Test
    void aCallSignedByAnotherKeyIsRefused() throws Exception {
        SiteKeys forger = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-serving-forger"));
        assertRefused(() -> call(forger));
    }

    @Test
    void aSignedCallIsServed() {
        PartialScoresReply reply = call(callerKeys);
        assertThat(reply.getRetcode()).isEqualTo(2104);
        assertThat(reply.getRetmsg()).contains("not loaded at host 10000");
    }
}
