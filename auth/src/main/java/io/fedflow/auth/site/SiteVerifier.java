package io.fedflow.auth.site;

import io.fedflow.auth.replay.ReplayGuard;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether an inbound site request may reach domain code; the gRPC server decorator calls it
 * with the request's metadata, method and serialized message before anything else runs.
 *
 * <p>Checks, in this order: exactly one of a signature and a MAC is present; source, destination,
 * timestamp and nonce are present and well-formed; the destination is this party; the timestamp is
 * within five minutes of this site's clock; the signature or MAC verifies over the canonical
 * {@link SiteRequest} rebuilt from the headers and the actual bytes (which also refuses an unknown
 * source); and only then the nonce is recorded in the {@link ReplayGuard}, so a forged request cannot
 * use up a real party's nonces.
 */
public final class SiteVerifier {
    /** How far a request's timestamp may be from this site's clock, either way. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final String SIGNATURES_ONLY = "it checks signatures only; the calling site must run with "
            + "--site-call-auth signature";

    private static final int NONCE_MIN = 16;
    private static final int NONCE_MAX = 128;

    private final String thisParty;
    private final SignatureCheck signatureCheck;
    private final MacCheck macCheck;
    private final ReplayGuard replayGuard;
    private final Clock clock;

    public SiteVerifier(String thisParty, SignatureCheck signatureCheck, MacCheck macCheck, ReplayGuard replayGuard,
                        Clock clock) {
        this.thisParty = thisParty;
        this.signatureCheck = signatureCheck;
        this.macCheck = macCheck;
        this.replayGuard = replayGuard;
        this.clock = clock;
    }

    /** Accepting signed calls only. */
    public SiteVerifier(String thisParty, SignatureCheck signatureCheck, ReplayGuard replayGuard, Clock clock) {
        this(thisParty, signatureCheck, MacCheck.refusing(SIGNATURES_ONLY), replayGuard, clock);
    }

    /** The built-in verifier: Ed25519 signatures or pairwise MACs, checked with the peers' public keys. */
    public SiteVerifier(String thisParty, PeerKeys peerKeys, SiteMacKeys macKeys, ReplayGuard replayGuard,
                        Clock clock) {
        this(thisParty, new PeerKeySignatureCheck(peerKeys), new PeerMacCheck(macKeys), replayGuard, clock);
    }

    /** The built-in verifier of signed calls only: Ed25519 signatures checked against the peers' public keys. */
    public SiteVerifier(String thisParty, PeerKeys peerKeys, ReplayGuard replayGuard, Clock clock) {
        this(thisParty, new PeerKeySignatureCheck(peerKeys), replayGuard, clock);
    }

    /** Verifies a call of {@code method} (gRPC full method name) carrying {@code body} with {@code headers}. */
    public Verdict verify(SiteHeaders headers, String method, byte[] body) {
        boolean signed = !blank(headers.signature());
        boolean maced = !blank(headers.mac());
        if (!signed && !maced) {
            return Verdict.refused(Refusal.MISSING_SIGNATURE, "site request " + method + fromParty(headers)
                    + " carries no site signature (" + SiteHeaders.SIGNATURE + ") or MAC (" + SiteHeaders.MAC + ")");
        }
        if (signed && maced) {
            return Verdict.refused(Refusal.SIGNATURE_AND_MAC, "site request " + method + fromParty(headers)
                    + " carries both a site signature (" + SiteHeaders.SIGNATURE + ") and a MAC (" + SiteHeaders.MAC
                    + "): a call carries exactly one");
        }
        List<String> missing = new ArrayList<>();
        if (blank(headers.sourceParty())) {
            missing.add(SiteHeaders.SOURCE_PARTY);
        }
        if (blank(headers.destinationParty())) {
            missing.add(SiteHeaders.DESTINATION_PARTY);
        }
        if (blank(headers.timestamp())) {
            missing.add(SiteHeaders.TIMESTAMP);
        }
        if (blank(headers.nonce())) {
            missing.add(SiteHeaders.NONCE);
        }
        if (!missing.isEmpty()) {
            return Verdict.refused(Refusal.MISSING_HEADER, "site request " + method + " lacks header"
                    + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing));
        }
        String source = headers.sourceParty();
        if (!headers.destinationParty().equals(thisParty)) {
            return Verdict.refused(Refusal.WRONG_DESTINATION, "request from party " + source
                    + " is addressed to party " + headers.destinationParty() + ", this is party " + thisParty);
        }
        long timestampMs;
        try {
            timestampMs = Long.parseLong(headers.timestamp());
        } catch (NumberFormatException e) {
            return Verdict.refused(Refusal.MALFORMED_HEADER, "timestamp of party " + source
                    + "'s request is not epoch milliseconds: " + abbreviate(headers.timestamp()));
        }
        long skewMs = Math.abs(clock.millis() - timestampMs);
        if (skewMs > MAX_CLOCK_SKEW.toMillis()) {
            return Verdict.refused(Refusal.STALE_TIMESTAMP, "timestamp of party " + source + "'s request is "
                    + skewMs / 1000 + " s away from this party's clock (at most " + MAX_CLOCK_SKEW.toSeconds()
                    + " s allowed)");
        }
        if (!wellFormedNonce(headers.nonce())) {
            return Verdict.refused(Refusal.MALFORMED_HEADER, "nonce of party " + source
                    + "'s request must be 16 to 128 base64url or hex characters");
        }
        SiteRequest request;
        try {
            request = SiteRequest.of(method, source, thisParty, timestampMs, headers.nonce(), body);
        } catch (IllegalArgumentException e) {
            return Verdict.refused(Refusal.MALFORMED_HEADER, e.getMessage());
        }
        Verdict proof = signed
                ? signatureCheck.check(request, headers.signature())
                : macCheck.check(request, headers.mac());
        if (!proof.accepted()) {
            return proof;
        }
        if (!replayGuard.firstSeen(source, headers.nonce(), timestampMs)) {
            return Verdict.refused(Refusal.REPLAYED_NONCE, "nonce " + headers.nonce() + " of party " + source
                    + " was already used: the request is a replay");
        }
        return Verdict.ok();
    }

    /** 16 to 128 base64url (or hex) characters; a loop rather than a regular expression, as it runs per call. */
    private static boolean wellFormedNonce(String nonce) {
        if (nonce.length() < NONCE_MIN || nonce.length() > NONCE_MAX) {
            return false;
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String fromParty(SiteHeaders headers) {
        return blank(headers.sourceParty()) ? "" : " from party " + headers.sourceParty();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String abbreviate(String value) {
        return value.length() <= 32 ? value : value.substring(0, 32) + "...";
    }
}
