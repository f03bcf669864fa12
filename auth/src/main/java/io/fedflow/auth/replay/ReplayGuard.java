package io.fedflow.auth.replay;

/**
 * Remembers which nonces each caller has used, so that a captured request cannot be sent again.
 *
 * <p>Semantics an implementation must keep:
 * <ul>
 *   <li>{@link #firstSeen} is atomic: of any number of concurrent calls with the same
 *       {@code (source, nonce)}, across all processes of the site, exactly one returns {@code true}.</li>
 *   <li>A pair is remembered at least until {@code timestampMs} plus the acceptance window of the
 *       caller's scheme (5 minutes for site requests, 60 seconds for client requests), because until
 *       then a request carrying that timestamp is still accepted; remembering it for ten minutes
 *       after it was recorded covers both schemes.</li>
 *   <li>That memory survives a restart of the node for the same window: a request recorded just
 *       before a crash must still be refused just after it. An in-process map is therefore only
 *       fit for tests ({@link InMemoryReplayGuard}); the node keeps nonces in PostgreSQL
 *       (insert, conflict on the primary key means replay; expired rows deleted in the background). For
 *       site calls it checks them in memory and writes them in batches, keeping this contract by a lock
 *       and a durable lease bound (the node's {@code SiteNonceGuard} gives the argument).</li>
 * </ul>
 * Callers record a nonce only after the request's signature verified, so that nobody can use up
 * another party's nonces with forged requests.
 */
@FunctionalInterface
public interface ReplayGuard {
    /**
     * Records {@code nonce} for {@code source} and tells whether it is new.
     *
     * @param source      who used the nonce: a party id for site requests, {@code "client:" + APP_KEY} for clients
     * @param nonce       the request's nonce
     * @param timestampMs the request's signed timestamp, epoch milliseconds
     * @return {@code true} the first time the pair is seen within the window, {@code false} for a replay
     */
    boolean firstSeen(String source, String nonce, long timestampMs);
}
