package io.fedflow.node.job;

import io.fedflow.node.server.Responses;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.QueryJobRequest;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of job queries. */
public final class JobGrpcService extends JobServiceGrpc.JobServiceImplBase {
    private final JobStore jobs;

    public JobGrpcService(JobStore jobs) {
        this.jobs = jobs;
    }

    @Override
    public void queryJob(QueryJobRequest r, StreamObserver<FlowResponse> out) {
        var rows = jobs.query(new JobStore.JobFilter(r.getJobId(), r.getRole(), r.getPartyId(), r.getStatus(),
                r.getDescription()));
        out.onNext(rows.isEmpty() ? Responses.ok("no job could be found", rows, null) : Responses.ok(rows));
        out.onCompleted();
    }
}
