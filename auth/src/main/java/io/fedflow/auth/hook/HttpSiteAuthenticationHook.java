package io.fedflow.auth.hook;

/** A registered remote {@code site_authentication} service. */
public final class HttpSiteAuthenticationHook implements SiteAuthenticationHook {
    private final HttpJsonHook remote;

    public HttpSiteAuthenticationHook(HttpJsonHook remote) {
        this.remote = remote;
    }

    @Override
    public HookResult authenticate(AuthenticationParameters parameters) {
        HttpJsonHook.Reply reply = remote.call(parameters.toJson());
        return new HookResult(reply.code(), reply.message());
    }
}
