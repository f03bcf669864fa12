package io.fedflow.node.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.proto.RetCode;

/**
 * A tracking read's answer for the envelope: FATE answers "no data" with retcode 0 on most reads.
 *
 * @param meta the envelope's top-level meta (metric data, output model, output data), or null
 */
public record TrackingAnswer(int retcode, String retmsg, JsonNode data, ObjectNode meta) {
    /** FATE's "no data" code: the HTTP status of its file answers, here also in envelopes and gRPC trailers. */
    public static final int NO_DATA = RetCode.NO_DATA.code();

    static TrackingAnswer ok(JsonNode data) {
        return new TrackingAnswer(0, "success", data, null);
    }

    static TrackingAnswer ok(JsonNode data, ObjectNode meta) {
        return new TrackingAnswer(0, "success", data, meta);
    }

    static TrackingAnswer noData(JsonNode data) {
        return new TrackingAnswer(0, "no data", data, null);
    }
}
