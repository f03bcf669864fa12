package io.fedflow.node.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteHeaders;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.auth.site.SiteMac;
import io.fedflow.auth.site.SiteMacKeys;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.PartyServiceGrpc;
import io.fedflow.proto.v1.PingReply;
import io.fedflow.proto.v1.PingRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * Site calls made by hand with a raw grpc-java client (no Fedflow code on the wire path): PartyService/Ping
 * signed with any key, source, destination and clock, so that a test can replay or forge one.
 */
public final class SignedCalls {
    public static final String PING = PartyServiceGrpc.getPingMethod().getFullMethodName();

    private SignedCalls() {}

    public static ManagedChannel open(int sitePort) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", sitePort).usePlaintext().build();
    }

    public static PingRequest ping(String text) {
        return PingRequest.newBuilder().setPayload(ByteString.copyFromUtf8(text)).build();
    }

    public static SiteHeaders sign(SiteKeys keys, String source, String destination, Clock clock,
                                   PingRequest request) {
        return new SiteCallSigner(source, keys.signer(), clock, new SecureRandom())
                .headersFor(PING, destination, request.toByteArray());
    }

    /**
     * Ping headers MAC'd with the key {@code source} (private key in {@code keys}) shares with {@code destination}
     * (public key {@code destinationKey}), as a site running {@code --site-call-auth mac} makes them.
     */
    public static SiteHeaders mac(SiteKeys keys, String source, String destination,
                                  Ed25519PublicKeyParameters destinationKey, Clock clock, PingRequest request) {
        byte[] key = SiteMacKeys.derive(source, keys.privateKey(), destination, destinationKey);
        return macWith(key, source, destination, clock, request);
    }

    /** Ping headers MAC'd with {@code key}, whatever pair it belongs to. */
    public static SiteHeaders macWith(byte[] key, String source, String destination, Clock clock,
                                      PingRequest request) {
        return new SiteCallSigner(source, r -> {
            throw new AssertionError("a MAC'd call is not signed");
        }, r -> Optional.of(SiteMac.of(key, r)), clock, new SecureRandom())
                .headersFor(PING, destination, request.toByteArray());
    }

    /** Ping over {@code channel} with {@code headers} (none when null) exactly as given. */
    public static PingReply call(ManagedChannel channel, SiteHeaders headers, PingRequest request) {
        Metadata md = new Metadata();
        if (headers != null) {
            for (Map.Entry<String, String> h : headers.asMap().entrySet()) {
                md.put(Metadata.Key.of(h.getKey(), Metadata.ASCII_STRING_MARSHALLER), h.getValue());
            }
        }
        return PartyServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                .withDeadlineAfter(10, TimeUnit.SECONDS).ping(request);
    }

    /** The call is refused as the site port refuses an unauthenticated call: status, retcode 109, message. */
    public static void assertRefused(Runnable call, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("109");
            assertThat(e.getStatus().getDescription()).containsIgnoringCase(messagePart);
        });
    }
}
