/** Certificates (ECDSA P-256) for optional mutual TLS between sites. */
package io.fedflow.auth.tls;
