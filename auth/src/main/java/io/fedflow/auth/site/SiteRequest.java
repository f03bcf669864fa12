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

    /** One digest per thread: {@code MessageDigest.getInstance} looks the provider up anew each time. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    });

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

    /**
     * UTF-8 of {@link #canonicalString()}: the bytes the Ed25519 signature or the MAC is made over. Written
     * straight into one array when every field is ASCII (ids, method names, base64 and hex always are), which
     * every call does at both ends; through the string otherwise.
     */
    public byte[] canonicalBytes() {
        String timestamp = Long.toString(timestampMs);
        byte[] out = new byte[FORMAT_VERSION.length() + method.length() + sourceParty.length()
                + destinationParty.length() + timestamp.length() + nonce.length() + bodySha256Hex.length() + 6];
        int at = putAscii(out, 0, FORMAT_VERSION);
        for (String line : new String[] {method, sourceParty, destinationParty, timestamp, nonce, bodySha256Hex}) {
            if (at < 0) {
                break;
            }
            out[at] = '\n';
            at = putAscii(out, at + 1, line);
        }
        return at < 0 ? canonicalString().getBytes(StandardCharsets.UTF_8) : out;
    }

    /** Writes {@code s} at {@code at}; the index after it, or -1 at a character that is not ASCII. */
    private static int putAscii(byte[] out, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return -1;
            }
            out[at + i] = (byte) c;
        }
        return at + s.length();
    }

    /** SHA-256 of {@code bytes} in lower-case hex. */
    public static String sha256Hex(byte[] bytes) {
        MessageDigest sha256 = SHA256.get();
        // digest() resets it for the thread's next call, as a fresh instance would be.
        return HexFormat.of().formatHex(sha256.digest(bytes));
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
