package io.fedflow.auth.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.auth.TestClock;
import io.fedflow.auth.replay.InMemoryReplayGuard;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ClientAuthenticatorTest {
    private static final String APP_KEY = "fedflow-app";
    private static final String SECRET = "s3cr3t-key";
    private static final String TIMESTAMP = "1700000000000";
    private static final String NONCE = "6f1c2a4e-8f3b-11ee-b9d1-0242ac120002";
    private static final String PATH = "/v1/job/query";
    private static final String BODY = "{\"job_id\": \"202311141213001\"}";

    private final TestClock clock = new TestClock(1_700_000_000_000L);
    private final ClientAuthenticator authenticator =
            new ClientAuthenticator(Map.of(APP_KEY, SECRET), new InMemoryReplayGuard(clock), clock);

    @Test
    void acceptsASignatureComputedByHandFromTheFormula() {
        String expected = hmacSha1Base64(SECRET, TIMESTAMP + "\n" + NONCE + "\n" + APP_KEY + "\n" + PATH + "\n" + BODY + "\n");
        // The same value from Python's hmac/base64, as FATE's SDK computes it.
        assertThat(expected).isEqualTo("u8DIObsDRsmsHY9FEez9moNQKkI=");

        ClientVerdict verdict = authenticator.authenticate(request(PATH, BODY, Map.of(), NONCE, expected));

        assertThat(verdict.accepted()).isTrue();
        assertThat(verdict.retcode()).isZero();
    }

    @Test
    void signsFormFieldsSortedAndPercentEncodedAndNotTheMultipartBody() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("b", "x y/z");
        form.put("é", "~ok");
        form.put("a", "1");
        String formString = "a=1&b=x%20y%2Fz&%C3%A9=~ok";
        String signature = hmacSha1Base64(SECRET,
                TIMESTAMP + "\n" + NONCE + "\n" + APP_KEY + "\n/v1/model/import\n\n" + formString);

        ClientRequest request = new ClientRequest("/v1/model/import", headers(NONCE, signature), form,
                "--boundary\r\nnot json\r\n--boundary--".getBytes(StandardCharsets.UTF_8));

        assertThat(ClientSignature.formString(form)).isEqualTo(formString);
        assertThat(authenticator.authenticate(request).accepted()).isTrue();
    }

    @Test
    void signsThePathWithItsQueryAndIgnoresATrailingQuestionMark() {
        String upload = "/v1/data/upload?id=1&conf=%7B%22a%22%3A1%7D";
        String uploadSignature = sign(upload, "", NONCE);
        assertThat(authenticator.authenticate(request(upload, "", Map.of(), NONCE, uploadSignature)).accepted())
                .isTrue();

        String listSignature = sign("/v1/job/list", "", "nonce-2");
        assertThat(authenticator.authenticate(request("/v1/job/list?", "", Map.of(), "nonce-2", listSignature))
                .accepted()).isTrue();
    }

    @Test
    void readsHeaderNamesCaseInsensitivelyWithDashOrUnderscore() {
        Map<String, String> headers = Map.of(
                "timestamp", TIMESTAMP, "Nonce", NONCE, "app-key", APP_KEY, "Signature", sign(PATH, BODY, NONCE));

        ClientRequest request = new ClientRequest(PATH, headers, Map.of(), BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(authenticator.authenticate(request).accepted()).isTrue();
    }

    @Test
    void refusesMissingHeaders() {
        Map<String, String> headers = new LinkedHashMap<>(headers(NONCE, sign(PATH, BODY, NONCE)));
        headers.remove("APP_KEY");

        assertRefused(authenticator.authenticate(new ClientRequest(PATH, headers, Map.of(), BODY.getBytes())),
                ClientRefusal.MISSING_HEADERS,
                "requirement headers parameters: ['TIMESTAMP', 'NONCE', 'APP_KEY', 'SIGNATURE']");
    }

    @Test
    void refusesATimestampThatIsNotANumber() {
        Map<String, String> headers = new LinkedHashMap<>(headers(NONCE, sign(PATH, BODY, NONCE)));
        headers.put("TIMESTAMP", "now");

        assertRefused(authenticator.authenticate(new ClientRequest(PATH, headers, Map.of(), BODY.getBytes())),
                ClientRefusal.INVALID_TIMESTAMP, "Invalid TIMESTAMP");
    }

    @Test
    void refusesATimestampSixtySecondsAway() {
        String signature = sign(PATH, BODY, NONCE);
        clock.advance(Duration.ofSeconds(60));

        assertRefused(authenticator.authenticate(request(PATH, BODY, Map.of(), NONCE, signature)),
                ClientRefusal.STALE_TIMESTAMP, "TIMESTAMP is more than 60 seconds away from the server time");

        clock.advance(Duration.ofMillis(-1));
        assertThat(authenticator.authenticate(request(PATH, BODY, Map.of(), NONCE, signature)).accepted()).isTrue();
    }

    @Test
    void refusesAnUnknownAppKey() {
        Map<String, String> headers = new LinkedHashMap<>(headers(NONCE, sign(PATH, BODY, NONCE)));
        headers.put("APP_KEY", "someone-else");

        assertRefused(authenticator.authenticate(new ClientRequest(PATH, headers, Map.of(), BODY.getBytes())),
                ClientRefusal.UNKNOWN_APP_KEY, "Unknown APP_KEY");
    }

    @Test
    void refusesABodyChangedAfterSigning() {
        String signature = sign(PATH, BODY, NONCE);

        assertRefused(authenticator.authenticate(request(PATH, "{\"job_id\": \"x\"}", Map.of(), NONCE, signature)),
                ClientRefusal.BAD_SIGNATURE, "signature authentication failed");
    }

    @Test
    void refusesATruthyJsonBodyLeftOutOfTheSignature() {
        String signatureWithoutBody = sign(PATH, "", NONCE);

        assertRefused(authenticator.authenticate(request(PATH, BODY, Map.of(), NONCE, signatureWithoutBody)),
                ClientRefusal.BAD_SIGNATURE, "signature authentication failed");
    }

    @Test
    void acceptsAnEmptyJsonObjectSignedEitherWay() {
        // FATE's SDK and FATE-Flow leave a falsy JSON body out; the flow CLI signs the "{}" it sends.
        assertThat(authenticator.authenticate(request(PATH, "{}", Map.of(), "n-sdk", sign(PATH, "", "n-sdk")))
                .accepted()).isTrue();
        assertThat(authenticator.authenticate(request(PATH, "{}", Map.of(), "n-cli", sign(PATH, "{}", "n-cli")))
                .accepted()).isTrue();
    }

    @Test
    void refusesReplayedNonce() {
        String signature = sign(PATH, BODY, NONCE);
        assertThat(authenticator.authenticate(request(PATH, BODY, Map.of(), NONCE, signature)).accepted()).isTrue();

        assertRefused(authenticator.authenticate(request(PATH, BODY, Map.of(), NONCE, signature)),
                ClientRefusal.REPLAYED_NONCE, "NONCE has already been used: the request is a replay");
    }

    @Test
    void aRequestWithABadSignatureDoesNotUseUpItsNonce() {
        assertThat(authenticator.authenticate(request(PATH, BODY, Map.of(), NONCE, "AAAA")).accepted()).isFalse();

        assertThat(authenticator.authenticate(request(PATH, BODY, Map.of(), NONCE, sign(PATH, BODY, NONCE)))
                .accepted()).isTrue();
    }

    @Test
    void refusesEverythingWhenNoKeyIsConfigured() {
        ClientAuthenticator unconfigured = new ClientAuthenticator(Map.of(), new InMemoryReplayGuard(clock), clock);

        assertRefused(unconfigured.authenticate(request(PATH, BODY, Map.of(), NONCE, sign(PATH, BODY, NONCE))),
                ClientRefusal.NOT_CONFIGURED, "settings HTTP_APP_KEY and HTTP_SECRET_KEY is None");
    }

    private static String sign(String pathUrl, String jsonBody, String nonce) {
        return hmacSha1Base64(SECRET, TIMESTAMP + "\n" + nonce + "\n" + APP_KEY + "\n" + pathUrl + "\n" + jsonBody + "\n");
    }

    private static ClientRequest request(String fullPath, String body, Map<String, String> form, String nonce,
            String signature) {
        return new ClientRequest(fullPath, headers(nonce, signature), form, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> headers(String nonce, String signature) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("TIMESTAMP", TIMESTAMP);
        headers.put("NONCE", nonce);
        headers.put("APP_KEY", APP_KEY);
        headers.put("SIGNATURE", signature);
        return headers;
    }

    private static String hmacSha1Base64(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.US_ASCII), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertRefused(ClientVerdict verdict, ClientRefusal refusal, String message) {
        assertThat(verdict.refusal()).isEqualTo(refusal);
        assertThat(verdict.message()).isEqualTo(message);
        assertThat(verdict.retcode()).isEqualTo(109);
    }
}
