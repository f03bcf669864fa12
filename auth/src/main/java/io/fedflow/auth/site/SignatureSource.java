package io.fedflow.auth.site;

/**
 * Makes the signature of an outbound site request: {@link SiteSigner} with this site's key, or a
 * registered {@code signature} hook.
 */
@FunctionalInterface
public interface SignatureSource {
    /**
     * Returns the signature of {@code request} as carried in {@link SiteHeaders#SIGNATURE}.
     *
     * @throws SiteSigningException when no signature can be made (e.g. the remote hook is down)
     */
    String signatureFor(SiteRequest request);
}
