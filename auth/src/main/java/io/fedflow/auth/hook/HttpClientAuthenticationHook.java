package io.fedflow.auth.hook;

/** A registered remote {@code client_authentication} service. */
public final class HttpClientAuthenticationHook implements ClientAuthenticationHook {
    private final HttpJsonHook remote;

    public HttpClientAuthenticationHook(HttpJsonHook remote) {
        this.remote = remote;
    }

    @Override
    public HookResult authenticate(ClientAuthenticationParameters parameters) {
        HttpJsonHook.Reply reply = remote.call(parameters.toJson());
        return new HookResult(reply.code(), reply.message());
    }
}
