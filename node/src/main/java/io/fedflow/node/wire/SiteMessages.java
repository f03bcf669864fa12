package io.fedflow.node.wire;

/**
 * The bound on one gRPC message between sites, which the site server and the party client must agree
 * on: component payloads past it go as a stream of chunks.
 */
public final class SiteMessages {
    public static final int MAX_BYTES = 16 * 1024 * 1024;

    private SiteMessages() {}
}
