package io.fedflow.node.hook;

import io.fedflow.auth.hook.GrpcHookClient;
import io.fedflow.auth.hook.HookName;
import io.fedflow.auth.hook.HookSet;
import io.fedflow.auth.hook.RemoteHookService;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hooks in force at this node: the built-ins, each replaced by the registered service of that
 * {@code service_name} (the most recently registered one when several servers offer it). Rebuilt from
 * the registrations in PostgreSQL on every register, delete and {@code /v1/server/reload}; readers see
 * one whole set at a time.
 *
 * <p>A gRPC registration gets its own channel, shut down when a rebuild replaces it (calls in flight
 * finish first). HTTP registrations share one {@link HttpClient}.
 */
public final class HookRegistry implements AutoCloseable {
    /** FATE-Flow's remote_request_timeout, the bound on every remote hook call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger logger = LoggerFactory.getLogger(HookRegistry.class);

    private final HookSet builtin;
    private final RegistryStore store;
    private final HttpClient http;
    private final Duration timeout;
    private volatile Installed installed;

    /** What is in force, with the channels it owns and which registration replaced each hook. */
    private record Installed(HookSet hooks, List<GrpcHookClient> channels, Map<HookName, ServiceRegistration> remote) {}

    public HookRegistry(HookSet builtin, RegistryStore store, Duration timeout) {
        this.builtin = builtin;
        this.store = store;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.installed = new Installed(builtin, List.of(), Map.of());
    }

    /** The hooks in force now. */
    public HookSet current() {
        return installed.hooks();
    }

    /** The registration in force for a hook, empty while the built-in is. */
    public Optional<ServiceRegistration> registrationOf(HookName hook) {
        return Optional.ofNullable(installed.remote().get(hook));
    }

    /** Re-reads the registrations and installs the hooks they decide. */
    public synchronized void reload() {
        Map<HookName, ServiceRegistration> chosen = new EnumMap<>(HookName.class);
        // least recently updated first, so the latest registration of a hook wins
        for (ServiceRegistration s : store.allServices()) {
            HookName.fromServiceName(s.serviceName()).ifPresent(hook -> chosen.put(hook, s));
        }
        HookSet hooks = builtin;
        List<GrpcHookClient> channels = new ArrayList<>();
        for (Map.Entry<HookName, ServiceRegistration> e : chosen.entrySet()) {
            ServiceRegistration s = e.getValue();
            if (ServiceRegistry.GRPC.equals(s.protocol())) {
                GrpcHookClient client = openGrpc(e.getKey(), s);
                channels.add(client);
                hooks = client.installIn(hooks);
            } else {
                hooks = hooks.withRemote(new RemoteHookService(e.getKey(), s.method(), URI.create(s.url()), s.data()),
                        http, timeout);
            }
        }
        Installed previous = installed;
        installed = new Installed(hooks, List.copyOf(channels), Map.copyOf(chosen));
        previous.channels().forEach(GrpcHookClient::close);
        if (!chosen.isEmpty() || !previous.remote().isEmpty()) {
            logger.info("hooks in force: {}", describe(chosen));
        }
    }

    private GrpcHookClient openGrpc(HookName hook, ServiceRegistration s) {
        ServerRegistration server = store.server(s.serverName()).orElseThrow(() -> new IllegalStateException(
                "service " + s.serviceName() + " names server " + s.serverName() + ", which is not registered"));
        // plain text: a gRPC hook runs beside the node, as FATE's http hooks do
        return GrpcHookClient.open(hook, server.host(), server.port(), false, timeout);
    }

    private static String describe(Map<HookName, ServiceRegistration> chosen) {
        StringBuilder out = new StringBuilder();
        for (HookName hook : HookName.values()) {
            ServiceRegistration s = chosen.get(hook);
            out.append(out.length() == 0 ? "" : ", ").append(hook.serviceName()).append('=')
                    .append(s == null ? "builtin" : s.serverName() + " " + s.url());
        }
        return out.toString();
    }

    @Override
    public synchronized void close() {
        installed.channels().forEach(GrpcHookClient::close);
        installed = new Installed(builtin, List.of(), Map.of());
    }
}
