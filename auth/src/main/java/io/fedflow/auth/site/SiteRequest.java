package io.fedflow.auth.site;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a site signature covers: one call from a source party to a destination party.
 *
 * <p>The signed bytes are the UTF-8 of {@link #canonicalString()}: seven lines joined by {@code '\n'},
 * no trailing newline:
 * <pre>
 * fedflow-site-v1
 * &lt;method: the gRPC full method name, e.g. fedflow.v1.PartyService/CreateJob&gt;
 * &lt;source party id&gt;
 * &lt;destination party id&gt;
 * &lt;timestamp: epoch milliseconds, decimal&gt;
 * &lt;nonce: 128 random bits, base64url without padding&gt;
 * &lt;SHA-256 of the serialized request message, lower-case hex&gt;
 * </pre>
 * The version line lets a later format coexist; no field may contain a line break, so the string
 * has exactly one reading.
 *
 * @param method           gRPC full method name (service/method, no leading slash)
 * @param sourceParty      the calling party's id
 * @param destinationParty the called party's id
 * @param timestampMs      when the caller signed, epoch milliseconds
 * @param nonce            a value the caller never reuses
 * @param bodySha256Hex    SHA-256 of the request bytes, lower-case hex
 */
public record SiteRequest(
        String method,
        String sourceParty,
        String destinationParty,
        long timestampMs,
        String nonce,
        String bodySha256Hex) {

    /** First line of the canonical string; bump it when the format changes. */
    public static final String FORMAT_VERSION = "fedflow-site-v1";

    public SiteRequest {
        requireLine("method", method);
        requireLine("source party", sourceParty);
        requireLine("destination party", destinationParty);
        requireLine("nonce", nonce);
        requireLine("body hash", bodySha256Hex);
    }

    /** A request over {@code body}, hashing it. */
    public static SiteRequest of(
            String method, String sourceParty, String destinationParty, long timestampMs, String nonce, byte[] body) {
        return new SiteRequest(method, sourceParty, destinationParty, timestampMs, nonce, sha256Hex(body));
    }

    /** The string that is signed; see the class comment for its format. */
    public String canonicalString() {
        return String.join("\n",
                FORMAT_VERSION,
                method,
                sourceParty,
                destinationParty,
                Long.toString(timestampMs),
                nonce,
                bodySha256Hex);
    }

    /** UTF-8 of {@link #canonicalString()}: the bytes the Ed25519 signature is made over. */
    public byte[] canonicalBytes() {
        return canonicalString().getBytes(StandardCharsets.UTF_8);
    }

    /** SHA-256 of {@code bytes} in lower-case hex. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void requireLine(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("site request " + what + " is empty");
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("site request " + what + " contains a line break");
        }
    }
}
