package io.fedflow.auth.site;

/** Why an inbound site request was refused. */
public enum Refusal {
    /** No signature header at all. */
    MISSING_SIGNATURE,
    /** Signed, but a source, destination, timestamp or nonce header is missing. */
    MISSING_HEADER,
    /** A header is present but unreadable (timestamp not a number, nonce not base64url/hex). */
    MALFORMED_HEADER,
    /** The source party has no public key here. */
    UNKNOWN_SOURCE,
    /** The signature does not verify: made by another key, or the request changed after signing. */
    BAD_SIGNATURE,
    /** The request is addressed to another party. */
    WRONG_DESTINATION,
    /** The timestamp is more than five minutes from this site's clock. */
    STALE_TIMESTAMP,
    /** The nonce was seen before from that party within the window: a replay. */
    REPLAYED_NONCE
}
