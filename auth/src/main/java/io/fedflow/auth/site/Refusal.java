package io.fedflow.auth.site;

/** Why an inbound site request was refused. */
public enum Refusal {
    /** Neither a signature nor a MAC header. */
    MISSING_SIGNATURE,
    /** Both a signature and a MAC header: which one authenticates the call would be ambiguous. */
    SIGNATURE_AND_MAC,
    /** Signed, but a source, destination, timestamp or nonce header is missing. */
    MISSING_HEADER,
    /** A header is present but unreadable (timestamp not a number, nonce not base64url/hex). */
    MALFORMED_HEADER,
    /** The source party has no public key here. */
    UNKNOWN_SOURCE,
    /** The signature does not verify: made by another key, or the request changed after signing. */
    BAD_SIGNATURE,
    /** The MAC does not verify: made with another pair's key, or the request changed after it was made. */
    BAD_MAC,
    /** A MAC where only a signature can be checked (a registered {@code site_authentication} hook is in force). */
    MAC_NOT_ACCEPTED,
    /** The request is addressed to another party. */
    WRONG_DESTINATION,
    /** The timestamp is more than five minutes from this site's clock. */
    STALE_TIMESTAMP,
    /** The nonce was seen before from that party within the window: a replay. */
    REPLAYED_NONCE
}
