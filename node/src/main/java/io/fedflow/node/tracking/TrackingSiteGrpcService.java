package io.fedflow.node.tracking;

import io.fedflow.proto.v1.OutputDataTableSiteReply;
import io.fedflow.proto.v1.OutputDataTableSiteRequest;
import io.fedflow.proto.v1.TrackingSiteServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * Site-port adapter of another party's output/data/table; served behind the verifying interceptor, which
 * names the calling site ({@code caller}, given by the composition root: tracking does not know federation).
 */
public final class TrackingSiteGrpcService extends TrackingSiteServiceGrpc.TrackingSiteServiceImplBase {
    private final OutputTablesAtParties tables;
    private final Supplier<String> caller;

    public TrackingSiteGrpcService(OutputTablesAtParties tables, Supplier<String> caller) {
        this.tables = tables;
        this.caller = caller;
    }

    @Override
    public void outputDataTable(OutputDataTableSiteRequest r, StreamObserver<OutputDataTableSiteReply> out) {
        out.onNext(tables.answerSite(r, caller.get()));
        out.onCompleted();
    }
}
