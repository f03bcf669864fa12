package io.fedflow.node.server;

import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import io.fedflow.node.wire.SiteMessages;
import io.grpc.ServerServiceDefinition;
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
        ServerBuilder sb = Server.builder();
        sb.port(new InetSocketAddress(host, port), tls == null ? SessionProtocol.HTTP
                : SessionProtocol.HTTPS);
        if (tls != null) {
            tls.accept(sb);
        }
        var grpc = GrpcService.builder();
        services.forEach(grpc::addService);
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
