package io.fedflow.node.hook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A service registered with {@code /v1/service/registry} (FATE's t_service_registry_info row).
 *
 * @param serverName  the (upper-cased) server it runs on
 * @param serviceName e.g. {@code permission}; one of {@link ServiceRegistry#SERVICE_NAMES}
 * @param uri         path on the server as registered (empty for a gRPC hook)
 * @param url         protocol://host:port + uri, kept in step with the server's address
 * @param method      HTTP method
 * @param protocol    http, https or grpc
 * @param params      registered query parameters
 * @param data        registered parameters sent with every call
 * @param headers     registered headers
 * @param createTime  epoch ms
 * @param updateTime  epoch ms; the latest registration of a hook is the one in force
 */
public record ServiceRegistration(
        String serverName, String serviceName, String uri, String url, String method, String protocol,
        ObjectNode params, ObjectNode data, ObjectNode headers, long createTime, long updateTime) {

    public ServiceRegistration {
        params = params == null ? JsonNodeFactory.instance.objectNode() : params.deepCopy();
        data = data == null ? JsonNodeFactory.instance.objectNode() : data.deepCopy();
        headers = headers == null ? JsonNodeFactory.instance.objectNode() : headers.deepCopy();
    }

    @Override
    public ObjectNode params() {
        return params.deepCopy();
    }

    @Override
    public ObjectNode data() {
        return data.deepCopy();
    }

    @Override
    public ObjectNode headers() {
        return headers.deepCopy();
    }

    /** The row as FATE's {@code /v1/service/query} lists it ({@code f_}-prefixed keys). */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("f_server_name", serverName);
        node.put("f_service_name", serviceName);
        node.put("f_uri", uri);
        node.put("f_url", url);
        node.put("f_method", method);
        node.put("f_protocol", protocol);
        node.set("f_params", params.deepCopy());
        node.set("f_data", data.deepCopy());
        node.set("f_headers", headers.deepCopy());
        node.put("f_create_time", createTime);
        node.put("f_update_time", updateTime);
        return node;
    }
}
