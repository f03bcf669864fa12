package io.fedflow.auth.site;

/**
 * Checks the signature of an inbound site request: {@link PeerKeySignatureCheck} with the peers'
 * Ed25519 keys, or a registered {@code site_authentication} hook. Headers, clock and replay are
 * {@link SiteVerifier}'s business; this only answers "did the source party sign these bytes?".
 */
@FunctionalInterface
public interface SignatureCheck {
    /** {@link Verdict#ok()}, or a refusal (UNKNOWN_SOURCE, BAD_SIGNATURE) naming the party. */
    Verdict check(SiteRequest request, String signature);
}
