package io.fedflow.auth.site;

import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Signs site requests with this site's Ed25519 private key (BouncyCastle's lightweight API). */
public final class SiteSigner implements SignatureSource {
    private final Ed25519PrivateKeyParameters privateKey;

    public SiteSigner(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
    }

    /** The 64-byte Ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        // Ed25519Signer buffers the message, so one per call keeps this class safe to share between threads.
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** The signature of the request's canonical bytes, base64 for the {@link SiteHeaders#SIGNATURE} header. */
    @Override
    public String signatureFor(SiteRequest request) {
        return Base64.getEncoder().encodeToString(sign(request.canonicalBytes()));
    }
}
