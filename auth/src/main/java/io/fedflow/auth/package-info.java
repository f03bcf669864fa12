/**
 * Authentication and authorization of a Fedflow node, free of any server framework: it takes bytes,
 * headers and grants and returns decisions. Sub-packages: {@code site} (keys, signing and verifying
 * site calls), {@code replay} (nonce memory), {@code client} (FATE's HMAC client authentication),
 * {@code permission} (grants and the job permission check), {@code hook} (FATE's four hooks, built-in
 * and remote), {@code tls} (certificates for mutual TLS between sites).
 *
 * <p>This package holds what they share: {@code OwnerOnlyFiles} (key files readable by their owner
 * only). Dependencies of the module: {@code proto} (the hook services' messages, and {@code RetCode}:
 * FATE's retcodes for refusals), BouncyCastle, Jackson, gRPC (clients of remote hook services); never
 * {@code io.fedflow.node}, Armeria or jOOQ, so every decision is testable alone. Storage
 * is behind interfaces ({@code ReplayGuard}, {@code GrantStore}) that the node implements over PostgreSQL.
 */
package io.fedflow.auth;
