package io.fedflow.node.server;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.RequestTimeoutException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import java.time.Duration;

/**
 * What a caller reads when a request passes one of the client port's caps: a non-200 status (413 for a body
 * over {@code --max-request-body}, 408 for a body that stopped arriving) and FATE's envelope naming the cap
 * and the flag that sets it.
 */
final class LimitRefusals {
    private LimitRefusals() {}

    /**
     * The status and envelope for {@code cause} when it is a cap's refusal, else null. A request timeout is
     * the idle cut only on a call whose body is watched ({@code idleWatched}).
     */
    static Refusal of(Throwable cause, Limits limits, boolean idleWatched) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ContentTooLargeException e) {
                return tooLarge(e.maxContentLength() > 0 ? e.maxContentLength() : limits.maxRequestBody(), limits);
            }
            if (t instanceof StreamIdleException || idleWatched && t instanceof RequestTimeoutException) {
                return idle(limits);
            }
        }
        return null;
    }

    /** A body over {@code cap} bytes; the flag is named when the cap is the one it sets. */
    static Refusal tooLarge(long cap, Limits limits) {
        String msg = "the request body is larger than the cap of " + cap + " bytes";
        if (cap == limits.maxRequestBody()) {
            msg += " (" + Limits.MAX_REQUEST_BODY_FLAG + "); only the multipart file part of an upload may be larger";
        } else if (cap == limits.maxCallBody()) {
            msg += " (" + Limits.MAX_CALL_BODY_FLAG + ")";
        }
        return new Refusal(HttpStatus.REQUEST_ENTITY_TOO_LARGE, FlowResponse.newBuilder()
                .setRetcode(RetCode.ARGUMENT_ERROR.code()).setRetmsg(msg).build());
    }

    static Refusal idle(Limits limits) {
        return new Refusal(HttpStatus.REQUEST_TIMEOUT, FlowResponse.newBuilder()
                .setRetcode(RetCode.OPERATING_ERROR.code())
                .setRetmsg(idleMessage(limits.streamIdleTimeout()))
                .build());
    }

    static String idleMessage(Duration idle) {
        return "no byte of the request arrived for " + idle.toMillis() / 1000.0 + " s: the transfer was cut off ("
                + Limits.STREAM_IDLE_TIMEOUT_FLAG + ")";
    }

    /** A refusal's answer: the status and FATE's envelope. */
    record Refusal(HttpStatus status, FlowResponse envelope) {
        ResponseHeaders headers() {
            ResponseHeadersBuilder b = ResponseHeaders.builder(status).contentType(MediaType.JSON_UTF_8);
            if (status == HttpStatus.REQUEST_ENTITY_TOO_LARGE) {
                b.add(HttpHeaderNames.CONNECTION, "close");
            }
            return b.build();
        }

        /**
         * The answer, sent whole ({@code Connection: close}, a Content-Length). After a 413 the rest of the
         * body is read and thrown away (memory stays flat) and the connection is closed once it has ended:
         * resetting the connection at once would stop a client's upload sooner, but a client still writing
         * then often loses the answer with the reset, and reads a broken connection instead of the 413.
         */
        HttpResponse response() {
            byte[] body = FateJson.envelopeBytes(envelope);
            return HttpResponse.of(headers().toBuilder().contentLength(body.length).build(), HttpData.wrap(body));
        }

        AggregatedHttpResponse aggregated() {
            return AggregatedHttpResponse.of(headers(), HttpData.wrap(FateJson.envelopeBytes(envelope)));
        }
    }
}
