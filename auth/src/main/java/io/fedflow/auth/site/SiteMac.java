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

    /**
     * An HMac per thread (it holds state), keyed with the key it was last used with: a site MACs and checks its
     * calls under a few pair keys, and keying costs two SHA-256 blocks, more than a short request's MAC.
     */
    private static final ThreadLocal<KeyedHmac> KEYED = ThreadLocal.withInitial(KeyedHmac::new);

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
        HMac hmac = KEYED.get().under(key);
        hmac.update(message, 0, message.length);
        byte[] out = new byte[MAC_BYTES];
        hmac.doFinal(out, 0); // back to the keyed state, ready for the thread's next MAC under this key
        return out;
    }

    private static final class KeyedHmac {
        private final HMac hmac = new HMac(new SHA256Digest());
        private byte[] key;

        HMac under(byte[] wanted) {
            if (key == null || !MessageDigest.isEqual(key, wanted)) {
                hmac.init(new KeyParameter(wanted));
                key = wanted.clone();
            }
            return hmac;
        }
    }
}
