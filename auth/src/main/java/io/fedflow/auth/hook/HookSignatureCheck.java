package io.fedflow.auth.hook;

import io.fedflow.auth.site.Refusal;
import io.fedflow.auth.site.SignatureCheck;
import io.fedflow.auth.site.SiteRequest;
import io.fedflow.auth.site.Verdict;

/**
 * Checks inbound site signatures through a {@link SiteAuthenticationHook}, e.g. a registered remote
 * one; the hook's refusal becomes a BAD_SIGNATURE verdict carrying the hook's own code and message.
 */
public final class HookSignatureCheck implements SignatureCheck {
    private final SiteAuthenticationHook hook;

    public HookSignatureCheck(SiteAuthenticationHook hook) {
        this.hook = hook;
    }

    @Override
    public Verdict check(SiteRequest request, String signature) {
        HookResult result = hook.authenticate(
                new AuthenticationParameters(request.sourceParty(), signature, request.canonicalString()));
        return result.accepted() ? Verdict.ok() : new Verdict(Refusal.BAD_SIGNATURE, result.message(), result.code());
    }
}
