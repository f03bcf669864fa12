package io.fedflow.auth.hook;

import io.fedflow.auth.site.SignatureSource;
import io.fedflow.auth.site.SiteRequest;
import io.fedflow.auth.site.SiteSigningException;
import io.fedflow.proto.RetCode;

/** Signs outbound site requests through a {@link SignatureHook} (built-in or a registered remote one). */
public final class HookSignatureSource implements SignatureSource {
    private final SignatureHook hook;

    public HookSignatureSource(SignatureHook hook) {
        this.hook = hook;
    }

    @Override
    public String signatureFor(SiteRequest request) {
        SignatureResult result = hook.sign(new SignatureParameters(request.sourceParty(), request.canonicalString()));
        if (!result.signed()) {
            throw new SiteSigningException(result.code() == 0 ? RetCode.EXCEPTION_ERROR.code() : result.code(),
                    "cannot sign the call to party " + request.destinationParty() + ": " + result.message());
        }
        return result.siteSignature();
    }
}
