package io.fedflow.node.component.builtin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.digests.SM3Digest;

/**
 * A hash of ids by FATE's name for it (md5, sha1, sha224, sha256, sha384, sha512, sm3); "none" is the
 * identity. SM3 is not in the JDK, so it comes from BouncyCastle.
 *
 * @param method FATE's lower-case name
 * @param salt appended to each id before hashing, as FATE's encode and rsa params do
 */
record IdDigest(String method, String salt) {
    static final List<String> ALL = List.of("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sm3");
    private static final Map<String, String> JDK = Map.of("md5", "MD5", "sha1", "SHA-1", "sha224", "SHA-224",
            "sha256", "SHA-256", "sha384", "SHA-384", "sha512", "SHA-512");

    byte[] digest(String value) {
        byte[] in = (value + salt).getBytes(StandardCharsets.UTF_8);
        if ("sm3".equals(method)) {
            SM3Digest d = new SM3Digest();
            d.update(in, 0, in.length);
            byte[] out = new byte[d.getDigestSize()];
            d.doFinal(out, 0);
            return out;
        }
        try {
            return MessageDigest.getInstance(JDK.get(method)).digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + method, e);
        }
    }

    String hex(String value) {
        return HexFormat.of().formatHex(digest(value));
    }
}
