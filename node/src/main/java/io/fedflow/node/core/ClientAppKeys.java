package io.fedflow.node.core;

import java.util.Map;

/**
 * The APP_KEYs that client authentication accepts, each with its HMAC secret (FATE-Flow's
 * http_app_key / http_secret_key). Its text form names the keys, never the secrets, so a logged
 * config leaks nothing.
 */
public record ClientAppKeys(Map<String, String> secretsByAppKey) {
    public ClientAppKeys {
        secretsByAppKey = secretsByAppKey == null ? Map.of() : Map.copyOf(secretsByAppKey);
    }

    public static ClientAppKeys none() {
        return new ClientAppKeys(Map.of());
    }

    public static ClientAppKeys of(String appKey, String secret) {
        return new ClientAppKeys(Map.of(appKey, secret));
    }

    @Override
    public String toString() {
        return "ClientAppKeys" + secretsByAppKey.keySet();
    }
}
