package io.fedflow.node;

import io.fedflow.auth.client.ClientAuthenticator;
import io.fedflow.auth.hook.HookSet;
import io.fedflow.auth.permission.GrantStore;
import io.fedflow.auth.permission.PermissionSwitches;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.node.component.ComponentRegistry;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.federation.PeerDirectory;
import io.fedflow.node.federation.PostgresReplayGuard;
import io.fedflow.node.hook.HookRegistry;
import io.fedflow.node.hook.RegistryGrpcService;
import io.fedflow.node.hook.RegistryStore;
import io.fedflow.node.hook.ServiceRegistry;
import io.fedflow.node.permission.PermissionGrpcService;
import io.fedflow.node.permission.PostgresGrantStore;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jooq.DSLContext;

/**
 * The hooks wired for one node: the built-ins (this site's key, the peers' keys, the app keys, the grants),
 * replaced by services registered with /v1/server and /v1/service; and the permission and registry APIs.
 */
final class HookWiring implements AutoCloseable {
    private final HookRegistry hooks;
    private final ClientPort clientPort;

    HookWiring(NodeConfig config, Clock clock, DSLContext dsl, SiteKeys siteKeys, PeerDirectory peers,
               ComponentRegistry registry) {
        PostgresGrantStore grants = new PostgresGrantStore(dsl, clock);
        RegistryStore registrations = new RegistryStore(dsl, clock);
        this.hooks = new HookRegistry(builtinHooks(config, siteKeys, peers, dsl, grants, clock), registrations,
                HookRegistry.DEFAULT_TIMEOUT);
        hooks.reload();
        this.clientPort = ClientPort.services(List.of(
                new PermissionGrpcService(grants, PermissionSwitches.all(), knownModules(registry)),
                new RegistryGrpcService(new ServiceRegistry(registrations, hooks))));
    }

    /** The built-in hooks: this site's key, the peers' keys, the app keys, the grants. */
    private static HookSet builtinHooks(NodeConfig config, SiteKeys siteKeys, PeerDirectory peers, DSLContext dsl,
                                        GrantStore grants, Clock clock) {
        // Permission enforcement can be switched off for demos; the grant APIs still work either way.
        PermissionSwitches switches = config.enforcePermission() ? PermissionSwitches.all() : PermissionSwitches.off();
        return HookSet.builtin(siteKeys.signer(), peers,
                new ClientAuthenticator(config.clientAppKeys().secretsByAppKey(), new PostgresReplayGuard(dsl, clock),
                        clock),
                grants, switches);
    }

    /** Lower-case module names and aliases, as permission grants name components. */
    private static Set<String> knownModules(ComponentRegistry registry) {
        Set<String> out = new HashSet<>();
        registry.all().forEach(d -> {
            out.add(d.module().toLowerCase(Locale.ROOT));
            d.aliases().forEach(a -> out.add(a.toLowerCase(Locale.ROOT)));
        });
        return out;
    }

    HookRegistry hooks() {
        return hooks;
    }

    ClientPort clientPort() {
        return clientPort;
    }

    @Override
    public void close() {
        hooks.close();
    }
}
