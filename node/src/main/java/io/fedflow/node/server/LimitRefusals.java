package io.fedflow.node.server;

import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.RequestTimeoutException;
import io.fedflow.node.Limits;
import io.fedflow.node.RetCode;
import io.fedflow.proto.v1.FlowResponse;

/**
 * What a caller reads when a request passes one of the client port's caps: a non-200 status (413 for a body
 * over {@code --max-request-body}, 408 for a body that stopped arriving) and FATE's envelope naming the cap
 * and the flag that sets it.
 */
final class LimitRefusals {
    private LimitRefusals() {}

    /** The status and envelope for {@code cause} when it is a cap's refusal, else null. */
    static Refusal of(Throwable cause, Limits limits) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ContentTooLargeException) {
                return tooLarge(limits);
            }
            if (t instanceof RequestTimeoutException || t instanceof StreamIdleException) {
                return idle(limits);
            }
        }
        return null;
    }

    static Refusal tooLarge(Limits limits) {
        return new Refusal(HttpStatus.REQUEST_ENTITY_TOO_LARGE, FlowResponse.newBuilder()
                .setRetcode(RetCode.ARGUMENT_ERROR.code())
                .setRetmsg("the request body is larger than the cap of " + limits.maxRequestBody() + " bytes ("
                        + Limits.MAX_REQUEST_BODY_FLAG + "); only the multipart file part of an upload may be larger")
                .build());
    }

    static Refusal idle(Limits limits) {
        return new Refusal(HttpStatus.REQUEST_TIMEOUT, FlowResponse.newBuilder()
                .setRetcode(RetCode.OPERATING_ERROR.code())
                .setRetmsg(idleMessage(limits.streamIdleTimeout()))
                .build());
    }

    static String idleMessage(java.time.Duration idle) {
        return "no byte of the request arrived for " + idle.toMillis() / 1000.0 + " s: the transfer was cut off ("
                + Limits.STREAM_IDLE_TIMEOUT_FLAG + ")";
    }

    record Refusal(HttpStatus status, FlowResponse envelope) {
        com.linecorp.armeria.common.HttpResponse response() {
            return FileStreams.error(status, envelope);
        }
    }
}
