package io.fedflow.auth.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.fedflow.auth.AuthJson;
import io.fedflow.auth.replay.ReplayGuard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * FATE-Flow's built-in client authentication: HMAC-SHA1 request signatures made with an APP_KEY and
 * its secret (see {@link ClientSignature}), with FATE-Flow's checks and messages in its order, plus a
 * nonce replay check that FATE-Flow lacks. The node runs it on client routes only when client
 * authentication is switched on.
 *
 * <p>Which body is signed follows FATE-Flow: the raw body when it parses as JSON whose Python truth
 * value is true, else nothing. FATE's SDK agrees, but the {@code flow} CLI also signs a falsy JSON
 * body such as {@code {}}; for such a body both readings are accepted, since neither adds meaning.
 */
public final class ClientAuthenticator {
    /** FATE-Flow's MAX_TIMESTAMP_INTERVAL: a TIMESTAMP 60 s or more away from the clock is refused. */
    public static final Duration MAX_TIMESTAMP_INTERVAL = Duration.ofSeconds(60);

    private static final String MISSING_HEADERS_MESSAGE =
            "requirement headers parameters: ['TIMESTAMP', 'NONCE', 'APP_KEY', 'SIGNATURE']";
    private static final ObjectReader JSON = AuthJson.MAPPER.readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Map<String, String> secretsByAppKey;
    private final ReplayGuard replayGuard;
    private final Clock clock;

    /**
     * @param secretsByAppKey the secret of each accepted APP_KEY (FATE-Flow has one pair: http_app_key, http_secret_key)
     * @param replayGuard     remembers nonces per APP_KEY
     * @param clock           the server's clock
     */
    public ClientAuthenticator(Map<String, String> secretsByAppKey, ReplayGuard replayGuard, Clock clock) {
        this.secretsByAppKey = Map.copyOf(secretsByAppKey);
        this.replayGuard = replayGuard;
        this.clock = clock;
    }

    public ClientVerdict authenticate(ClientRequest request) {
        if (secretsByAppKey.isEmpty()) {
            return ClientVerdict.refused(ClientRefusal.NOT_CONFIGURED,
                    "settings HTTP_APP_KEY and HTTP_SECRET_KEY is None");
        }
        String timestamp = request.header("TIMESTAMP");
        String nonce = request.header("NONCE");
        String appKey = request.header("APP_KEY");
        String signature = request.header("SIGNATURE");
        if (empty(timestamp) || empty(nonce) || empty(appKey) || empty(signature)) {
            return ClientVerdict.refused(ClientRefusal.MISSING_HEADERS, MISSING_HEADERS_MESSAGE);
        }
        long timestampMs;
        try {
            timestampMs = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return ClientVerdict.refused(ClientRefusal.INVALID_TIMESTAMP, "Invalid TIMESTAMP");
        }
        if (Math.abs(clock.millis() - timestampMs) >= MAX_TIMESTAMP_INTERVAL.toMillis()) {
            return ClientVerdict.refused(ClientRefusal.STALE_TIMESTAMP, "TIMESTAMP is more than "
                    + MAX_TIMESTAMP_INTERVAL.toSeconds() + " seconds away from the server time");
        }
        if (nonce.isBlank()) {
            return ClientVerdict.refused(ClientRefusal.INVALID_NONCE, "Invalid NONCE");
        }
        String secret = secretsByAppKey.get(appKey);
        if (secret == null) {
            return ClientVerdict.refused(ClientRefusal.UNKNOWN_APP_KEY, "Unknown APP_KEY");
        }
        if (!signatureMatches(request, secret, timestamp, nonce, appKey, signature)) {
            return ClientVerdict.refused(ClientRefusal.BAD_SIGNATURE, "signature authentication failed");
        }
        if (!replayGuard.firstSeen("client:" + appKey, nonce, timestampMs)) {
            return ClientVerdict.refused(ClientRefusal.REPLAYED_NONCE,
                    "NONCE has already been used: the request is a replay");
        }
        return ClientVerdict.ok();
    }

    private static boolean signatureMatches(
            ClientRequest request, String secret, String timestamp, String nonce, String appKey, String signature) {
        String pathUrl = stripTrailingQuestionMarks(request.fullPath());
        byte[] body = request.body();
        JsonBody json = JsonBody.of(body);
        byte[] signedBody = json == JsonBody.TRUTHY ? body : new byte[0];
        if (matches(ClientSignature.compute(secret, timestamp, nonce, appKey, pathUrl, signedBody, request.form()),
                signature)) {
            return true;
        }
        return json == JsonBody.FALSY
                && matches(ClientSignature.compute(secret, timestamp, nonce, appKey, pathUrl, body, request.form()),
                        signature);
    }

    private static boolean matches(String expected, String actual) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }

    private static String stripTrailingQuestionMarks(String fullPath) {
        int end = fullPath.length();
        while (end > 0 && fullPath.charAt(end - 1) == '?') {
            end--;
        }
        return fullPath.substring(0, end);
    }

    private static boolean empty(String value) {
        return value == null || value.isEmpty();
    }

    /** The body as FATE-Flow's {@code if request.json} sees it. */
    private enum JsonBody {
        NOT_JSON, FALSY, TRUTHY;

        static JsonBody of(byte[] body) {
            if (body.length == 0) {
                return NOT_JSON;
            }
            JsonNode node;
            try {
                node = JSON.readTree(body);
            } catch (IOException e) {
                return NOT_JSON;
            }
            if (node == null || node.isMissingNode()) {
                return NOT_JSON;
            }
            return pythonTruth(node) ? TRUTHY : FALSY;
        }

        private static boolean pythonTruth(JsonNode node) {
            if (node.isContainerNode()) {
                return node.size() > 0;
            }
            if (node.isNumber()) {
                return node.doubleValue() != 0.0;
            }
            if (node.isTextual()) {
                return !node.textValue().isEmpty();
            }
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            return false;
        }
    }
}
