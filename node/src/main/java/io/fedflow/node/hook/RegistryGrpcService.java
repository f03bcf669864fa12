package io.fedflow.node.hook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Struct;
import io.fedflow.node.wire.FateJson;
import io.fedflow.node.wire.Responses;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ListServersRequest;
import io.fedflow.proto.v1.QueryServiceRequest;
import io.fedflow.proto.v1.RegisterServiceRequest;
import io.fedflow.proto.v1.RegistryServiceGrpc;
import io.fedflow.proto.v1.ReloadRequest;
import io.fedflow.proto.v1.ServerRequest;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of FATE's /v1/server and /v1/service registration calls. */
public final class RegistryGrpcService extends RegistryServiceGrpc.RegistryServiceImplBase {
    private final ServiceRegistry registry;

    public RegistryGrpcService(ServiceRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void registerServer(ServerRequest r, StreamObserver<FlowResponse> out) {
        ServerRegistration s = registry.registerServer(r.getServerName(), r.getHost(),
                r.hasPort() ? FateJson.toJson(r.getPort()) : null, r.getProtocol());
        reply(out, Responses.ok(s.toJson()));
    }

    @Override
    public void getServer(ServerRequest r, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(registry.server(r.getServerName()).toJson()));
    }

    @Override
    public void listServers(ListServersRequest r, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(servers()));
    }

    @Override
    public void deleteServer(ServerRequest r, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(registry.deleteServer(r.getServerName()).toJson()));
    }

    @Override
    public void reload(ReloadRequest r, StreamObserver<FlowResponse> out) {
        registry.reload();
        reply(out, Responses.ok(servers()));
    }

    @Override
    public void registerService(RegisterServiceRequest r, StreamObserver<FlowResponse> out) {
        if (r.hasBatch()) {
            reply(out, Responses.ok(registry.registerBatch(FateJson.toJson(r.getBatch()))));
            return;
        }
        ServiceRegistration s = registry.registerService(r.getServerName(), r.getServiceName(), r.getUri(),
                r.getMethod(), r.getProtocol(), object(r.hasParams(), r.getParams()),
                object(r.hasData(), r.getData()), object(r.hasHeaders(), r.getHeaders()));
        reply(out, Responses.ok(s.toJson()));
    }

    @Override
    public void queryService(QueryServiceRequest r, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(registry.query(r.getServiceName(), r.getServerName())));
    }

    /** FATE's server list: {@code {NAME: {host, port, protocol}}}. */
    private ObjectNode servers() {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        registry.servers().forEach(s -> data.set(s.name(), s.toJson()));
        return data;
    }

    private static ObjectNode object(boolean present, Struct struct) {
        return present ? FateJson.toJson(struct) : null;
    }

    private static void reply(StreamObserver<FlowResponse> out, FlowResponse r) {
        out.onNext(r);
        out.onCompleted();
    }
}
