package io.fedflow.auth.site;

/**
 * Checks the MAC of an inbound site request: {@link PeerMacCheck} with the pairwise keys, or a refusal of
 * every MAC while a check that only signatures can satisfy is in force.
 */
@FunctionalInterface
public interface MacCheck {
    /** {@link Verdict#ok()}, or a refusal (UNKNOWN_SOURCE, BAD_MAC, MAC_NOT_ACCEPTED) naming the party. */
    Verdict check(SiteRequest request, String mac);

    /** Refuses every MAC'd call with {@code why}, which should tell the caller to sign. */
    static MacCheck refusing(String why) {
        return (request, mac) -> Verdict.refused(Refusal.MAC_NOT_ACCEPTED, "site request of party "
                + request.sourceParty() + " carries a MAC, which this site does not accept: " + why);
    }
}
