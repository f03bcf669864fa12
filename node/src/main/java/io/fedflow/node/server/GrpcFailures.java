package io.fedflow.node.server;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.util.AttributeKey;
import java.util.concurrent.CompletionException;

/**
 * The gRPC half of the error path, the site port's whole handler: whatever a service or an interceptor
 * threw becomes a gRPC status with the retcode in the {@code fate-retcode} trailer. On the client port
 * {@link FlowErrorHandler} keeps the failure on the call too, so a transcoded call answers the same
 * retcode and retmsg in FATE's envelope.
 */
final class GrpcFailures implements GrpcExceptionHandlerFunction {
    /** The failure a gRPC call ended with, for the transcoder's error handler. */
    static final AttributeKey<ErrorMapper.Failure> FAILURE = AttributeKey.valueOf(GrpcFailures.class, "FAILURE");

    @Override
    public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata trailers) {
        ErrorMapper.Failure f = ErrorMapper.map(cause);
        if (f.retcode() == RetCode.EXCEPTION_ERROR.code() && !(unwrap(cause) instanceof FlowException)) {
            // Not ours: let Armeria classify it (parse errors become INVALID_ARGUMENT), keep the message.
            Status s = GrpcExceptionHandlerFunction.of().apply(ctx, status, cause, trailers);
            if (s != null && s.getCode() != Status.Code.UNKNOWN && s.getCode() != Status.Code.INTERNAL) {
                f = new ErrorMapper.Failure(RetCode.forStatus(s.getCode()), f.retmsg(), s.getCode());
            }
        }
        trailers.put(RetCode.TRAILER, Integer.toString(f.retcode()));
        ctx.setAttr(FAILURE, f);
        return ErrorMapper.status(f);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && (c instanceof CompletionException
                || c instanceof StatusRuntimeException)) {
            c = c.getCause();
        }
        return c;
    }
}
