package io.fedflow.node.federation;

import io.fedflow.auth.site.SiteHeaders;
import io.fedflow.auth.site.SiteVerifier;
import io.fedflow.auth.site.Verdict;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies every inbound site call before the service sees it. It runs over the raw request bytes
 * ({@link #protect} re-binds the service so that messages reach this interceptor unparsed), so the
 * SHA-256 in the signature is checked against exactly what came over the wire. The first message is
 * the signed one; the service is only started once it verified, with the caller's party in the
 * {@link #SOURCE_PARTY} context key.
 */
public final class SiteVerifyingInterceptor implements ServerInterceptor {
    private static final Logger logger = LoggerFactory.getLogger(SiteVerifyingInterceptor.class);

    /** The verified calling party, for the service. */
    public static final Context.Key<String> SOURCE_PARTY = Context.key("fedflow-site-source-party");

    private final Supplier<SiteVerifier> verifier;
    private final MeterRegistry meters;

    /**
     * {@code verifier} is asked per call: the site authentication hook in force may change. Refusals are
     * counted in {@code meters} by reason ({@code fedflow.site.refusals}).
     */
    public SiteVerifyingInterceptor(Supplier<SiteVerifier> verifier, MeterRegistry meters) {
        this.verifier = verifier;
        this.meters = meters;
    }

    /** Counting refusals nowhere (benchmarks). */
    public SiteVerifyingInterceptor(Supplier<SiteVerifier> verifier) {
        this(verifier, new SimpleMeterRegistry());
    }

    private void countRefusal(String reason) {
        Counter.builder("fedflow.site.refusals").description("Inbound site calls refused, by reason")
                .tag("reason", reason).register(meters).increment();
    }

    /** {@code service} with every call verified by this interceptor first. */
    public ServerServiceDefinition protect(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(RawMessages.rawRequests(service), this);
    }

    /** The verified source party of the current call. */
    public static String sourceParty() {
        String party = SOURCE_PARTY.get();
        if (party == null) {
            throw new IllegalStateException("not inside a verified site call");
        }
        return party;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        SiteHeaders site = SiteMetadata.read(headers);
        String method = call.getMethodDescriptor().getFullMethodName();
        call.request(1);
        return (ServerCall.Listener<ReqT>) new ServerCall.Listener<byte[]>() {
            private ServerCall.Listener<byte[]> service;
            private boolean closed;

            @Override
            public void onMessage(byte[] message) {
                if (closed) {
                    return;
                }
                if (service == null) {
                    Verdict verdict;
                    try {
                        verdict = verifier.get().verify(site, method, message);
                    } catch (RuntimeException e) {
                        logger.warn("site verification of {} failed", method, e);
                        countRefusal("verification_error");
                        throw refusal(RetCode.EXCEPTION_ERROR.code(), FailureKind.INTERNAL,
                                "site verification failed: " + e.getMessage());
                    }
                    if (!verdict.accepted()) {
                        logger.info("refused site call {} from {}: {}", method, site.sourceParty(), verdict.message());
                        countRefusal(verdict.refusal().name().toLowerCase(Locale.ROOT));
                        throw refusal(verdict.retcode(), FailureKind.UNAUTHENTICATED, verdict.message());
                    }
                    Context ctx = Context.current().withValue(SOURCE_PARTY, site.sourceParty());
                    service = Contexts.interceptCall(ctx, (ServerCall<byte[], RespT>) call, headers,
                            (ServerCallHandler<byte[], RespT>) next);
                }
                service.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (service != null) {
                    service.onHalfClose();
                } else if (!closed) {
                    countRefusal("no_message");
                    throw refusal(RetCode.AUTHENTICATION_ERROR.code(), FailureKind.UNAUTHENTICATED,
                            "site request " + method + " carries no message to verify");
                }
            }

            @Override
            public void onCancel() {
                if (service != null) {
                    service.onCancel();
                }
            }

            @Override
            public void onComplete() {
                if (service != null) {
                    service.onComplete();
                }
            }

            @Override
            public void onReady() {
                if (service != null) {
                    service.onReady();
                }
            }

            /** The call ends refused: the site port's error handler answers the status and the retcode. */
            private FlowException refusal(int retcode, FailureKind kind, String message) {
                closed = true;
                return FlowException.withRetcode(retcode, kind, message);
            }
        };
    }
}
