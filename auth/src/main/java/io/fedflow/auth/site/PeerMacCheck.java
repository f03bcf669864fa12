package io.fedflow.auth.site;

import java.util.Optional;

/** Checks a site request's MAC with the key this site shares with the source party. */
public final class PeerMacCheck implements MacCheck {
    private final SiteMacKeys keys;

    public PeerMacCheck(SiteMacKeys keys) {
        this.keys = keys;
    }

    @Override
    public Verdict check(SiteRequest request, String mac) {
        Optional<byte[]> key = keys.keyFor(request.sourceParty());
        if (key.isEmpty()) {
            return Verdict.refused(Refusal.UNKNOWN_SOURCE,
                    "unknown source party " + request.sourceParty() + ": no public key is configured for it");
        }
        if (!SiteMac.matches(key.get(), request, mac)) {
            return Verdict.refused(Refusal.BAD_MAC, "site MAC of party " + request.sourceParty()
                    + " does not verify: made with another key, or the request changed after it was made");
        }
        return Verdict.ok();
    }
}
