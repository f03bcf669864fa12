package io.fedflow.auth.hook;

import java.util.Optional;

/** FATE-Flow's hooks, by the {@code service_name} a remote service is registered under. */
public enum HookName {
    /** Makes the signature of an outbound site request. */
    SIGNATURE("signature"),
    /** Checks the signature of an inbound site request. */
    SITE_AUTHENTICATION("site_authentication"),
    /** Checks a client request (off by default). */
    CLIENT_AUTHENTICATION("client_authentication"),
    /** Checks an inbound job against the grants. */
    PERMISSION("permission");

    private final String serviceName;

    HookName(String serviceName) {
        this.serviceName = serviceName;
    }

    /** The {@code service_name} of {@code /v1/service/registry}. */
    public String serviceName() {
        return serviceName;
    }

    public static Optional<HookName> fromServiceName(String serviceName) {
        for (HookName name : values()) {
            if (name.serviceName.equals(serviceName)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }
}
