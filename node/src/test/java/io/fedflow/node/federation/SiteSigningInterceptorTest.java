package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.server.Server;
import io.fedflow.auth.replay.InMemoryReplayGuard;
import io.fedflow.auth.site.PeerKeys;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.auth.site.SiteVerifier;
import io.fedflow.node.server.SiteServer;
import io.fedflow.proto.v1.PartyServiceGrpc.PartyServiceBlockingStub;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signing client over a real site server behind the verifying interceptor: what goes over the wire is the
 * message the signature was made over, serialized once.
 */
class SiteSigningInterceptorTest {
    private static final String CALLER = "9999";
    private static final String CALLEE = "10000";

    /**
     * Writes a different text at each serialization ("hello#1", "hello#2"...), so a client that serialized the
     * message once to sign it and once more to send it would send bytes other than those it signed.
     */
    private static final MethodDescriptor.Marshaller<String> COUNTING = new MethodDescriptor.Marshaller<>() {
        private final AtomicInteger serializations = new AtomicInteger();

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream((value + "#" + serializations.incrementAndGet())
                    .getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static final MethodDescriptor.Marshaller<String> PLAIN = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            return COUNTING.parse(stream);
        }
    };

    private static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("fedflow.test.Echo", "Echo"))
            .setRequestMarshaller(COUNTING)
            .setResponseMarshaller(PLAIN)
            .build();

    @TempDir
    Path dir;

    private SiteKeys callerKeys;
    private Server server;

    @BeforeEach
    void startCallee() {
        callerKeys = SiteKeys.loadOrCreate(dir.resolve("caller"));
        SiteVerifier verifier = new SiteVerifier(CALLEE, PeerKeys.of(Map.of(CALLER, callerKeys.publicKey())),
                new InMemoryReplayGuard(Clock.systemUTC()), Clock.systemUTC());
        // The echo answers the request as it parsed it, so the test sees the text that went over the wire.
        ServerServiceDefinition echo = ServerServiceDefinition.builder("fedflow.test.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((String request, StreamObserver<String> out) -> {
                    out.onNext(request);
                    out.onCompleted();
                }))
                .build();
        server = SiteServer.build("127.0.0.1", 0, List.of(new SiteVerifyingInterceptor(() -> verifier).protect(echo)),
                null);
        server.start().join();
    }

    @AfterEach
    void stopCallee() {
        server.stop().join();
    }

    @Test
    void theSignedBytesAreTheBytesSent() {
        String reply = ClientCalls.blockingUnaryCall(signedChannel(CALLER, callerKeys), ECHO,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hello");

        // Accepted (the signature verified over the bytes that arrived), and serialized exactly once.
        assertThat(reply).matches("hello#\\d+");
    }

    @Test
    void aCallSignedWithAnotherKeyIsStillRefused() {
        SiteKeys other = SiteKeys.loadOrCreate(dir.resolve("other"));

        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(signedChannel(CALLER, other), ECHO,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hello"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).contains("does not verify");
                });
    }

    /** A site client of the callee signing as {@code party} with {@code keys}: a stub's intercepted channel. */
    private Channel signedChannel(String party, SiteKeys keys) {
        return GrpcClients.builder("http://127.0.0.1:" + server.activeLocalPort())
                .intercept(new SiteSigningInterceptor(new SiteCallSigner(party, keys.signer()), CALLEE))
                .build(PartyServiceBlockingStub.class)
                .getChannel();
    }
}
