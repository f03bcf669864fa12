/**
 * Remembering used nonces so that captured requests cannot be replayed.
 *
 * <p>{@link io.fedflow.auth.replay.ReplayGuard} is the seam; {@code InMemoryReplayGuard} is fit for tests; the
 * node keeps nonces in PostgreSQL ({@code PostgresReplayGuard}). Depends on nothing.
 */
package io.fedflow.auth.replay;
