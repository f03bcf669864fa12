package io.fedflow.node.hook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A server registered with {@code /v1/server/<name>/register} (FATE's t_server_registry_info row).
 *
 * @param name     upper-cased, as FATE-Flow keys servers
 * @param host     host name or address
 * @param port     1 to 65535
 * @param protocol http, https or grpc
 */
public record ServerRegistration(String name, String host, int port, String protocol) {
    /** FATE's server info: {@code {"host", "port", "protocol"}}. */
    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("host", host).put("port", port).put("protocol", protocol);
    }

    /** Where a service at {@code uri} on this server is called, for the given protocol. */
    public String urlOf(String serviceProtocol, String uri) {
        return serviceProtocol + "://" + host + ":" + port + uri;
    }
}
