package io.fedflow.auth.client;

import io.fedflow.proto.RetCode;

/**
 * Outcome of authenticating a client request.
 *
 * @param refusal why it was refused, null when accepted
 * @param message FATE-Flow's message for that refusal ("success" when accepted)
 */
public record ClientVerdict(ClientRefusal refusal, String message) {
    private static final ClientVerdict OK = new ClientVerdict(null, "success");

    public static ClientVerdict ok() {
        return OK;
    }

    public static ClientVerdict refused(ClientRefusal refusal, String message) {
        return new ClientVerdict(refusal, message);
    }

    public boolean accepted() {
        return refusal == null;
    }

    /** 0 when accepted, else 109 (AUTHENTICATION_ERROR) as FATE-Flow answers. */
    public int retcode() {
        return accepted() ? RetCode.SUCCESS.code() : RetCode.AUTHENTICATION_ERROR.code();
    }
}
