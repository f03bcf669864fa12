package io.fedflow.auth.site;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/**
 * Makes the headers of one outbound site call: this party as source, the clock's time, a fresh
 * 128-bit nonce, and either the MAC from a {@link MacSource} or, when it declines, the signature from a
 * {@link SignatureSource}. The gRPC client interceptor calls it with the serialized request message.
 */
public final class SiteCallSigner {
    private static final int NONCE_BYTES = 16;
    /**
     * The default nonces' source: a DRBG per calling thread, each seeded from the system's entropy, so callers
     * share no lock (the default SecureRandom, NativePRNG, serialises every caller on one) and every nonce stays
     * as unpredictable as any SecureRandom output.
     */
    private static final ThreadLocal<SecureRandom> PER_THREAD = ThreadLocal.withInitial(SiteCallSigner::newDrbg);

    private final String thisParty;
    private final SignatureSource signatures;
    private final MacSource macs;
    private final Clock clock;
    /** Null: {@link #PER_THREAD}. */
    private final SecureRandom random;

    /** {@code random}: where nonces come from; null for a DRBG per calling thread. */
    public SiteCallSigner(String thisParty, SignatureSource signatures, MacSource macs, Clock clock,
                          SecureRandom random) {
        this.thisParty = thisParty;
        this.signatures = signatures;
        this.macs = macs;
        this.clock = clock;
        this.random = random;
    }

    /** Signing every call. */
    public SiteCallSigner(String thisParty, SignatureSource signatures, Clock clock, SecureRandom random) {
        this(thisParty, signatures, MacSource.NONE, clock, random);
    }

    public SiteCallSigner(String thisParty, SignatureSource signatures, MacSource macs) {
        this(thisParty, signatures, macs, Clock.systemUTC(), null);
    }

    /** Signing every call. */
    public SiteCallSigner(String thisParty, SignatureSource signatures) {
        this(thisParty, signatures, MacSource.NONE);
    }

    /**
     * MACs or signs a call of {@code method} (gRPC full method name) to {@code destinationParty} carrying
     * {@code body}.
     *
     * @throws SiteSigningException when the MAC or signature source cannot make one
     */
    public SiteHeaders headersFor(String method, String destinationParty, byte[] body) {
        SiteRequest request = SiteRequest.of(method, thisParty, destinationParty, clock.millis(), newNonce(), body);
        String mac = macs.macFor(request).orElse(null);
        String signature = mac == null ? signatures.signatureFor(request) : null;
        return new SiteHeaders(
                request.sourceParty(),
                request.destinationParty(),
                Long.toString(request.timestampMs()),
                request.nonce(),
                signature,
                mac);
    }

    private String newNonce() {
        byte[] bytes = new byte[NONCE_BYTES];
        (random != null ? random : PER_THREAD.get()).nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static SecureRandom newDrbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom(); // a platform without DRBG: its default, shared or not
        }
    }
}
