package io.fedflow.node.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.v1.FlowResponse;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * A call may answer its data already printed as JSON ({@code FlowResponse.data_json}, see
 * {@code Responses.printed}); the JSON marshaller copies it into the answer as it is. A binary gRPC caller
 * gets it back as {@code data}, a protobuf Value, as every other call answers.
 */
final class PrintedDataInterceptor implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                      ServerCallHandler<Q, A> next) {
        if (isJson(ServiceRequestContext.currentOrNull())) {
            return next.startCall(call, headers);
        }
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            @SuppressWarnings("unchecked")
            public void sendMessage(A message) {
                super.sendMessage(message instanceof FlowResponse r && !r.getDataJson().isEmpty()
                        ? (A) asValue(r) : message);
            }
        }, headers);
    }

    /** FATE's JSON calls (transcoded) and gRPC-JSON ones are answered by the JSON marshaller. */
    private static boolean isJson(ServiceRequestContext ctx) {
        MediaType type = ctx == null ? null : ctx.request().contentType();
        return type != null && type.subtype().contains("json");
    }

    private static FlowResponse asValue(FlowResponse r) {
        JsonNode data = FateJson.parse(r.getDataJson().toByteArray(), "printed data");
        return r.toBuilder().clearDataJson().setData(FateJson.toValue(data)).build();
    }
}
