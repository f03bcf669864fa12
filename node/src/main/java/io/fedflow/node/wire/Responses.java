package io.fedflow.node.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.UnsafeByteOperations;
import io.fedflow.proto.v1.FlowResponse;

/** Builders for FATE's success envelope (failures are thrown; the servers' error handlers answer them). */
public final class Responses {
    private Responses() {}

    /** Success without data. */
    public static FlowResponse ok() {
        return ok("success", null, null);
    }

    public static FlowResponse ok(JsonNode data) {
        return ok("success", data, null);
    }

    public static FlowResponse ok(String retmsg, JsonNode data, String jobId) {
        FlowResponse.Builder b = FlowResponse.newBuilder().setRetcode(0).setRetmsg(retmsg);
        if (data != null) {
            b.setData(FateJson.toValue(data));
        }
        if (jobId != null) {
            b.setJobId(jobId);
        }
        return b.build();
    }

    /**
     * Success whose data is printed here, once, as the JSON answer shows it (for calls clients poll); the
     * client port turns it back into {@code data} for a binary gRPC caller.
     */
    public static FlowResponse printed(String retmsg, JsonNode data) {
        return FlowResponse.newBuilder().setRetcode(0).setRetmsg(retmsg)
                .setDataJson(UnsafeByteOperations.unsafeWrap(FateJson.printData(data))).build();
    }
}
