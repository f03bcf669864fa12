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
            case SIGNATURE -> withSignature(new HttpSignatureHook(remote));
            case SITE_AUTHENTICATION -> withSiteAuthentication(new HttpSiteAuthenticationHook(remote));
            case CLIENT_AUTHENTICATION -> withClientAuthentication(new HttpClientAuthenticationHook(remote));
            case PERMISSION -> withPermission(new HttpPermissionHook(remote));
        };
    }

    public HookSet withSignature(SignatureHook hook) {
        return new HookSet(hook, siteAuthentication, clientAuthentication, permission);
    }

    public HookSet withSiteAuthentication(SiteAuthenticationHook hook) {
        return new HookSet(signature, hook, clientAuthentication, permission);
    }

    public HookSet withClientAuthentication(ClientAuthenticationHook hook) {
        return new HookSet(signature, siteAuthentication, hook, permission);
    }

    public HookSet withPermission(PermissionHook hook) {
        return new HookSet(signature, siteAuthentication, clientAuthentication, hook);
    }
}
