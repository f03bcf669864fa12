package io.fedflow.node.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.grpc.GrpcMeterIdPrefixFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;
import com.linecorp.armeria.server.docs.DocService;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.HttpJsonTranscodingOptions;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import io.fedflow.node.core.Limits;
import io.fedflow.node.wire.FateJson;
import io.fedflow.node.wire.Retmsgs;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The client port: FATE's /v1 JSON API (transcoded from the gRPC services, plus the streaming upload
 * and download endpoints), the same services over gRPC, reflection, /docs and /health.
 */
public final class FlowServer {
    /** gRPC messages are bounded; large payloads travel as streams of chunks. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /**
     * The transcoded calls clients poll, served without transcoding (see {@link DirectJsonCalls}): their
     * path and the unary method it calls.
     */
    private static final Map<String, String> DIRECT_CALLS = Map.of(
            "/v1/job/query", JobServiceGrpc.getQueryJobMethod().getFullMethodName());

    private FlowServer() {}

    /**
     * A hand-written HTTP endpoint, for what transcoding cannot express (multipart, streams, FATE's GETs
     * with a JSON body). Such routes answer without a timeout (their answers stream); their JSON body is
     * capped by {@link Limits#maxRequestBody()} (or {@code maxJsonBody} when positive) and cut when it stops
     * arriving. {@code multipartFile}: a
     * multipart body (an upload's file part) may be of any size, or up to {@code maxMultipartBody} bytes when
     * that is positive (a body so bounded is read whole before the call is authenticated, its form fields
     * signed as FATE signs them).
     */
    public record HttpRoute(HttpMethod method, String path, HttpService service,
                            boolean multipartFile, long maxMultipartBody, long maxJsonBody) {
        public HttpRoute(HttpMethod method, String path, HttpService service) {
            this(method, path, service, false, 0, 0);
        }

        public HttpRoute(HttpMethod method, String path, HttpService service, boolean multipartFile) {
            this(method, path, service, multipartFile, 0, 0);
        }

        public HttpRoute(HttpMethod method, String path, HttpService service, boolean multipartFile,
                         long maxMultipartBody) {
            this(method, path, service, multipartFile, maxMultipartBody, 0);
        }

        /** A JSON route whose body may be as large as {@code maxJsonBody} instead of the stream routes' cap. */
        public static HttpRoute sized(HttpMethod method, String path, HttpService service, long maxJsonBody) {
            return new HttpRoute(method, path, service, false, 0, maxJsonBody);
        }

        long jsonCap(Limits limits) {
            return maxJsonBody > 0 ? maxJsonBody : limits.maxRequestBody();
        }
    }

    /** The node's own health endpoints: readiness (database, scheduler) and liveness (the process answers). */
    public record Health(HttpService readiness, HttpService liveness) {}

    /** Where the port's request meters go, and what answers {@code /metrics}. */
    public record Metrics(MeterRegistry registry, HttpService scrape) {}

    /**
     * What adds itself to the port: services outside FATE's API that bring their own routes (the board's pages
     * and its JSON under {@code /board}; client authentication does not guard them, so each guards itself),
     * and port-wide settings of its own ({@link ClientAddresses}).
     */
    public interface Mount {
        void mountOn(ServerBuilder sb);
    }

    public static Server build(String host, int port, List<BindableService> services, List<HttpRoute> routes) {
        return build(host, port, services, routes, null);
    }

    /** As above, with client authentication in front of every client call when {@code clientAuthentication} is set. */
    public static Server build(String host, int port, List<BindableService> services, List<HttpRoute> routes,
                               ClientAuthentication clientAuthentication) {
        return build(host, port, services, routes, clientAuthentication, Limits.defaults(), null, null, null);
    }

    /**
     * As above, with the node's caps on request bodies; the calls to {@code services} go through
     * {@code admission} and run on its executor when it is set (otherwise on Armeria's shared blocking
     * executor), and {@code health} answers /health, /health/ready and /health/live when set (otherwise
     * Armeria's always-healthy check on /health); with {@code metrics}, every request is counted by service,
     * method and status with its latency, and /metrics answers.
     */
    public static Server build(String host, int port, List<BindableService> services, List<HttpRoute> routes,
                               ClientAuthentication clientAuthentication, Limits limits, RequestAdmission admission,
                               Health health, Metrics metrics) {
        return build(host, port, services, routes, clientAuthentication, limits, admission, health, metrics,
                List.of());
    }

