package io.fedflow.auth.hook;

/** FATE's {@code signature} hook: signs an outbound site request. */
@FunctionalInterface
public interface SignatureHook {
    SignatureResult sign(SignatureParameters parameters);
}
