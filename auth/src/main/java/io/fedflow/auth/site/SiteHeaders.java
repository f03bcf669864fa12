package io.fedflow.auth.site;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The site-authentication headers of one call, as carried in gRPC metadata; any may be missing (null).
 *
 * @param sourceParty      {@value #SOURCE_PARTY}
 * @param destinationParty {@value #DESTINATION_PARTY}
 * @param timestamp        {@value #TIMESTAMP}: epoch milliseconds
 * @param nonce            {@value #NONCE}
 * @param signature        {@value #SIGNATURE}: base64 of the 64-byte Ed25519 signature
 * @param mac              {@value #MAC}: base64 of the 32-byte HMAC-SHA256 with the pair's key ({@link SiteMac});
 *                         a call carries a signature or a MAC, not both
 */
public record SiteHeaders(String sourceParty, String destinationParty, String timestamp, String nonce, String signature,
                          String mac) {
    public static final String SOURCE_PARTY = "fedflow-src-party-id";
    public static final String DESTINATION_PARTY = "fedflow-dest-party-id";
    public static final String TIMESTAMP = "fedflow-timestamp";
    public static final String NONCE = "fedflow-nonce";
    public static final String SIGNATURE = "fedflow-site-signature";
    public static final String MAC = "fedflow-site-mac";

    /** Signed headers (no MAC). */
    public SiteHeaders(String sourceParty, String destinationParty, String timestamp, String nonce, String signature) {
        this(sourceParty, destinationParty, timestamp, nonce, signature, null);
    }

    /** Reads the six headers through {@code header} (name to value, null when absent). */
    public static SiteHeaders from(Function<String, String> header) {
        return new SiteHeaders(
                header.apply(SOURCE_PARTY),
                header.apply(DESTINATION_PARTY),
                header.apply(TIMESTAMP),
                header.apply(NONCE),
                header.apply(SIGNATURE),
                header.apply(MAC));
    }

    /** The headers present, by metadata key, in a stable order. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        putIfPresent(map, SOURCE_PARTY, sourceParty);
        putIfPresent(map, DESTINATION_PARTY, destinationParty);
        putIfPresent(map, TIMESTAMP, timestamp);
        putIfPresent(map, NONCE, nonce);
        putIfPresent(map, SIGNATURE, signature);
        putIfPresent(map, MAC, mac);
        return map;
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
