package io.fedflow.auth.site;

import java.util.Map;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/** The public keys of the parties this site accepts calls from; a party without one is unknown. */
@FunctionalInterface
public interface PeerKeys {
    Optional<Ed25519PublicKeyParameters> publicKeyOf(String partyId);

    /** A fixed directory, e.g. for tests or a static configuration. */
    static PeerKeys of(Map<String, Ed25519PublicKeyParameters> keysByParty) {
        Map<String, Ed25519PublicKeyParameters> copy = Map.copyOf(keysByParty);
        return partyId -> Optional.ofNullable(copy.get(partyId));
    }
}
