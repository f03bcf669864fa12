package io.fedflow.auth.site;

import java.security.MessageDigest;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The MAC of a site request: HMAC-SHA256 with the pair's key ({@link SiteMacKeys}) over the same
 * canonical bytes a signature covers ({@link SiteRequest#canonicalBytes()}), base64 in the
 * {@link SiteHeaders#MAC} header.
 */
public final class SiteMac {
    private static final int MAC_BYTES = 32;

    private SiteMac() {
    }

    /** The MAC of {@code request} under {@code key}, base64. */
    public static String of(byte[] key, SiteRequest request) {
        return Base64.getEncoder().encodeToString(compute(key, request.canonicalBytes()));
    }

    /** Whether {@code mac} (base64) is the MAC of {@code request} under {@code key}; constant time in the MAC. */
    public static boolean matches(byte[] key, SiteRequest request, String mac) {
        byte[] given;
        try {
            given = Base64.getDecoder().decode(mac);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return given.length == MAC_BYTES && MessageDigest.isEqual(compute(key, request.canonicalBytes()), given);
    }

    private static byte[] compute(byte[] key, byte[] message) {
        // One HMac per call: it holds state, and the key schedule is two SHA-256 blocks.
        HMac hmac = new HMac(new SHA256Digest());
        hmac.init(new KeyParameter(key));
        hmac.update(message, 0, message.length);
        byte[] out = new byte[MAC_BYTES];
        hmac.doFinal(out, 0);
        return out;
    }
}
