package io.fedflow.auth.hook;

import io.fedflow.auth.site.PeerKeySignatureCheck;
import io.fedflow.auth.site.PeerKeys;
import io.fedflow.auth.site.Verdict;
import io.fedflow.proto.RetCode;
import java.nio.charset.StandardCharsets;

/** The built-in {@code site_authentication} hook: the source party's Ed25519 key must have signed the body. */
public final class BuiltinSiteAuthenticationHook implements SiteAuthenticationHook {
    private final PeerKeySignatureCheck check;

    public BuiltinSiteAuthenticationHook(PeerKeys peerKeys) {
        this.check = new PeerKeySignatureCheck(peerKeys);
    }

    @Override
    public HookResult authenticate(AuthenticationParameters parameters) {
        if (parameters.siteSignature() == null || parameters.siteSignature().isEmpty()) {
            return new HookResult(RetCode.AUTHENTICATION_ERROR.code(),
                    "site request from party " + parameters.srcPartyId() + " carries no site signature");
        }
        Verdict verdict = check.check(parameters.srcPartyId(), parameters.siteSignature(),
                parameters.body().getBytes(StandardCharsets.UTF_8));
        return new HookResult(verdict.retcode(), verdict.message());
    }
}
