package io.fedflow.auth.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.auth.TestClock;
import io.fedflow.auth.replay.InMemoryReplayGuard;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteVerifierTest {
    private static final String GUEST = "9999";
    private static final String HOST = "10000";
    private static final String METHOD = "fedflow.v1.PartyService/CreateJob";
    private static final byte[] BODY = "{\"job_id\":\"202401010000000000001\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(1_700_000_000_000L);
    private SiteKeys guestKeys;
    private SiteCallSigner guest;
    private InMemoryReplayGuard replayGuard;
    private SiteVerifier host;

    @BeforeEach
    void setUp() {
        guestKeys = SiteKeys.loadOrCreate(dir.resolve("guest"));
        guest = new SiteCallSigner(GUEST, guestKeys.signer(), clock, new SecureRandom());
        replayGuard = new InMemoryReplayGuard(clock);
        host = new SiteVerifier(HOST, PeerKeys.of(Map.of(GUEST, guestKeys.publicKey())), replayGuard, clock);
    }

    @Test
    void acceptsARequestSignedByAKnownPeer() {
        SiteHeaders headers = guest.headersFor(METHOD, HOST, BODY);

        Verdict verdict = host.verify(headers, METHOD, BODY);

        assertThat(verdict.accepted()).isTrue();
        assertThat(verdict.retcode()).isZero();
        assertThat(headers.sourceParty()).isEqualTo(GUEST);
        assertThat(headers.timestamp()).isEqualTo("1700000000000");
        assertThat(headers.nonce()).matches("[A-Za-z0-9_-]{22}");
        assertThat(Base64.getDecoder().decode(headers.signature())).hasSize(64);
    }

    @Test
    void refusesARequestWithoutSignature() {
        SiteHeaders signed = guest.headersFor(METHOD, HOST, BODY);
        SiteHeaders unsigned = new SiteHeaders(signed.sourceParty(), signed.destinationParty(), signed.timestamp(),
                signed.nonce(), null);

        assertRefused(host.verify(unsigned, METHOD, BODY), Refusal.MISSING_SIGNATURE, "no site signature");
        assertRefused(host.verify(new SiteHeaders(null, null, null, null, null), METHOD, BODY),
                Refusal.MISSING_SIGNATURE, METHOD);
    }

    @Test
    void refusesARequestMissingAHeader() {
        SiteHeaders signed = guest.headersFor(METHOD, HOST, BODY);
        SiteHeaders noNonce = new SiteHeaders(signed.sourceParty(), signed.destinationParty(), signed.timestamp(),
                null, signed.signature());

        assertRefused(host.verify(noNonce, METHOD, BODY), Refusal.MISSING_HEADER, SiteHeaders.NONCE);
    }

    @Test
    void refusesAnUnknownSourceParty() {
        SiteKeys strangerKeys = SiteKeys.loadOrCreate(dir.resolve("stranger"));
        SiteCallSigner stranger = new SiteCallSigner("8888", strangerKeys.signer(), clock, new SecureRandom());

        assertRefused(host.verify(stranger.headersFor(METHOD, HOST, BODY), METHOD, BODY),
                Refusal.UNKNOWN_SOURCE, "unknown source party 8888");
    }

    @Test
    void refusesASignatureByAnotherKey() {
        SiteKeys otherKeys = SiteKeys.loadOrCreate(dir.resolve("impostor"));
        SiteCallSigner impostor = new SiteCallSigner(GUEST, otherKeys.signer(), clock, new SecureRandom());

        assertRefused(host.verify(impostor.headersFor(METHOD, HOST, BODY), METHOD, BODY),
                Refusal.BAD_SIGNATURE, "party 9999 does not verify");
    }

    @Test
    void refusesABodyChangedAfterSigning() {
        SiteHeaders headers = guest.headersFor(METHOD, HOST, BODY);
        byte[] changed = "{\"job_id\":\"202401010000000000002\"}".getBytes(StandardCharsets.UTF_8);

        assertRefused(host.verify(headers, METHOD, changed), Refusal.BAD_SIGNATURE, "changed after signing");
    }

    @Test
    void refusesASignatureMadeForAnotherMethod() {
        SiteHeaders headers = guest.headersFor("fedflow.v1.PartyService/StopJob", HOST, BODY);

        assertRefused(host.verify(headers, METHOD, BODY), Refusal.BAD_SIGNATURE, "party 9999");
    }

    @Test
    void refusesATimestampChangedAfterSigning() {
        SiteHeaders signed = guest.headersFor(METHOD, HOST, BODY);
        SiteHeaders later = new SiteHeaders(signed.sourceParty(), signed.destinationParty(),
                Long.toString(Long.parseLong(signed.timestamp()) + 1), signed.nonce(), signed.signature());

        assertRefused(host.verify(later, METHOD, BODY), Refusal.BAD_SIGNATURE, "party 9999");
    }

    @Test
    void refusesARequestAddressedToAnotherParty() {
        SiteHeaders headers = guest.headersFor(METHOD, "10001", BODY);

        assertRefused(host.verify(headers, METHOD, BODY), Refusal.WRONG_DESTINATION,
                "request from party 9999 is addressed to party 10001, this is party 10000");
    }

    @Test
    void refusesATimestampMoreThanFiveMinutesOff() {
        SiteHeaders old = guest.headersFor(METHOD, HOST, BODY);
        clock.advance(Duration.ofMinutes(5).plusMillis(1));

        assertRefused(host.verify(old, METHOD, BODY), Refusal.STALE_TIMESTAMP, "party 9999");

        SiteHeaders fromTheFuture = guest.headersFor(METHOD, HOST, BODY);
        clock.advance(Duration.ofMinutes(-10).minusMillis(2));
        assertRefused(host.verify(fromTheFuture, METHOD, BODY), Refusal.STALE_TIMESTAMP, "300 s");
    }

    @Test
    void acceptsATimestampExactlyFiveMinutesOff() {
        SiteHeaders headers = guest.headersFor(METHOD, HOST, BODY);
        clock.advance(Duration.ofMinutes(5));

        assertThat(host.verify(headers, METHOD, BODY).accepted()).isTrue();
    }

    @Test
    void refusesAMalformedTimestamp() {
        SiteHeaders signed = guest.headersFor(METHOD, HOST, BODY);
        SiteHeaders malformed = new SiteHeaders(signed.sourceParty(), signed.destinationParty(), "yesterday",
                signed.nonce(), signed.signature());

        assertRefused(host.verify(malformed, METHOD, BODY), Refusal.MALFORMED_HEADER, "not epoch milliseconds");
    }

    @Test
    void refusesReplayedNonce() {
        SiteHeaders headers = guest.headersFor(METHOD, HOST, BODY);
        assertThat(host.verify(headers, METHOD, BODY).accepted()).isTrue();
        clock.advance(Duration.ofMinutes(4));

        assertRefused(host.verify(headers, METHOD, BODY), Refusal.REPLAYED_NONCE,
                "nonce " + headers.nonce() + " of party 9999 was already used");
    }

    @Test
    void replayedNonceIsStillRefusedByAVerifierSharingTheGuardAfterARestart() {
        SiteHeaders headers = guest.headersFor(METHOD, HOST, BODY);
        assertThat(host.verify(headers, METHOD, BODY).accepted()).isTrue();

        // A restarted node gets a new verifier but the same (persistent) nonce store.
        SiteVerifier restarted = new SiteVerifier(HOST, PeerKeys.of(Map.of(GUEST, guestKeys.publicKey())),
                replayGuard, clock);
        assertRefused(restarted.verify(headers, METHOD, BODY), Refusal.REPLAYED_NONCE, "replay");
    }

    @Test
    void aForgedRequestDoesNotUseUpTheNonceOfAGenuineOne() {
        SiteHeaders genuine = guest.headersFor(METHOD, HOST, BODY);
        SiteHeaders forged = new SiteHeaders(genuine.sourceParty(), genuine.destinationParty(), genuine.timestamp(),
                genuine.nonce(), Base64.getEncoder().encodeToString(new byte[64]));

        assertRefused(host.verify(forged, METHOD, BODY), Refusal.BAD_SIGNATURE, "party 9999");
        assertThat(host.verify(genuine, METHOD, BODY).accepted()).isTrue();
    }

    private static void assertRefused(Verdict verdict, Refusal refusal, String messagePart) {
        assertThat(verdict.accepted()).isFalse();
        assertThat(verdict.refusal()).isEqualTo(refusal);
        assertThat(verdict.retcode()).isEqualTo(109);
        assertThat(verdict.message()).contains(messagePart);
    }
}
