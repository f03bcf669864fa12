package io.fedflow.node.server;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import com.linecorp.armeria.server.HttpResponseException;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import io.grpc.Status;
import io.netty.util.AttributeKey;
import java.util.Set;

/**
 * The client port's one error handler, registered once in {@link FlowServer}: every failure of the port
 * ends here, whoever threw it (a service, an interceptor, a decorator such as {@link ClientAuthentication}
 * or {@link RequestAdmission}, a hand-written HTTP service). A gRPC caller gets a status with the
 * {@code fate-retcode} trailer ({@link GrpcFailures}); a FATE JSON caller gets the envelope with HTTP 200,
 * as FATE answers errors; a streamed route's caller (a file download) gets the envelope with a non-200
 * status, since it reads 200 as "the body is the file"; a request past a cap gets 413 or 408
 * ({@link LimitRefusals}). Armeria asks it through three hooks: {@link #grpc()} for gRPC services, {@link
 * #transcodingError} for transcoded calls and the {@link ServerErrorHandler} methods for the rest.
 */
final class FlowErrorHandler implements ServerErrorHandler {
    private static final AttributeKey<Boolean> STREAMED = AttributeKey.valueOf(FlowErrorHandler.class, "STREAMED");

    private final Limits limits;
    /** The hand-written routes outside /v1 (FATE-Serving's): their own answers, but the caps' refusals. */
    private final Set<String> otherRoutes;
    private final GrpcFailures grpc = new GrpcFailures();

    FlowErrorHandler(Limits limits, Set<String> otherRoutes) {
        this.limits = limits;
        this.otherRoutes = Set.copyOf(otherRoutes);
    }

    /** Marks the call as a streamed one: from now on its failures answer non-200 ({@link ErrorMapper#streamStatus}). */
    static void answerAsStream(ServiceRequestContext ctx) {
        ctx.setAttr(STREAMED, true);
    }

    GrpcExceptionHandlerFunction grpc() {
        return grpc;
    }

    /** A transcoded call that failed: FATE's envelope with HTTP 200, the failure its gRPC service raised. */
    HttpResponse transcodingError(ServiceRequestContext ctx, Status status, AggregatedHttpResponse response) {
        ErrorMapper.Failure f = ctx.attr(GrpcFailures.FAILURE);
        if (f == null) {
            f = new ErrorMapper.Failure(RetCode.forStatus(status.getCode()),
                    status.getDescription() != null ? status.getDescription() : status.getCode().name(),
                    status.getCode());
        }
        return ErrorMapper.jsonResponse(f);
    }

    @Override
    public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
        if (ErrorMapper.unwrap(cause) instanceof FlowException) {
            MediaType type = ctx.request().contentType();
            if (type != null && type.subtype().startsWith("grpc")) {
                return ErrorMapper.grpcResponse(ErrorMapper.map(cause), type);
            }
            if (!ctx.path().startsWith("/v1/")) {
                return ErrorMapper.jsonResponse(ErrorMapper.map(cause));
            }
        }
        if (!ctx.path().startsWith("/v1/")) {
            LimitRefusals.Refusal refusal = otherRoutes.contains(ctx.path())
                    ? LimitRefusals.of(cause, limits, IdleWatch.isWatched(ctx)) : null;
            return refusal == null ? null : refusal.response();
        }
        if (Boolean.TRUE.equals(ctx.attr(STREAMED))) {
            return ErrorMapper.streamResponse(cause);
        }
        // Before Armeria renders a 413 itself: only this answer closes the connection.
        LimitRefusals.Refusal refusal = LimitRefusals.of(cause, limits, IdleWatch.isWatched(ctx));
        if (refusal != null) {
            return refusal.response();
        }
        if (cause instanceof HttpStatusException || cause instanceof HttpResponseException) {
            return null; // Armeria renders the status, through renderStatus below
        }
        return ErrorMapper.jsonResponse(ErrorMapper.map(cause));
    }

    /**
     * Malformed JSON, unknown paths and wrong methods never reach a service: answer them FATE's way too.
     * Requests refused before routing (a bad request target, headers too large) come without headers or
     * context; they keep their status and get the envelope as body, so a FATE client still reads a retcode.
     */
    @Override
    public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config,
                                               RequestHeaders headers, HttpStatus status,
                                               String description, Throwable cause) {
        if (status.isSuccess()) {
            return null;
        }
        if (headers == null) {
            int retcode = status.isClientError() ? RetCode.ARGUMENT_ERROR.code() : RetCode.EXCEPTION_ERROR.code();
            return envelope(status, retcode, "refused: " + (description != null ? description
                    : status.reasonPhrase()));
        }
        if (!headers.path().startsWith("/v1/")) {
            return status == HttpStatus.REQUEST_ENTITY_TOO_LARGE && otherRoutes.contains(headers.path())
                    ? tooLarge(ctx, config).aggregated() : null;
        }
        LimitRefusals.Refusal refusal = status == HttpStatus.REQUEST_ENTITY_TOO_LARGE
                ? tooLarge(ctx, config)
                : cause == null ? null : LimitRefusals.of(cause, limits, ctx != null && IdleWatch.isWatched(ctx));
        if (refusal != null) {
            return refusal.aggregated();
        }
        String msg = status == HttpStatus.NOT_FOUND ? "no such API: " + headers.method() + " " + headers.path()
                : status == HttpStatus.METHOD_NOT_ALLOWED ? "method " + headers.method() + " is not allowed on "
                  + headers.path()
                : description != null ? description : status.reasonPhrase();
        return envelope(HttpStatus.OK, RetCode.EXCEPTION_ERROR.code(), msg);
    }

    /** The 413 for a body over the cap of this call (its route's, else the server's). */
    private LimitRefusals.Refusal tooLarge(ServiceRequestContext ctx, ServiceConfig config) {
        return LimitRefusals.tooLarge(ctx != null && ctx.maxRequestLength() > 0 ? ctx.maxRequestLength()
                : config.maxRequestLength(), limits);
    }

    private static AggregatedHttpResponse envelope(HttpStatus status, int retcode, String retmsg) {
        return AggregatedHttpResponse.of(ResponseHeaders.of(status, HttpHeaderNames.CONTENT_TYPE,
                MediaType.JSON_UTF_8), HttpData.wrap(FateJson.envelopeBytes(
                FlowResponse.newBuilder().setRetcode(retcode).setRetmsg(retmsg).build())));
    }
}
