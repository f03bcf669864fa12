package io.fedflow.node.model;

import io.fedflow.proto.v1.CheckpointRequest;
import io.fedflow.proto.v1.CheckpointServiceGrpc;
import io.fedflow.proto.v1.FlowResponse;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of FATE's /v1/checkpoint/list and /v1/checkpoint/get. */
public final class CheckpointGrpcService extends CheckpointServiceGrpc.CheckpointServiceImplBase {
    private final ModelCheckpoints checkpoints;

    public CheckpointGrpcService(ModelCheckpoints checkpoints) {
        this.checkpoints = checkpoints;
    }

    @Override
    public void list(CheckpointRequest r, StreamObserver<FlowResponse> out) {
        checkpoints.list(request(r)).sendTo(out);
    }

    @Override
    public void get(CheckpointRequest r, StreamObserver<FlowResponse> out) {
        checkpoints.get(request(r), r.hasStepIndex() ? r.getStepIndex() : null,
                r.hasStepName() ? r.getStepName() : null).sendTo(out);
    }

    private static ModelCheckpoints.Request request(CheckpointRequest r) {
        return new ModelCheckpoints.Request(r.getRole(), r.getPartyId(), r.getModelId(), r.getModelVersion(),
                r.getComponentName());
    }
}
