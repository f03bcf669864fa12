package io.fedflow.node.model;

import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.v1.ComponentModelServiceGrpc;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.HeteroMergeRequest;
import io.fedflow.proto.v1.WoeArrayRequest;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of FATE's /v1/component/hetero/merge and /v1/component/woe_array/extract|merge. */
public final class ComponentModelGrpcService extends ComponentModelServiceGrpc.ComponentModelServiceImplBase {
    private final HeteroModelMerge merge;
    private final WoeArrays woe;

    public ComponentModelGrpcService(HeteroModelMerge merge, WoeArrays woe) {
        this.merge = merge;
        this.woe = woe;
    }

    @Override
    public void heteroMerge(HeteroMergeRequest r, StreamObserver<FlowResponse> out) {
        merge.merge(new HeteroModelMerge.Request(r.getModelId(), r.getModelVersion(), r.getGuestPartyId(),
                r.getHostPartyIdsList(), r.getComponentName(), r.getModelType(), r.getOutputFormat(),
                r.hasTargetName() ? r.getTargetName() : null, r.getIncludeGuestCoef())).sendTo(out);
    }

    @Override
    public void woeArrayExtract(WoeArrayRequest r, StreamObserver<FlowResponse> out) {
        woe.extract(ref(r)).sendTo(out);
    }

    @Override
    public void woeArrayMerge(WoeArrayRequest r, StreamObserver<FlowResponse> out) {
        woe.merge(ref(r), r.hasWoeArray() && !r.getWoeArray().hasNullValue() ? FateJson.toJson(r.getWoeArray())
                : null).sendTo(out);
    }

    private static WoeArrays.Ref ref(WoeArrayRequest r) {
        return new WoeArrays.Ref(r.getModelId(), r.getModelVersion(), r.getRole(), r.getPartyId(),
                r.getComponentName());
    }
}
