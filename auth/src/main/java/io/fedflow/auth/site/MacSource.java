package io.fedflow.auth.site;

import java.util.Optional;

/**
 * Makes the MAC of an outbound site request, or declines so that the call is signed instead (the node
 * signs with {@code --site-call-auth signature}, or while a registered {@code signature} hook is in force).
 */
@FunctionalInterface
public interface MacSource {
    /** Never MACs: every call is signed. */
    MacSource NONE = request -> Optional.empty();

    /**
     * The MAC of {@code request} for the {@link SiteHeaders#MAC} header; empty to sign the call instead.
     *
     * @throws SiteSigningException when the call should carry a MAC but none can be made
     */
    Optional<String> macFor(SiteRequest request);
}
