package io.fedflow.auth;

/** FATE-Flow return codes that authentication and permission decisions map to. */
public final class AuthRetCode {
    public static final int SUCCESS = 0;
    /** FATE's EXCEPTION_ERROR: what a failing (unreachable, non-200) remote hook becomes. */
    public static final int EXCEPTION_ERROR = 100;
    /** FATE's PERMISSION_ERROR (1.9+): an inbound job refused by the permission check. */
    public static final int PERMISSION_ERROR = 108;
    /** FATE's AUTHENTICATION_ERROR (1.9+): a client or site request refused by authentication. */
    public static final int AUTHENTICATION_ERROR = 109;

    private AuthRetCode() {
    }
}
