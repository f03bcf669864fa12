package io.fedflow.auth.site;

import io.fedflow.auth.AuthRetCode;

/**
 * Outcome of verifying an inbound site request.
 *
 * @param refusal why it was refused, null when accepted
 * @param message for the caller: names the party and the problem ("success" when accepted)
 * @param retcode 0 when accepted; 109 (AUTHENTICATION_ERROR) for a refusal, or a remote hook's own code
 */
public record Verdict(Refusal refusal, String message, int retcode) {
    private static final Verdict OK = new Verdict(null, "success", AuthRetCode.SUCCESS);

    public static Verdict ok() {
        return OK;
    }

    public static Verdict refused(Refusal refusal, String message) {
        return new Verdict(refusal, message, AuthRetCode.AUTHENTICATION_ERROR);
    }

    public boolean accepted() {
        return refusal == null;
    }
}
