package io.fedflow.auth.permission;

import io.fedflow.proto.RetCode;

/**
 * Outcome of a permission check, with FATE-Flow's inner codes (its {@code CheckReturn}).
 *
 * @param code    {@link #SUCCESS}, {@link #NO_ROLE_PERMISSION}, {@link #NO_COMPONENT_PERMISSION} or
 *                {@link #NO_DATASET_PERMISSION} (a remote hook may answer other codes)
 * @param message e.g. {@code check component permission failed: heterolr}
 */
public record PermissionDecision(int code, String message) {
    public static final int SUCCESS = 0;
    /** Role or command not granted. */
    public static final int NO_ROLE_PERMISSION = 1;
    public static final int NO_COMPONENT_PERMISSION = 2;
    public static final int NO_DATASET_PERMISSION = 3;
    /** FATE-Flow's retmsg when it refuses a job; {@code data} then holds {code, message}. */
    public static final String REFUSED_RETMSG = "permission check failed";

    private static final PermissionDecision ALLOWED = new PermissionDecision(SUCCESS, "success");

    public static PermissionDecision allowed() {
        return ALLOWED;
    }

    public boolean isAllowed() {
        return code == SUCCESS;
    }

    /** The envelope's retcode: 0, or 108 (PERMISSION_ERROR) when refused. */
    public int retcode() {
        return isAllowed() ? RetCode.SUCCESS.code() : RetCode.PERMISSION_ERROR.code();
    }
}
