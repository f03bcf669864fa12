package io.fedflow.node.server;

import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.common.grpc.GrpcMeterIdPrefixFunction;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import io.fedflow.node.core.Limits;
import io.fedflow.node.wire.SiteMessages;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The site port: the party services other sites call, gRPC only. No JSON, no transcoding, no
 * reflection and no docs here: peers are machines with the contract, and every call must pass the
 * signature check that the services arrive wrapped in.
 */
public final class SiteServer {
    /** A connection without a call for this long is closed; pings keep a busy one alive through NATs. */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);
    static final Duration PING_INTERVAL = Duration.ofSeconds(30);

    private SiteServer() {}

    public static Server build(String host, int port, List<ServerServiceDefinition> services,
                               Consumer<ServerBuilder> tls) {
        return build(host, port, services, tls, null, null);
    }

    /**
     * As above, each call first through {@code tracing} (the caller's trace context continued) when set, and
     * the port's requests counted in {@code meters} (by method and status, with latencies) when set.
     */
    public static Server build(String host, int port, List<ServerServiceDefinition> services,
                               Consumer<ServerBuilder> tls, ServerInterceptor tracing, MeterRegistry meters) {
        return build(host, port, services, tls, tracing, meters, Limits.DEFAULT_SITE_HTTP2_FRAME_BYTES);
    }

    /**
     * As above, advertising {@code http2FrameBytes} as the largest HTTP/2 frame this port takes: what callers
     * cut their messages into ({@link Limits#siteHttp2FrameBytes()}).
     */
    public static Server build(String host, int port, List<ServerServiceDefinition> services,
                               Consumer<ServerBuilder> tls, ServerInterceptor tracing, MeterRegistry meters,
                               int http2FrameBytes) {
        ServerBuilder sb = Server.builder();
        // A component message of a few hundred KB comes in one DATA frame, not one per 16 KiB: fewer frames
        // for the event loops to decode and hand on.
        sb.http2MaxFrameSize(http2FrameBytes);
        if (meters != null) {
            sb.meterRegistry(meters);
            sb.decorator(MetricCollectingService.newDecorator(GrpcMeterIdPrefixFunction.of("fedflow.site")));
        }
        sb.port(new InetSocketAddress(host, port), tls == null ? SessionProtocol.HTTP
                : SessionProtocol.HTTPS);
        if (tls != null) {
            tls.accept(sb);
        }
        var grpc = GrpcService.builder();
        services.forEach(grpc::addService);
        if (tracing != null) {
            grpc.intercept(tracing);
        }
        sb.service(grpc
                .exceptionHandler(new GrpcFailures())
                .useBlockingTaskExecutor(true)
                .maxRequestMessageLength(SiteMessages.MAX_BYTES)
                .maxResponseMessageLength(SiteMessages.MAX_BYTES)
                .build());
        // Callers set a deadline on every call; the transfer stream may take long for a large payload.
        sb.requestTimeout(Duration.ofMinutes(2));
        sb.routeDecorator().path("/fedflow.v1.TransferService/Send").build((delegate, ctx, req) -> {
            ctx.setMaxRequestLength(0);
            ctx.clearRequestTimeout();
            return delegate.serve(ctx, req);
        });
        sb.idleTimeout(IDLE_TIMEOUT);
        sb.pingInterval(PING_INTERVAL);
        return sb.build();
    }
}
