package io.fedflow.node.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fedflow.node.FailureKind;
import io.fedflow.node.FlowException;
import io.fedflow.node.wire.FateJson;
import io.fedflow.node.wire.Retmsgs;
import io.fedflow.proto.RetCode;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.proto.v1.FlowResponse;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become wire answers: FATE's envelope for JSON (HTTP 200, as FATE does)
 * and a gRPC status carrying the same retcode in the {@code fate-retcode} trailer.
 */
public final class ErrorMapper {
    private static final Logger logger = LoggerFactory.getLogger(ErrorMapper.class);

    /** A failure reduced to what the wire shows. */
    public record Failure(int retcode, String retmsg, Status.Code grpcCode) {}

    private ErrorMapper() {}

    public static Failure map(Throwable cause) {
        Throwable t = unwrap(cause);
        if (t instanceof FlowException fe) {
            return new Failure(fe.retcode(), fe.getMessage(), grpcCode(fe.kind()));
        }
        if (t instanceof StatusRuntimeException sre) {
            Metadata trailers = sre.getTrailers();
            String rc = trailers == null ? null : trailers.get(RetCode.TRAILER);
            Status.Code code = sre.getStatus().getCode();
            return new Failure(rc != null ? Integer.parseInt(rc) : RetCode.forStatus(code),
                    describe(sre.getStatus()), code);
        }
        if (t instanceof InvalidProtocolBufferException || t instanceof IllegalArgumentException) {
            return new Failure(RetCode.ARGUMENT_ERROR.code(), String.valueOf(t.getMessage()),
                    Status.Code.INVALID_ARGUMENT);
        }
        if (t instanceof com.linecorp.armeria.common.stream.ClosedStreamException
            || t instanceof com.linecorp.armeria.common.ResponseCompleteException) {
            // The call already ended (an upload refused early, a client gone): nothing to report.
            return new Failure(RetCode.EXCEPTION_ERROR.code(), "the call was closed: " + t.getMessage(),
                    Status.Code.CANCELLED);
        }
        if (DatabaseFailures.isDatabase(t)) {
            FlowException fe = DatabaseFailures.of(null, t);
            return new Failure(fe.retcode(), fe.getMessage(), grpcCode(fe.kind()));
        }
        // Unexpected: log it here, answer without a stack trace.
        logger.warn("unexpected failure", t);
        return new Failure(RetCode.EXCEPTION_ERROR.code(),
                t.getClass().getSimpleName() + ": " + t.getMessage(), Status.Code.INTERNAL);
    }

    /** The one mapping from a failure's kind to the gRPC status code callers see. */
    static Status.Code grpcCode(FailureKind kind) {
        return switch (kind) {
            case NONE -> Status.Code.OK;
            case BAD_REQUEST -> Status.Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
            case REFUSED -> Status.Code.FAILED_PRECONDITION;
            case ABORTED -> Status.Code.ABORTED;
            case TIMED_OUT -> Status.Code.DEADLINE_EXCEEDED;
            case UNREACHABLE -> Status.Code.UNAVAILABLE;
            case OVERLOADED -> Status.Code.RESOURCE_EXHAUSTED;
            case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
            case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
            case CANCELLED -> Status.Code.CANCELLED;
            case UNSUPPORTED -> Status.Code.UNIMPLEMENTED;
            case INTERNAL -> Status.Code.INTERNAL;
        };
    }

    /**
     * The HTTP status of a streamed route's failure (its clients read 200 as "the body is the file"):
     * not found 404, a fault of the node 500, anything else 400.
     */
    static com.linecorp.armeria.common.HttpStatus streamStatus(Failure f) {
        return f.grpcCode() == Status.Code.NOT_FOUND ? com.linecorp.armeria.common.HttpStatus.NOT_FOUND
                : f.grpcCode() == Status.Code.INTERNAL ? com.linecorp.armeria.common.HttpStatus.INTERNAL_SERVER_ERROR
                : com.linecorp.armeria.common.HttpStatus.BAD_REQUEST;
    }

    /** A stream's failure: a non-200 status (the caller reads 200 as "the body is the file") and the envelope. */
    static com.linecorp.armeria.common.HttpResponse streamResponse(com.linecorp.armeria.common.HttpStatus status,
                                                                   FlowResponse envelope) {
        return com.linecorp.armeria.common.HttpResponse.of(status,
                com.linecorp.armeria.common.MediaType.JSON_UTF_8, FateJson.envelopeBytes(envelope));
    }

    /** A failure before a stream started, with {@link #streamStatus}. */
    static com.linecorp.armeria.common.HttpResponse streamResponse(Throwable e) {
        Failure f = map(e);
        return streamResponse(streamStatus(f),
                FlowResponse.newBuilder().setRetcode(f.retcode()).setRetmsg(f.retmsg()).build());
    }

    public static FlowResponse envelope(Throwable cause) {
        Failure f = map(cause);
        return FlowResponse.newBuilder().setRetcode(f.retcode()).setRetmsg(f.retmsg()).build();
    }

    public static Status status(Failure f) {
        return Status.fromCode(f.grpcCode()).withDescription(Retmsgs.shorten(f.retmsg()));
    }

    /** A failure answered before any service ran, FATE's way: HTTP 200 with the envelope. */
    public static com.linecorp.armeria.common.HttpResponse jsonResponse(Failure f) {
        return com.linecorp.armeria.common.HttpResponse.of(com.linecorp.armeria.common.HttpStatus.OK,
                com.linecorp.armeria.common.MediaType.JSON_UTF_8, FateJson.envelopeBytes(
                        FlowResponse.newBuilder().setRetcode(f.retcode()).setRetmsg(f.retmsg()).build()));
    }

    /** The same failure to a gRPC caller: a trailers-only answer with the status and {@code fate-retcode}. */
    public static com.linecorp.armeria.common.HttpResponse grpcResponse(
            Failure f, com.linecorp.armeria.common.MediaType contentType) {
        return com.linecorp.armeria.common.HttpResponse.of(com.linecorp.armeria.common.ResponseHeaders
                .builder(com.linecorp.armeria.common.HttpStatus.OK)
                .contentType(contentType)
                .add("grpc-status", Integer.toString(f.grpcCode().value()))
                .add("grpc-message", grpcMessage(Retmsgs.shorten(f.retmsg())))
                .add(RetCode.TRAILER.name(), Integer.toString(f.retcode()))
                .endOfStream(true)
                .build());
    }

    /** The gRPC spec's percent-encoding of grpc-message: UTF-8, printable ASCII but '%' kept. */
    private static String grpcMessage(String message) {
        StringBuilder out = new StringBuilder();
        for (byte b : message.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    public static Metadata trailers(Failure f) {
        Metadata md = new Metadata();
        md.put(RetCode.TRAILER, Integer.toString(f.retcode()));
        return md;
    }

    private static String describe(Status status) {
        return status.getDescription() != null ? status.getDescription() : status.getCode().name();
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof java.util.concurrent.CompletionException
                || cur instanceof java.util.concurrent.ExecutionException
                || cur instanceof java.io.UncheckedIOException && cur.getCause() instanceof FlowException)
               && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }
}
