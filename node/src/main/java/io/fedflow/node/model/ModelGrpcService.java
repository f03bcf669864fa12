package io.fedflow.node.model;

import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ModelQueryRequest;
import io.fedflow.proto.v1.ModelServiceGrpc;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of FATE's /v1/model/query and /v1/model/query/detail. */
public final class ModelGrpcService extends ModelServiceGrpc.ModelServiceImplBase {
    private final ModelQueries models;

    public ModelGrpcService(ModelQueries models) {
        this.models = models;
    }

    @Override
    public void query(ModelQueryRequest r, StreamObserver<FlowResponse> out) {
        models.query(new ModelQueries.Filters(r.getModelId(), r.getModelVersion(), r.getRole(), r.getPartyId(),
                r.getJobId()), r.getQueryFiltersList()).sendTo(out);
    }

    @Override
    public void queryDetail(ModelQueryRequest r, StreamObserver<FlowResponse> out) {
        models.detail(r.getModelId(), r.getModelVersion()).sendTo(out);
    }
}
