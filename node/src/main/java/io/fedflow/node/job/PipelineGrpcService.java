package io.fedflow.node.job;

import io.fedflow.node.wire.Responses;
import io.fedflow.proto.v1.DagDependencyRequest;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.PipelineServiceGrpc;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of FATE's pipeline/dag/dependency. */
public final class PipelineGrpcService extends PipelineServiceGrpc.PipelineServiceImplBase {
    private final JobService jobs;

    public PipelineGrpcService(JobService jobs) {
        this.jobs = jobs;
    }

    @Override
    public void dagDependency(DagDependencyRequest r, StreamObserver<FlowResponse> out) {
        out.onNext(Responses.ok(jobs.dagDependency(r.getJobId(), JobGrpcService.json(r.hasJobDsl(), r.getJobDsl()),
                JobGrpcService.json(r.hasJobRuntimeConf(), r.getJobRuntimeConf()), r.getRole(), r.getPartyId())));
        out.onCompleted();
    }
}
