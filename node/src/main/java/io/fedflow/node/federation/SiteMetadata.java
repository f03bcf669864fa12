package io.fedflow.node.federation;

import io.fedflow.auth.site.SiteHeaders;
import io.grpc.Metadata;

/** The site-authentication headers in gRPC metadata, with their keys made once rather than per call. */
final class SiteMetadata {
    private static final Metadata.Key<String> SOURCE_PARTY = key(SiteHeaders.SOURCE_PARTY);
    private static final Metadata.Key<String> DESTINATION_PARTY = key(SiteHeaders.DESTINATION_PARTY);
    private static final Metadata.Key<String> TIMESTAMP = key(SiteHeaders.TIMESTAMP);
    private static final Metadata.Key<String> NONCE = key(SiteHeaders.NONCE);
    private static final Metadata.Key<String> SIGNATURE = key(SiteHeaders.SIGNATURE);
    private static final Metadata.Key<String> MAC = key(SiteHeaders.MAC);

    private SiteMetadata() {
    }

    /** The headers a call carries, any of them possibly missing (null). */
    static SiteHeaders read(Metadata metadata) {
        return new SiteHeaders(metadata.get(SOURCE_PARTY), metadata.get(DESTINATION_PARTY),
                metadata.get(TIMESTAMP), metadata.get(NONCE), metadata.get(SIGNATURE), metadata.get(MAC));
    }

    /** Adds the headers that are present to {@code metadata}. */
    static void write(SiteHeaders headers, Metadata metadata) {
        putIfPresent(metadata, SOURCE_PARTY, headers.sourceParty());
        putIfPresent(metadata, DESTINATION_PARTY, headers.destinationParty());
        putIfPresent(metadata, TIMESTAMP, headers.timestamp());
        putIfPresent(metadata, NONCE, headers.nonce());
        putIfPresent(metadata, SIGNATURE, headers.signature());
        putIfPresent(metadata, MAC, headers.mac());
    }

    private static void putIfPresent(Metadata metadata, Metadata.Key<String> key, String value) {
        if (value != null) {
            metadata.put(key, value);
        }
    }

    private static Metadata.Key<String> key(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }
}
