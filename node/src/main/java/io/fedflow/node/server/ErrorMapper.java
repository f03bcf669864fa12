package io.fedflow.node.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseCompleteException;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.node.wire.FateJson;
import io.fedflow.node.wire.Retmsgs;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from failures to wire answers, which the servers' error handlers ({@link
 * FlowErrorHandler}, {@link GrpcFailures}) apply: a failure's retcode and message, the gRPC status its
 * {@link FailureKind} stands for (table in {@link #grpcCode}), and the answers built from them: FATE's
 * envelope for JSON (HTTP 200, as FATE does), the envelope with a non-200 status for streamed routes, a
 * gRPC status carrying the same retcode in the {@code fate-retcode} trailer.
 */
public final class ErrorMapper {
    private static final Logger logger = LoggerFactory.getLogger(ErrorMapper.class);
    private static final HttpStatus NO_DATA = HttpStatus.valueOf(210);

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
        if (t instanceof ClosedStreamException || t instanceof ResponseCompleteException) {
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
     * no data 210 (as FATE), not found 404, exists 409 (FATE's model import), a fault of the node 500,
     * anything else 400.
     */
    static HttpStatus streamStatus(Failure f) {
        return f.retcode() == RetCode.NO_DATA.code() ? NO_DATA
                : f.grpcCode() == Status.Code.NOT_FOUND ? HttpStatus.NOT_FOUND
                : f.grpcCode() == Status.Code.ALREADY_EXISTS ? HttpStatus.CONFLICT
                : f.grpcCode() == Status.Code.INTERNAL ? HttpStatus.INTERNAL_SERVER_ERROR
                : HttpStatus.BAD_REQUEST;
    }

    /** A failure before a stream started: {@link #streamStatus} and the envelope. */
    static HttpResponse streamResponse(Throwable e) {
        Failure f = map(e);
        return HttpResponse.of(streamStatus(f), MediaType.JSON_UTF_8, FateJson.envelopeBytes(envelope(f)));
    }

    /**
     * A failure answered with {@code status} and the envelope (a route whose callers read HTTP statuses: the
     * board's 401 and 403).
     */
    public static HttpResponse statusResponse(HttpStatus status, Throwable e) {
        return HttpResponse.of(status, MediaType.JSON_UTF_8, FateJson.envelopeBytes(envelope(map(e))));
    }

    static Status status(Failure f) {
        return Status.fromCode(f.grpcCode()).withDescription(Retmsgs.shorten(f.retmsg()));
    }

    /** A failure to a JSON caller outside FATE's API (the board): the same envelope {@link #jsonResponse} gives. */
    public static HttpResponse jsonAnswer(Throwable cause) {
        return jsonResponse(map(cause));
    }

    /** A failure to a streamed route outside FATE's API (the board's events): {@link #streamResponse}. */
    public static HttpResponse streamAnswer(Throwable cause) {
        return streamResponse(cause);
    }

    /**
     * A failure to a FATE JSON caller: HTTP 200 with the envelope, as FATE answers errors. A call shed
     * because the node is busy says when to come back.
     */
    static HttpResponse jsonResponse(Failure f) {
        ResponseHeadersBuilder headers = ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8);
        if (f.grpcCode() == Status.Code.RESOURCE_EXHAUSTED) {
            headers.add(HttpHeaderNames.RETRY_AFTER, "1");
        }
        return HttpResponse.of(headers.build(), HttpData.wrap(
                FateJson.envelopeBytes(envelope(f))));
    }

    /** The same failure to a gRPC caller: a trailers-only answer with the status and {@code fate-retcode}. */
    static HttpResponse grpcResponse(Failure f, MediaType contentType) {
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK)
                .contentType(contentType)
                .add("grpc-status", Integer.toString(f.grpcCode().value()))
                .add("grpc-message", grpcMessage(Retmsgs.shorten(f.retmsg())))
                .add(RetCode.TRAILER.name(), Integer.toString(f.retcode()))
                .endOfStream(true)
                .build());
    }

    private static FlowResponse envelope(Failure f) {
        return FlowResponse.newBuilder().setRetcode(f.retcode()).setRetmsg(f.retmsg()).build();
    }

    /** The gRPC spec's percent-encoding of grpc-message: UTF-8, printable ASCII but '%' kept. */
    private static String grpcMessage(String message) {
        StringBuilder out = new StringBuilder();
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static String describe(Status status) {
        return status.getDescription() != null ? status.getDescription() : status.getCode().name();
    }

    static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException
                || cur instanceof UncheckedIOException && cur.getCause() instanceof FlowException)
               && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }
}
