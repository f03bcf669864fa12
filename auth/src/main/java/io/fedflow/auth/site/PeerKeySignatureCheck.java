package io.fedflow.auth.site;

import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Verifies a site signature with the source party's Ed25519 public key from {@link PeerKeys}. */
public final class PeerKeySignatureCheck implements SignatureCheck {
    private static final int SIGNATURE_BYTES = 64;

    private final PeerKeys peerKeys;

    public PeerKeySignatureCheck(PeerKeys peerKeys) {
        this.peerKeys = peerKeys;
    }

    @Override
    public Verdict check(SiteRequest request, String signature) {
        return check(request.sourceParty(), signature, request.canonicalBytes());
    }

    /** Whether {@code sourceParty}'s key made {@code signature} (base64) over {@code signedBytes}. */
    public Verdict check(String sourceParty, String signature, byte[] signedBytes) {
        Optional<Ed25519PublicKeyParameters> key = peerKeys.publicKeyOf(sourceParty);
        if (key.isEmpty()) {
            return Verdict.refused(Refusal.UNKNOWN_SOURCE,
                    "unknown source party " + sourceParty + ": no public key is configured for it");
        }
        byte[] signatureBytes;
        try {
            signatureBytes = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return Verdict.refused(Refusal.BAD_SIGNATURE, "site signature of party " + sourceParty + " is not base64");
        }
        if (signatureBytes.length != SIGNATURE_BYTES || !verifies(key.get(), signedBytes, signatureBytes)) {
            return Verdict.refused(Refusal.BAD_SIGNATURE, "site signature of party " + sourceParty
                    + " does not verify: made by another key, or the request changed after signing");
        }
        return Verdict.ok();
    }

    private static boolean verifies(Ed25519PublicKeyParameters key, byte[] message, byte[] signature) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }
}
