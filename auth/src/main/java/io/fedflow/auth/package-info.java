/**
 * Authentication and authorization of a Fedflow node, free of any server framework: it takes bytes,
 * headers and grants and returns decisions. Sub-packages: {@code site} (keys, signing and verifying
 * site calls), {@code replay} (nonce memory), {@code client} (FATE's HMAC client authentication),
 * {@code permission} (grants and the job permission check), {@code hook} (FATE's four hooks, built-in
 * and remote), {@code tls} (certificates for mutual TLS between sites).
 */
package io.fedflow.auth;