    /** As above, with {@code mounts} adding their own routes to the port. */
    public static Server build(String host, int port, List<BindableService> services, List<HttpRoute> routes,
                               ClientAuthentication clientAuthentication, Limits limits, RequestAdmission admission,
                               Health health, Metrics metrics, List<Mount> mounts) {
        ServerBuilder sb = Server.builder();
        if (metrics != null) {
            sb.meterRegistry(metrics.registry());
            sb.service("/metrics", metrics.scrape());
        }
        FlowErrorHandler errors = new FlowErrorHandler(limits, routes.stream().map(HttpRoute::path)
                .filter(p -> !p.startsWith("/v1/")).collect(Collectors.toSet()));
        if (admission != null) {
            sb.blockingTaskExecutor(admission.executor(), true);
        }
        if (clientAuthentication != null) {
            sb.decorator(clientAuthentication);
        }
        sb.http(new InetSocketAddress(host, port));
        // Every call's body is counted as it arrives and refused past the cap (413); the routes below set their own.
        sb.maxRequestLength(limits.maxCallBody());
        DirectJsonCalls direct = DirectJsonCalls.of(services, DIRECT_CALLS, errors, new StringFieldChecks(),
                new JobLogInterceptor());
        GrpcService grpc = GrpcService.builder()
                .addServices(services)
                // gRPC requests get the string checks JSON requests get, before any service runs.
                .intercept(new StringFieldChecks(), new JobLogInterceptor(), new PrintedDataInterceptor())
                .enableHttpJsonTranscoding(HttpJsonTranscodingOptions.builder()
                        .errorHandler(errors::transcodingError).build())
                .jsonMarshallerFactory(sd -> new FateJsonMarshaller())
                .exceptionHandler(errors.grpc())
                // JDBC blocks; keep it off the event loop.
                .useBlockingTaskExecutor(true)
                .maxRequestMessageLength(MAX_MESSAGE_BYTES)
                .maxResponseMessageLength(MAX_MESSAGE_BYTES)
                .build();
        // A SimpleDecoratingHttpService keeps the GrpcService discoverable (reflection, /docs).
        sb.service(grpc, delegate -> new SimpleDecoratingHttpService(delegate) {
            @Override
            public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
                if (!isTranscoded(req.headers())) {
                    return admitted(ctx, req);
                }
                return HttpResponse.of(req.aggregate().thenApply(body -> {
                    // The transcoder reads bodies leniently (bad bytes become U+FFFD, what follows the JSON is
                    // dropped): check the bytes as sent first.
                    ObjectNode json;
                    boolean nothing;
                    String fileName;
                    AggregatedHttpRequest sent = body;
                    try {
                        json = FateJson.parseObjectBody(body.content().array());
                        nothing = json.isEmpty();
                        fileName = FileForms.requested(req.path(), json);
                        ObjectNode reshaped = FateBodies.reshape(req.path(), json);
                        if (reshaped != json) {
                            sent = AggregatedHttpRequest.of(body.headers(), HttpData.ofUtf8(reshaped.toString()));
                        }
                    } catch (RuntimeException e) {
                        return HttpResponse.ofFailure(e);
                    }
                    if (fileName == null && sent == body && direct.serves(req.path())) {
                        try {
                            // The body already parsed is the one the call reads.
                            ObjectNode parsed = json;
                            return admission == null ? direct.serve(ctx, req.path(), parsed)
                                    : admission.serve((c, r) -> direct.serve(c, req.path(), parsed), ctx, req);
                        } catch (Exception e) {
                            return HttpResponse.ofFailure(e);
                        }
                    }
                    try {
                        // An empty object stands for no body (and for `null`, which FATE reads as none).
                        HttpResponse answer = admitted(ctx, (nothing ? AggregatedHttpRequest.of(body.headers())
                                : sent).toHttpRequest(asJson(req.headers())));
                        return fileName == null ? answer
                                : HttpResponse.of(answer.aggregate().thenApply(a -> FileForms.toFile(a, fileName)));
                    } catch (Exception e) {
                        return HttpResponse.ofFailure(e);
                    }
                }));
            }

            /** Through admission control when the node has it: bounded threads, a bounded queue. */
            private HttpResponse admitted(ServiceRequestContext ctx, HttpRequest req) throws Exception {
                return admission == null ? unwrap().serve(ctx, req)
                        : admission.serve((HttpService) unwrap(), ctx, req);
            }
        });
        // Armeria duplicates reflection answers unless reflection runs on its own blocking service.
        sb.service(GrpcService.builder().addService(ProtoReflectionServiceV1.newInstance())
                .useBlockingTaskExecutor(true).build());
        Duration idle = limits.streamIdleTimeout();
        for (HttpRoute r : routes) {
            // Armeria counts the body as it arrives and fails the call past the cap, whoever reads it (client
            // authentication aggregates JSON bodies too): a JSON body is never held beyond the cap. A route
            // taking a multipart file has no cap of its own (Armeria would refuse a large Content-Length
            // before any decorator ran): its decorator, which runs before client authentication (added
            // later, so outer), sets the cap unless the body is multipart.
            sb.route().methods(r.method()).path(r.path())
                    .maxRequestLength(r.multipartFile() ? 0 : r.jsonCap(limits))
                    .requestTimeoutMillis(0)
                    // Streams last as long as the client takes: on the shared pool, never holding a request thread.
                    .blockingTaskExecutor(CommonPools.blockingTaskExecutor(), false)
                    .build(r.service());
            sb.routeDecorator().methods(r.method()).path(r.path()).build((delegate, ctx, req) -> {
                MediaType type = req.contentType();
                if (r.multipartFile() && (type == null || !type.isMultipart())) {
                    ctx.setMaxRequestLength(limits.maxRequestBody()); // the service caps the non-file parts
                } else if (r.multipartFile() && r.maxMultipartBody() > 0) {
                    ctx.setMaxRequestLength(r.maxMultipartBody());
                }
                return delegate.serve(ctx, IdleWatch.watch(ctx, req, idle));
            });
        }
        // The gRPC streams carry whole files too: without this, Armeria's 10 MiB request cap ends any upload
        // past 10 MiB and its 10 s request timeout any long transfer. Each message stays capped at MAX_MESSAGE_BYTES.
        // An upload stream that stops sending is cut after the idle timeout; it only holds a spool file until
        // its end, when the load runs.
        sb.routeDecorator().path("/fedflow.v1.DataService/Upload").build((delegate, ctx, req) -> {
            ctx.setMaxRequestLength(0);
            ctx.clearRequestTimeout();
            return delegate.serve(ctx, IdleWatch.watch(ctx, req, idle));
        });
        sb.routeDecorator().path("/fedflow.v1.DataService/DownloadStream").build(FlowServer::unboundedTransfer);
        sb.serviceUnder("/docs", DocService.builder().build());
        mounts.forEach(m -> m.mountOn(sb));
        if (health == null) {
            sb.service("/health", HealthCheckService.builder().build());
        } else {
            sb.service("/health", health.readiness());
            sb.service("/health/ready", health.readiness());
            sb.service("/health/live", health.liveness());
        }
        sb.errorHandler(errors);
        if (metrics != null) {
            // Outside authentication and admission: refused and shed calls are counted too.
            sb.decorator(MetricCollectingService.newDecorator(GrpcMeterIdPrefixFunction.of("fedflow.client")));
        }
        // Added last, so outermost: every answer of this port knows its retmsg cap.
        sb.decorator(Retmsgs.decorator(limits.maxRetmsgLength()));
        return sb.build();
    }

    private static HttpResponse unboundedTransfer(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
            throws Exception {
        ctx.setMaxRequestLength(0);
        ctx.clearRequestTimeout();
        return delegate.serve(ctx, req);
    }

    /** A FATE JSON call to a transcoded route (not gRPC, nor gRPC-JSON). */
    private static boolean isTranscoded(RequestHeaders h) {
        MediaType type = h.contentType();
        return h.path().startsWith("/v1/") && (type == null || !isGrpc(type));
    }

    /**
     * FATE parses every body as JSON whatever its Content-Type, and bodiless POSTs carry none; the
     * transcoder needs application/json, so JSON calls under /v1 get it.
     */
    private static RequestHeaders asJson(RequestHeaders h) {
        MediaType type = h.contentType();
        // The body is passed on whole, possibly replaced: its length is the aggregate's, not the header's.
        var json = h.toBuilder().removeAndThen(HttpHeaderNames.CONTENT_LENGTH);
        return (type != null && type.is(MediaType.JSON) ? json : json.contentType(MediaType.JSON_UTF_8)).build();
    }

    private static boolean isGrpc(MediaType type) {
        return type.subtype().startsWith("grpc");
    }
}
