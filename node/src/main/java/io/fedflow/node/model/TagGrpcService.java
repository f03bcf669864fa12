package io.fedflow.node.model;

import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ModelTagRequest;
import io.fedflow.proto.v1.TagRequest;
import io.fedflow.proto.v1.TagServiceGrpc;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of FATE's /v1/model/tag and /v1/model/model_tag calls. */
public final class TagGrpcService extends TagServiceGrpc.TagServiceImplBase {
    private final ModelTags tags;

    public TagGrpcService(ModelTags tags) {
        this.tags = tags;
    }

    @Override
    public void create(TagRequest r, StreamObserver<FlowResponse> out) {
        tags.create(r.getTagName(), r.getTagDesc()).sendTo(out);
    }

    @Override
    public void retrieve(TagRequest r, StreamObserver<FlowResponse> out) {
        tags.retrieve(r.getTagName(), r.getWithModel()).sendTo(out);
    }

    @Override
    public void update(TagRequest r, StreamObserver<FlowResponse> out) {
        tags.update(r.getTagName(), r.hasNewTagName() ? r.getNewTagName() : null,
                r.hasNewTagDesc() ? r.getNewTagDesc() : null).sendTo(out);
    }

    @Override
    public void destroy(TagRequest r, StreamObserver<FlowResponse> out) {
        tags.destroy(r.getTagName()).sendTo(out);
    }

    @Override
    public void list(TagRequest r, StreamObserver<FlowResponse> out) {
        tags.list(r.hasLimit() ? r.getLimit() : null).sendTo(out);
    }

    @Override
    public void tagModel(ModelTagRequest r, StreamObserver<FlowResponse> out) {
        tags.tagModel(r.getJobId(), r.getTagName()).sendTo(out);
    }

    @Override
    public void untagModel(ModelTagRequest r, StreamObserver<FlowResponse> out) {
        tags.untagModel(r.getJobId(), r.getTagName()).sendTo(out);
    }

    @Override
    public void modelTags(ModelTagRequest r, StreamObserver<FlowResponse> out) {
        tags.modelTags(r.getJobId()).sendTo(out);
    }
}
