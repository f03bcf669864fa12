package io.fedflow.auth.hook;

import io.fedflow.auth.site.SiteSigner;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The built-in {@code signature} hook: Ed25519 over the UTF-8 of the body, with this site's key. */
public final class BuiltinSignatureHook implements SignatureHook {
    private final SiteSigner signer;

    public BuiltinSignatureHook(SiteSigner signer) {
        this.signer = signer;
    }

    @Override
    public SignatureResult sign(SignatureParameters parameters) {
        byte[] signature = signer.sign(parameters.body().getBytes(StandardCharsets.UTF_8));
        return SignatureResult.signed(Base64.getEncoder().encodeToString(signature));
    }
}
