package io.fedflow.node.job;

import io.fedflow.node.wire.FileStreams;
import io.fedflow.proto.v1.DataChunk;
import io.fedflow.proto.v1.TemplateRequest;
import io.fedflow.proto.v1.TemplateServiceGrpc;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of the job templates archive. */
public final class TemplateGrpcService extends TemplateServiceGrpc.TemplateServiceImplBase {
    @Override
    public void downloadTemplates(TemplateRequest r, StreamObserver<DataChunk> out) {
        FileStreams.grpc(out, o -> JobTemplates.write(r.getMinData(), o), () -> { });
    }
}
