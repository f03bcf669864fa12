package io.fedflow.auth.hook;

/**
 * Output of the {@code signature} hook (FATE's SignatureReturn).
 *
 * @param code          0 when signed; otherwise why not (100 when a remote hook failed)
 * @param siteSignature the signature, null when not signed
 * @param message       "success", or what went wrong
 */
public record SignatureResult(int code, String siteSignature, String message) {
    public static SignatureResult signed(String siteSignature) {
        return new SignatureResult(0, siteSignature, "success");
    }

    public static SignatureResult failed(int code, String message) {
        return new SignatureResult(code, null, message);
    }

    public boolean signed() {
        return code == 0 && siteSignature != null && !siteSignature.isEmpty();
    }
}
