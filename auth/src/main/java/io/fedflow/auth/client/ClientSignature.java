package io.fedflow.auth.client;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * FATE's client request signature: {@code base64(HMAC-SHA1(secret, TIMESTAMP \n NONCE \n APP_KEY \n
 * path_url \n json_body \n form))}, as FATE's SDK, {@code flow} CLI and FATE-Flow compute it.
 *
 * <p>{@code path_url} is the path with {@code ?} and the raw query when there is one; {@code json_body}
 * the raw body bytes of a JSON call, else nothing; {@code form} the form fields sorted and joined as
 * Python's {@code urlencode(sorted(form.items()), quote_via=quote, safe='-._~')}, else nothing.
 */
public final class ClientSignature {
    private static final String HMAC_SHA1 = "HmacSHA1";
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private ClientSignature() {
    }

    /** The SIGNATURE header value for these parts. */
    public static String compute(
            String secretKey, String timestamp, String nonce, String appKey, String pathUrl, byte[] jsonBody,
            Map<String, String> form) {
        Mac mac;
        try {
            mac = Mac.getInstance(HMAC_SHA1);
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), HMAC_SHA1));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA1 is unavailable", e);
        }
        byte[] newline = {'\n'};
        mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
        mac.update(newline);
        mac.update(nonce.getBytes(StandardCharsets.UTF_8));
        mac.update(newline);
        mac.update(appKey.getBytes(StandardCharsets.UTF_8));
        mac.update(newline);
        mac.update(pathUrl.getBytes(StandardCharsets.UTF_8));
        mac.update(newline);
        mac.update(jsonBody);
        mac.update(newline);
        mac.update(formString(form).getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(mac.doFinal());
    }

    /**
     * Python's {@code urlencode(sorted(form.items()), quote_via=quote, safe='-._~')}: fields sorted by
     * name then value (by code point), UTF-8 percent-encoded with upper-case hex except unreserved
     * characters, so a space is {@code %20} and a slash {@code %2F}. Empty for no fields.
     */
    public static String formString(Map<String, String> form) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(form.entrySet());
        fields.sort((a, b) -> {
            int byName = compareCodePoints(a.getKey(), b.getKey());
            return byName != 0 ? byName : compareCodePoints(a.getValue(), b.getValue());
        });
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> field : fields) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(quote(field.getKey())).append('=').append(quote(field.getValue()));
        }
        return out.toString();
    }

    /** Python's {@code urllib.parse.quote(s, safe='-._~')}. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append((char) HEX[c >> 4]).append((char) HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
