package io.fedflow.auth.hook;

/** FATE's {@code client_authentication} hook: checks a client request. */
@FunctionalInterface
public interface ClientAuthenticationHook {
    HookResult authenticate(ClientAuthenticationParameters parameters);
}
