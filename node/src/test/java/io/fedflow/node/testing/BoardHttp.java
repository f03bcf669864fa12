package io.fedflow.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.auth.client.ClientSignature;
import java.io.IOException;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A browser's calls to the board's JSON (/board/api) over real HTTP, with the session cookie and the CSRF
 * header handed over explicitly so that a test says what each call carries; and FATE's signed /v1 calls for
 * the nodes that authenticate their clients.
 */
public final class BoardHttp {
    public static final String COOKIE = "fedflow_board";
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private final FlowHttp http;

    public BoardHttp(FlowHttp http) {
        this.http = http;
    }

    /** A logged-in (or anonymous) session as a browser holds it: the cookie's value and the CSRF token. */
    public record Session(String cookie, String csrfToken) {}

    /** {@code /board/api/<path>} with these headers (name, value, ...) and, unless null, this JSON body. */
    public HttpResponse<String> call(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + "/board/api/" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build());
    }

    /** GET /board/api/{path} without a session (a node without client authentication): the envelope. */
    public JsonNode get(String path) {
        return json(call("GET", path, null));
    }

    /** The data of GET /board/api/{path}; fails unless the retcode is 0. */
    public JsonNode data(String path) {
        JsonNode e = get(path);
        if (e.path("retcode").asInt(-1) != 0) {
            throw new AssertionError("GET /board/api/" + path + " answered " + e);
        }
        return e.get("data");
    }

    /**
     * POST /board/api/{path} with a JSON body as the page sends it (an anonymous session's cookie and CSRF
     * token, on a node without client authentication): the envelope.
     */
    public JsonNode post(String path, String json) {
        Session session = sessionOf(call("GET", "session", null));
        return json(call("POST", path, json, "Cookie", cookieHeader(session), CSRF_HEADER, session.csrfToken()));
    }

    /** A GET carrying the session's cookie (none when {@code session} is null). */
    public HttpResponse<String> get(String path, Session session) {
        return session == null ? call("GET", path, null) : call("GET", path, null, "Cookie", cookieHeader(session));
    }

    /** POST /board/api/session with this pair and these headers (name, value, ...); the raw answer. */
    public HttpResponse<String> login(String appKey, String secret, String... headers) {
        return call("POST", "session", "{\"app_key\": " + FlowHttp.JSON.valueToTree(appKey) + ", \"secret\": "
                + FlowHttp.JSON.valueToTree(secret) + "}", headers);
    }

    /** Logs in with this pair (and these headers); fails unless a session came back. */
    public Session loggedIn(String appKey, String secret, String... headers) {
        return sessionOf(login(appKey, secret, headers));
    }

    /** The session an answer opened: its cookie and the token of its JSON; fails when it opened none. */
    public static Session sessionOf(HttpResponse<String> answer) {
        JsonNode body = json(answer);
        if (body.path("retcode").asInt(-1) != 0) {
            throw new AssertionError("no session: " + body);
        }
        String cookie = setCookie(answer).map(HttpCookie::getValue)
                .orElseThrow(() -> new AssertionError("no " + COOKIE + " cookie: " + answer.headers()));
        return new Session(cookie, body.at("/data/csrf_token").asText());
    }

    /** The board's cookie an answer sets, parsed; empty when it sets none. */
    public static Optional<HttpCookie> setCookie(HttpResponse<String> answer) {
        return rawSetCookie(answer).map(h -> HttpCookie.parse(h).get(0));
    }

    /** The board's Set-Cookie header as sent (its attributes included); empty when there is none. */
    public static Optional<String> rawSetCookie(HttpResponse<String> answer) {
        List<String> all = answer.headers().allValues("set-cookie");
        return all.stream().filter(h -> h.startsWith(COOKIE + "=")).findFirst();
    }

    /**
     * The attributes of the board's Set-Cookie (after its value), lower-cased as the names are
     * case-insensitive ({@code httponly}, {@code samesite=strict}, {@code path=/board}); fails without one.
     */
    public static Set<String> cookieAttributes(HttpResponse<String> answer) {
        String header = rawSetCookie(answer).orElseThrow(() -> new AssertionError("no " + COOKIE + " cookie"));
        return Arrays.stream(header.split(";")).skip(1).map(a -> a.strip().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    public static String cookieHeader(Session session) {
        return COOKIE + "=" + session.cookie();
    }

    public static JsonNode json(HttpResponse<String> answer) {
        try {
            return FlowHttp.JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (HTTP " + answer.statusCode() + "): " + answer.body(), e);
        }
    }

    /**
     * A /v1 JSON call signed as FATE's client signs it (TIMESTAMP, NONCE, APP_KEY, SIGNATURE over path and
     * body), plus these extra headers (name, value, ...); the answer's JSON.
     */
    public JsonNode signedPost(String path, String body, String appKey, String secret, String... headers) {
        String ts = Long.toString(System.currentTimeMillis());
        String nonce = UUID.randomUUID().toString();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path))
                .header("Content-Type", "application/json")
                .header("TIMESTAMP", ts).header("NONCE", nonce).header("APP_KEY", appKey)
                .header("SIGNATURE", ClientSignature.compute(secret, ts, nonce, appKey, path,
                        body.getBytes(StandardCharsets.UTF_8), Map.of()))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return json(http.send(b.build()));
    }
}
