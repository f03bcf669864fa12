package io.fedflow.node.model;

import com.google.protobuf.ByteString;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.HomoModelRequest;
import io.fedflow.proto.v1.ModelArchiveFile;
import io.fedflow.proto.v1.ModelArchiveRequest;
import io.fedflow.proto.v1.ModelArchiveServiceGrpc;
import io.fedflow.proto.v1.ModelImportRequest;
import io.fedflow.proto.v1.ModelTransferRequest;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of FATE's model export, import, store, restore, transfer and homo calls. */
public final class ModelArchiveGrpcService extends ModelArchiveServiceGrpc.ModelArchiveServiceImplBase {
    private final ModelArchives archives;

    public ModelArchiveGrpcService(ModelArchives archives) {
        this.archives = archives;
    }

    @Override
    public void export(ModelArchiveRequest r, StreamObserver<ModelArchiveFile> out) {
        ModelArchives.Exported e = archives.export(ref(r));
        out.onNext(ModelArchiveFile.newBuilder().setFileName(e.fileName()).setContent(ByteString.copyFrom(e.content()))
                .setSha256(e.sha256()).build());
        out.onCompleted();
    }

    @Override
    public void import_(ModelImportRequest r, StreamObserver<FlowResponse> out) {
        archives.importArchive(new ModelArchives.ModelRef(r.getRole(), r.getPartyId(), r.getModelId(),
                r.getModelVersion()), r.getFile().toByteArray(), r.getForceUpdate(), r.getHash()).sendTo(out);
    }

    @Override
    public void store(ModelArchiveRequest r, StreamObserver<FlowResponse> out) {
        archives.store(ref(r), r.getForceUpdate()).sendTo(out);
    }

    @Override
    public void restore(ModelArchiveRequest r, StreamObserver<FlowResponse> out) {
        archives.restore(ref(r), r.getSha256(), r.getForceUpdate()).sendTo(out);
    }

    @Override
    public void transfer(ModelTransferRequest r, StreamObserver<FlowResponse> out) {
        boolean byPath = !r.getPartyModelId().isEmpty();
        archives.transfer(byPath ? r.getPartyModelId() : r.getNamespace(),
                byPath ? r.getModelVersion() : r.getName()).sendTo(out);
    }

    @Override
    public void homoConvert(HomoModelRequest r, StreamObserver<FlowResponse> out) {
        archives.homoConvert(new ModelArchives.ModelRef(r.getRole(), r.getPartyId(), r.getModelId(),
                r.getModelVersion())).sendTo(out);
    }

    @Override
    public void homoDeploy(HomoModelRequest r, StreamObserver<FlowResponse> out) {
        archives.homoDeploy(new ModelArchives.ModelRef(r.getRole(), r.getPartyId(), r.getModelId(),
                r.getModelVersion()), r.getServiceId(), r.getComponentName(), r.getDeploymentType(),
                r.hasDeploymentParameters()).sendTo(out);
    }

    private static ModelArchives.ModelRef ref(ModelArchiveRequest r) {
        return new ModelArchives.ModelRef(r.getRole(), r.getPartyId(), r.getModelId(), r.getModelVersion());
    }
}
