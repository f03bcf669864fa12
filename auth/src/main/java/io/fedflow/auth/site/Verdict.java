package io.fedflow.auth.site;

import io.fedflow.proto.RetCode;

/**
 * Outcome of verifying an inbound site request.
 *
 * @param refusal why it was refused, null when accepted
 * @param message for the caller: names the party and the problem ("success" when accepted)
 * @param retcode 0 when accepted; 109 (AUTHENTICATION_ERROR) for a refusal, or a remote hook's own code
 */
public record Verdict(Refusal refusal, String message, int retcode) {
    private static final Verdict OK = new Verdict(null, "success", RetCode.SUCCESS.code());

    public static Verdict ok() {
        return OK;
    }

    public static Verdict refused(Refusal refusal, String message) {
        return new Verdict(refusal, message, RetCode.AUTHENTICATION_ERROR.code());
    }

    public boolean accepted() {
        return refusal == null;
    }
}
