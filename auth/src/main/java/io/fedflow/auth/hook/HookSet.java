package io.fedflow.auth.hook;

import io.fedflow.auth.client.ClientAuthenticator;
import io.fedflow.auth.permission.GrantStore;
import io.fedflow.auth.permission.PermissionSwitches;
import io.fedflow.auth.site.PeerKeys;
import io.fedflow.auth.site.SiteSigner;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The four hooks in force at a node: the built-ins, each replaceable by a registered remote service.
 *
 * @param signature            signs outbound site calls
 * @param siteAuthentication   checks inbound site signatures
 * @param clientAuthentication checks client requests (consulted only when client authentication is on)
 * @param permission           checks inbound jobs
 */
public record HookSet(
        SignatureHook signature,
        SiteAuthenticationHook siteAuthentication,
        ClientAuthenticationHook clientAuthentication,
        PermissionHook permission) {

    /** The built-in hooks. */
    public static HookSet builtin(
            SiteSigner signer, PeerKeys peerKeys, ClientAuthenticator clientAuthenticator, GrantStore grants,
            PermissionSwitches switches) {
        return new HookSet(
                new BuiltinSignatureHook(signer),
                new BuiltinSiteAuthenticationHook(peerKeys),
                new BuiltinClientAuthenticationHook(clientAuthenticator),
                new BuiltinPermissionHook(grants, switches));
    }

    /** This set with the hook that {@code service} is registered for replaced by an HTTP client of it. */
    public HookSet withRemote(RemoteHookService service, HttpClient http, Duration timeout) {
        HttpJsonHook remote = new HttpJsonHook(service, http, timeout);
        return switch (service.hook()) {
            case SIGNATURE -> new HookSet(new HttpSignatureHook(remote), siteAuthentication, clientAuthentication,
                    permission);
            case SITE_AUTHENTICATION -> new HookSet(signature, new HttpSiteAuthenticationHook(remote),
                    clientAuthentication, permission);
            case CLIENT_AUTHENTICATION -> new HookSet(signature, siteAuthentication,
                    new HttpClientAuthenticationHook(remote), permission);
            case PERMISSION -> new HookSet(signature, siteAuthentication, clientAuthentication,
                    new HttpPermissionHook(remote));
        };
    }
}
