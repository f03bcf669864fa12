package io.fedflow.node;

import io.fedflow.node.server.FlowServer;
import io.grpc.BindableService;
import java.util.ArrayList;
import java.util.List;

/**
 * What one domain serves on the client port: gRPC services (transcoded to FATE's JSON API) and the HTTP
 * routes written by hand (streamed bodies). {@link Node} joins every domain's in a fixed order.
 */
record ClientPort(List<BindableService> services, List<FlowServer.HttpRoute> routes) {

    static ClientPort services(List<BindableService> services) {
        return new ClientPort(services, List.of());
    }

    /** The domains' contributions, in order. */
    static ClientPort join(ClientPort... parts) {
        List<BindableService> services = new ArrayList<>();
        List<FlowServer.HttpRoute> routes = new ArrayList<>();
        for (ClientPort p : parts) {
            services.addAll(p.services());
            routes.addAll(p.routes());
        }
        return new ClientPort(List.copyOf(services), List.copyOf(routes));
    }
}
