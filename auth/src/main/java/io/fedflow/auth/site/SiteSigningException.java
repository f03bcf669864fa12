package io.fedflow.auth.site;

/** No signature could be made for an outbound site call, so the call must not be sent. */
public final class SiteSigningException extends RuntimeException {
    private final int code;

    public SiteSigningException(int code, String message) {
        super(message);
        this.code = code;
    }

    /** FATE-style code of the failure (100 when a remote signature hook failed). */
    public int code() {
        return code;
    }
}
