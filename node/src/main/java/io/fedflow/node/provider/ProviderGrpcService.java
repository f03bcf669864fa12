package io.fedflow.node.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.wire.Responses;
import io.fedflow.proto.v1.ComponentRequest;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ProviderRequest;
import io.fedflow.proto.v1.ProviderServiceGrpc;
import io.fedflow.proto.v1.RegisterProviderRequest;
import io.fedflow.proto.v1.VersionRequest;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of FATE's version, provider and component listing calls. */
public final class ProviderGrpcService extends ProviderServiceGrpc.ProviderServiceImplBase {
    private final Providers providers;

    public ProviderGrpcService(Providers providers) {
        this.providers = providers;
    }

    @Override
    public void getVersion(VersionRequest r, StreamObserver<FlowResponse> out) {
        send(out, providers.version(r.getModule()));
    }

    @Override
    public void getServerVersions(VersionRequest r, StreamObserver<FlowResponse> out) {
        send(out, providers.serverVersions(r.getModule()));
    }

    @Override
    public void listProviders(ProviderRequest r, StreamObserver<FlowResponse> out) {
        send(out, providers.providers());
    }

    @Override
    public void getRegistry(ProviderRequest r, StreamObserver<FlowResponse> out) {
        send(out, providers.registry());
    }

    @Override
    public void getProvider(ProviderRequest r, StreamObserver<FlowResponse> out) {
        send(out, providers.provider(r.getProviderName()));
    }

    @Override
    public void registerProvider(RegisterProviderRequest r, StreamObserver<FlowResponse> out) {
        providers.register(r.getName(), r.getVersion(), r.getPath());
    }

    @Override
    public void listComponents(ComponentRequest r, StreamObserver<FlowResponse> out) {
        send(out, providers.components());
    }

    @Override
    public void getComponent(ComponentRequest r, StreamObserver<FlowResponse> out) {
        send(out, providers.component(r.getComponentName()));
    }

    private static void send(StreamObserver<FlowResponse> out, JsonNode data) {
        out.onNext(Responses.ok(data));
        out.onCompleted();
    }
}
