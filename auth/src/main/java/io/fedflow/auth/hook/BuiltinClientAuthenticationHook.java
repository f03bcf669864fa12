package io.fedflow.auth.hook;

import io.fedflow.auth.client.ClientAuthenticator;
import io.fedflow.auth.client.ClientVerdict;

/** The built-in {@code client_authentication} hook: FATE's HMAC scheme through {@link ClientAuthenticator}. */
public final class BuiltinClientAuthenticationHook implements ClientAuthenticationHook {
    private final ClientAuthenticator authenticator;

    public BuiltinClientAuthenticationHook(ClientAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public HookResult authenticate(ClientAuthenticationParameters parameters) {
        ClientVerdict verdict = authenticator.authenticate(parameters.toClientRequest());
        return new HookResult(verdict.retcode(), verdict.message());
    }
}
