package io.fedflow.auth.site;

import io.fedflow.proto.RetCode;
import java.util.Optional;

/** MACs every outbound request with the key shared with its destination party. */
public final class PeerMacSource implements MacSource {
    private final SiteMacKeys keys;

    public PeerMacSource(SiteMacKeys keys) {
        this.keys = keys;
    }

    @Override
    public Optional<String> macFor(SiteRequest request) {
        byte[] key = keys.keyFor(request.destinationParty()).orElseThrow(() -> new SiteSigningException(
                RetCode.AUTHENTICATION_ERROR.code(), "cannot MAC the call to party " + request.destinationParty()
                + ": no public key is configured for it"));
        return Optional.of(SiteMac.of(key, request));
    }
}
