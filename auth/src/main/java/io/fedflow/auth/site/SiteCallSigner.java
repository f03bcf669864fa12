package io.fedflow.auth.site;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/**
 * Makes the headers of one outbound site call: this party as source, the clock's time, a fresh
 * 128-bit nonce, and the signature from a {@link SignatureSource}. The gRPC client interceptor calls
 * it with the serialized request message.
 */
public final class SiteCallSigner {
    private static final int NONCE_BYTES = 16;

    private final String thisParty;
    private final SignatureSource signatures;
    private final Clock clock;
    private final SecureRandom random;

    public SiteCallSigner(String thisParty, SignatureSource signatures, Clock clock, SecureRandom random) {
        this.thisParty = thisParty;
        this.signatures = signatures;
        this.clock = clock;
        this.random = random;
    }

    public SiteCallSigner(String thisParty, SignatureSource signatures) {
        this(thisParty, signatures, Clock.systemUTC(), new SecureRandom());
    }

    /**
     * Signs a call of {@code method} (gRPC full method name) to {@code destinationParty} carrying {@code body}.
     *
     * @throws SiteSigningException when the signature source cannot sign
     */
    public SiteHeaders headersFor(String method, String destinationParty, byte[] body) {
        SiteRequest request = SiteRequest.of(method, thisParty, destinationParty, clock.millis(), newNonce(), body);
        String signature = signatures.signatureFor(request);
        return new SiteHeaders(
                request.sourceParty(),
                request.destinationParty(),
                Long.toString(request.timestampMs()),
                request.nonce(),
                signature);
    }

    private String newNonce() {
        byte[] bytes = new byte[NONCE_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
