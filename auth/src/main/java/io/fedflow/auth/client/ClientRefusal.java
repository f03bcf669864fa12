package io.fedflow.auth.client;

/** Why a client request was refused by the built-in client authentication. */
public enum ClientRefusal {
    /** No APP_KEY/secret pair is configured although client authentication is on. */
    NOT_CONFIGURED,
    /** One of TIMESTAMP, NONCE, APP_KEY, SIGNATURE is missing or empty. */
    MISSING_HEADERS,
    /** TIMESTAMP is not an integer. */
    INVALID_TIMESTAMP,
    /** TIMESTAMP is 60 seconds or more from the server's clock. */
    STALE_TIMESTAMP,
    /** NONCE is blank. */
    INVALID_NONCE,
    /** APP_KEY is not configured here. */
    UNKNOWN_APP_KEY,
    /** SIGNATURE does not match the request. */
    BAD_SIGNATURE,
    /** The NONCE was already used with that APP_KEY (FATE-Flow does not check this; Fedflow does). */
    REPLAYED_NONCE
}
