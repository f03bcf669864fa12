package io.fedflow.node.core;

import java.util.Locale;

/**
 * What this node's outbound site calls carry ({@code --site-call-auth}). Either way an inbound call may
 * carry either while the built-in site authentication is in force.
 */
public enum SiteCallAuth {
    /** HMAC-SHA256 with the key the two sites derive from their Ed25519 keys: a few microseconds a call. */
    MAC,
    /** An Ed25519 signature per call: what a registered remote {@code site_authentication} hook can check. */
    SIGNATURE;

    /** {@code mac} or {@code signature}, any case. */
    public static SiteCallAuth parse(String text) {
        for (SiteCallAuth mode : values()) {
            if (mode.name().equalsIgnoreCase(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("site call authentication must be mac or signature, got " + text);
    }

    /** As the flag spells it. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
