package io.fedflow.node.job;

import io.fedflow.node.wire.Responses;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.QueryResourceRequest;
import io.fedflow.proto.v1.ResourceServiceGrpc;
import io.fedflow.proto.v1.ReturnResourceRequest;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of FATE's resource/query and resource/return. */
public final class ResourceGrpcService extends ResourceServiceGrpc.ResourceServiceImplBase {
    private final JobService jobs;

    public ResourceGrpcService(JobService jobs) {
        this.jobs = jobs;
    }

    @Override
    public void queryResource(QueryResourceRequest r, StreamObserver<FlowResponse> out) {
        out.onNext(Responses.ok(jobs.resources(!r.hasResourceInUse() || r.getResourceInUse())));
        out.onCompleted();
    }

    @Override
    public void returnResource(ReturnResourceRequest r, StreamObserver<FlowResponse> out) {
        out.onNext(Responses.ok(jobs.returnResource(r.getJobId())));
        out.onCompleted();
    }
}
