package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.wire.Responses;
import io.fedflow.proto.v1.FlowResponse;
import io.grpc.stub.StreamObserver;

/** What the model services answer: FATE's retmsg and, for queries, its data. */
public record ModelAnswer(String retmsg, JsonNode data) {
    /** This answer in FATE's envelope, for an HTTP route that answers it itself. */
    public FlowResponse response() {
        return Responses.ok(retmsg, data, null);
    }

    /** Sends this answer in FATE's envelope and ends the call. */
    void sendTo(StreamObserver<FlowResponse> out) {
        out.onNext(Responses.ok(retmsg, data, null));
        out.onCompleted();
    }
}
