/**
 * Certificates (ECDSA P-256) for optional mutual TLS between sites.
 *
 * <p>{@link io.fedflow.auth.tls.SiteTls} makes and reads the CA and site certificates; the node and the
 * CLI's {@code flow site cert} share it. Dependencies: the root package ({@code OwnerOnlyFiles}),
 * BouncyCastle.
 */
package io.fedflow.auth.tls;
