package io.fedflow.node.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.auth.hook.HookName;
import io.fedflow.node.core.FlowException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * FATE's server and service registration: checks what is registered, keeps it in the {@link RegistryStore}
 * and rebuilds the {@link HookRegistry} after every change, so a registered hook is in force on return.
 */
public final class ServiceRegistry {
    public static final String HTTP = "http";
    public static final String HTTPS = "https";
    public static final String GRPC = "grpc";
    /** The hooks, and the data services ApiReader calls ({@link RegisteredDataServices}). */
    public static final List<String> SERVICE_NAMES = List.of("signature", "site_authentication",
            "client_authentication", "permission", "upload", "query", "download");

    private static final Set<String> PROTOCOLS = Set.of(HTTP, HTTPS, GRPC);
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH");
    private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,30}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.:\\[\\]-]{1,255}");

    private final RegistryStore store;
    private final HookRegistry hooks;

    public ServiceRegistry(RegistryStore store, HookRegistry hooks) {
        this.store = store;
        this.hooks = hooks;
    }

    /** Registers or moves a server; {@code port} as FATE's clients send it, a number or a numeric string. */
    public ServerRegistration registerServer(String name, String host, JsonNode port, String protocol) {
        ServerRegistration registration = serverRegistration(name, host, port, protocol);
        store.saveServer(registration);
        hooks.reload();
        return registration;
    }

    /**
     * FATE's batch form of /v1/service/registry: {@code {NAME: {host, port, protocol?, api: {service: {uri,
     * method?}}}}}. Every server and service is checked before any is saved, so a bad entry saves nothing.
     * Answers FATE's {@code {NAME: {host, port, protocol}}} of the servers saved.
     */
    public ObjectNode registerBatch(JsonNode batch) {
        if (batch == null || !batch.isObject() || batch.isEmpty()) {
            throw FlowException.argument("required argument are missing: server_name (or FATE's batch form "
                    + "{SERVER: {host, port, api: {service_name: {uri}}}})");
        }
        List<ServerRegistration> servers = new ArrayList<>();
        List<ServiceRegistration> services = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : batch.properties()) {
            JsonNode info = e.getValue();
            if (!info.isObject()) {
                throw FlowException.argument("required argument are missing: server_name; read as FATE's batch "
                        + "form {SERVER: {host, port, api}}, '" + e.getKey() + "' is not a server object");
            }
            ServerRegistration server = serverRegistration(e.getKey(), info.path("host").asText(null),
                    info.get("port"), info.path("protocol").asText(null));
            servers.add(server);
            JsonNode api = info.path("api");
            if (!api.isMissingNode() && !api.isObject()) {
                throw FlowException.argument("api of server " + e.getKey() + " must be an object {service_name: "
                        + "{uri, method}}");
            }
            for (Map.Entry<String, JsonNode> a : api.properties()) {
                services.add(serviceRegistration(server, a.getKey(), a.getValue().path("uri").asText(null),
                        a.getValue().path("method").asText(null), a.getValue().path("protocol").asText(null),
                        null, null, null));
            }
        }
        ObjectNode saved = JsonNodeFactory.instance.objectNode();
        servers.forEach(server -> {
            store.saveServer(server);
            saved.set(server.name(), server.toJson());
        });
        services.forEach(store::saveService);
        hooks.reload();
        return saved;
    }

    private ServerRegistration serverRegistration(String name, String host, JsonNode port, String protocol) {
        String server = serverName(name);
        if (host == null || host.isBlank()) {
            throw FlowException.argument("required argument are missing: host");
        }
        if (!HOST.matcher(host.strip()).matches()) {
            throw FlowException.argument("host " + host + " is not a host name or address");
        }
        return new ServerRegistration(server, host.strip(), port(port), protocol(protocol, HTTP));
    }

    public ServerRegistration server(String name) {
        String server = serverName(name);
        return store.server(server).orElseThrow(() -> FlowException.notFound("server " + server
                + " is not registered"));
    }

    public List<ServerRegistration> servers() {
        return store.servers();
    }

    /** Deletes a server and the services registered on it; the built-ins take back the hooks they served. */
    public ServerRegistration deleteServer(String name) {
        ServerRegistration server = server(name);
        store.deleteServer(server.name());
        hooks.reload();
        return server;
    }

    public void reload() {
        hooks.reload();
    }

    /** Registers (or replaces) a service of a registered server. */
    public ServiceRegistration registerService(String serverName, String serviceName, String uri, String method,
                                               String protocol, ObjectNode params, ObjectNode data,
                                               ObjectNode headers) {
        String name = serverName(serverName);
        ServerRegistration server = store.server(name).orElseThrow(() -> FlowException.notFound("server " + name
                + " is not registered: register it first with /v1/server/" + name + "/register"));
        ServiceRegistration registration = serviceRegistration(server, serviceName, uri, method, protocol, params,
                data, headers);
        store.saveService(registration);
        hooks.reload();
        return registration;
    }

    private ServiceRegistration serviceRegistration(ServerRegistration server, String serviceName, String uri,
                                                    String method, String protocol, ObjectNode params,
                                                    ObjectNode data, ObjectNode headers) {
        if (serviceName == null || serviceName.isBlank()) {
            throw FlowException.argument("required argument are missing: service_name");
        }
        String service = serviceName.strip();
        if (!SERVICE_NAMES.contains(service)) {
            throw FlowException.argument("service_name " + service + " is not one of " + SERVICE_NAMES);
        }
        String serviceProtocol = protocol(protocol, server.protocol());
        boolean grpc = GRPC.equals(serviceProtocol);
        if (grpc && HookName.fromServiceName(service).isEmpty()) {
            throw FlowException.argument("protocol grpc serves the hooks only (signature, site_authentication, "
                    + "client_authentication, permission), not " + service);
        }
        String path = uri == null ? "" : uri.strip();
        if (path.isEmpty() && !grpc) {
            throw FlowException.argument("required argument are missing: uri");
        }
        if (!path.isEmpty() && !path.startsWith("/")) {
            throw FlowException.argument("uri must be a path starting with '/', got " + path);
        }
        String verb = method == null || method.isBlank() ? "POST" : method.strip().toUpperCase(Locale.ROOT);
        if (!METHODS.contains(verb)) {
            throw FlowException.argument("method " + method + " is not one of " + METHODS);
        }
        ServiceRegistration registration = new ServiceRegistration(server.name(), service, path,
                server.urlOf(serviceProtocol, path), verb, serviceProtocol, params, data, headers, 0, 0);
        try {
            URI.create(registration.url());
        } catch (IllegalArgumentException e) {
            throw FlowException.argument("uri " + path + " does not make a valid URL: " + e.getMessage());
        }
        return registration;
    }

    /** FATE's {@code /v1/service/query} answer: {@code {"service_info": [rows]}}. */
    public ObjectNode query(String serviceName, String serverName) {
        if (serviceName == null || serviceName.isBlank()) {
            throw FlowException.argument("required argument are missing: service_name");
        }
        String server = serverName == null || serverName.isBlank() ? null : serverName(serverName);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        var rows = out.putArray("service_info");
        store.services(serviceName.strip(), server).forEach(s -> rows.add(s.toJson()));
        return out;
    }

    private static String serverName(String name) {
        if (name == null || name.isBlank()) {
            throw FlowException.argument("required argument are missing: server_name");
        }
        if (!SERVER_NAME.matcher(name.strip()).matches()) {
            throw FlowException.argument("server_name " + name
                    + " must be 1 to 30 letters, digits, '_', '.' or '-'");
        }
        return name.strip().toUpperCase(Locale.ROOT);
    }

    private static int port(JsonNode port) {
        if (port == null || port.isNull() || port.isMissingNode() || port.asText().isBlank()) {
            throw FlowException.argument("required argument are missing: port");
        }
        int value;
        if (port.isIntegralNumber() && port.canConvertToInt()) {
            value = port.intValue();
        } else if (port.isTextual() && port.textValue().strip().matches("\\d{1,5}")) {
            value = Integer.parseInt(port.textValue().strip());
        } else {
            throw FlowException.argument("port must be an integer from 1 to 65535, got " + port);
        }
        if (value < 1 || value > 65535) {
            throw FlowException.argument("port must be an integer from 1 to 65535, got " + value);
        }
        return value;
    }

    private static String protocol(String protocol, String otherwise) {
        if (protocol == null || protocol.isBlank()) {
            return otherwise;
        }
        String p = protocol.strip().toLowerCase(Locale.ROOT);
        if (!PROTOCOLS.contains(p)) {
            throw FlowException.argument("protocol " + protocol + " is not one of http, https, grpc");
        }
        return p;
    }
}
