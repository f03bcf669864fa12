/**
 * Site-to-site request authentication: each site's Ed25519 key pair ({@link io.fedflow.auth.site.SiteKeys}),
 * the signed canonical request ({@link io.fedflow.auth.site.SiteRequest}), outbound signing
 * ({@link io.fedflow.auth.site.SiteCallSigner}) and inbound verification ({@link io.fedflow.auth.site.SiteVerifier}),
 * by Ed25519 signature or by HMAC with the key each pair of sites derives from their two keys
 * ({@link io.fedflow.auth.site.SiteMacKeys}).
 *
 * <p>Dependencies: the root package, {@code replay} ({@code ReplayGuard}), BouncyCastle (Ed25519, X25519, HKDF, HMAC). No
 * gRPC: {@code SiteHeaders} names the metadata keys, and the node's interceptors carry them.
 */
package io.fedflow.auth.site;
