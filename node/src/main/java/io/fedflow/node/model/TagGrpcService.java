package io.fedflow.node.model;

import io.fedflow.node.wire.Responses;
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
        reply(out, tags.create(r.getTagName(), r.getTagDesc()));
    }

    @Override
    public void retrieve(TagRequest r, StreamObserver<FlowResponse> out) {
        reply(out, tags.retrieve(r.getTagName(), r.getWithModel()));
    }

    @Override
    public void update(TagRequest r, StreamObserver<FlowResponse> out) {
        reply(out, tags.update(r.getTagName(), r.hasNewTagName() ? r.getNewTagName() : null,
                r.hasNewTagDesc() ? r.getNewTagDesc() : null));
    }

    @Override
    public void destroy(TagRequest r, StreamObserver<FlowResponse> out) {
        reply(out, tags.destroy(r.getTagName()));
    }

    @Override
    public void list(TagRequest r, StreamObserver<FlowResponse> out) {
        reply(out, tags.list(r.hasLimit() ? r.getLimit() : null));
    }

    @Override
    public void tagModel(ModelTagRequest r, StreamObserver<FlowResponse> out) {
        reply(out, tags.tagModel(r.getJobId(), r.getTagName()));
    }

    @Override
    public void untagModel(ModelTagRequest r, StreamObserver<FlowResponse> out) {
        reply(out, tags.untagModel(r.getJobId(), r.getTagName()));
    }

    @Override
    public void modelTags(ModelTagRequest r, StreamObserver<FlowResponse> out) {
        reply(out, tags.modelTags(r.getJobId()));
    }

    private static void reply(StreamObserver<FlowResponse> out, ModelTags.Answer answer) {
        out.onNext(Responses.ok(answer.retmsg(), answer.data(), null));
        out.onCompleted();
    }
}
