package io.fedflow.auth.hook;

/**
 * What a checking hook answers (FATE's AuthenticationReturn, ClientAuthenticationReturn, PermissionReturn).
 *
 * @param code    0 to accept; otherwise the code the caller reports (109 authentication, 1/2/3 permission,
 *                100 when a remote hook failed)
 * @param message why, for the caller
 */
public record HookResult(int code, String message) {
    private static final HookResult OK = new HookResult(0, "success");

    public static HookResult ok() {
        return OK;
    }

    public boolean accepted() {
        return code == 0;
    }
}
