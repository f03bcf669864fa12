package io.fedflow.node.federation;

import io.fedflow.auth.site.SiteKeys;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * A party this site federates with: where its site port is and the key its calls are signed with.
 *
 * @param partyId   the peer's party id
 * @param host      host of its site port
 * @param port      its site port (FATE's 9360 by default)
 * @param publicKey its Ed25519 public key, PEM or base64 of the raw 32 bytes, as the peer shows it
 * @param tls       whether calls to it use mutual TLS (certificates from the node's tls directory)
 */
public record Peer(String partyId, String host, int port, String publicKey, boolean tls) {
    public Peer {
        if (partyId == null || !partyId.matches("\\d{1,10}")) {
            throw new IllegalArgumentException("party_id must be 1 to 10 digits, got " + partyId);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host of party " + partyId + " is missing");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port of party " + partyId + " must be 1 to 65535, got " + port);
        }
        if (publicKey == null || publicKey.isBlank()) {
            throw new IllegalArgumentException("public_key of party " + partyId + " is missing");
        }
        publicKey = publicKey.strip();
        // Parsed once here so that a bad key is refused when it is added, not at the first call.
        SiteKeys.parsePublicKey(publicKey);
    }

    public Ed25519PublicKeyParameters key() {
        return SiteKeys.parsePublicKey(publicKey);
    }

    public String address() {
        return host + ":" + port;
    }
}
