/**
 * FATE-Flow's client authentication: HMAC-SHA1 signed requests with an APP_KEY and its secret.
 *
 * <p>{@link io.fedflow.auth.client.ClientAuthenticator} checks a {@link io.fedflow.auth.client.ClientRequest}
 * and answers a {@link io.fedflow.auth.client.ClientVerdict}. Dependencies: the root package, {@code
 * replay}, the JDK's HMAC, Jackson.
 */
package io.fedflow.auth.client;
