package io.fedflow.auth.hook;

/** FATE's {@code site_authentication} hook: checks the signature of an inbound site request. */
@FunctionalInterface
public interface SiteAuthenticationHook {
    HookResult authenticate(AuthenticationParameters parameters);
}
