package io.fedflow.node.board;

import static io.fedflow.node.testing.BoardHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import io.fedflow.node.core.ClientAppKeys;
import io.fedflow.node.testing.BoardHttp;
import io.fedflow.node.testing.BoardHttp.Session;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import java.io.IOException;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The board on a node that authenticates its clients: nothing of its JSON without a login, a login takes
 * exactly the pairs the API takes (the built-in app keys or a registered hook), and the session lives in a
 * Strict, HttpOnly cookie that no answer repeats.
 */
class BoardSessionTest {
    static final String APP_KEY = "board-user";
    static final String SECRET = "b0ard-s3cret";

    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder()
            .configure(b -> b.clientAuth(true).clientAppKeys(ClientAppKeys.of(APP_KEY, SECRET))).build();

    private static BoardHttp board() {
        return new BoardHttp(node.http());
    }

    @Test
    void withoutALoginTheJsonAnswers401WhileThePagesStillLoad() {
        HttpResponse<String> jobs = board().get("jobs", null);
        assertThat(jobs.statusCode()).isEqualTo(401);
        assertThat(json(jobs).path("retcode").asInt()).isEqualTo(109);
        assertThat(json(jobs).path("retmsg").asText()).contains("login", "/board/api/session");
        HttpResponse<String> forged = board().get("jobs", new Session("bm90LWEtc2Vzc2lvbg", "x"));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(board().get("no-such-route", null).statusCode()).isEqualTo(401);

        HttpResponse<String> session = board().get("session", null);
        assertThat(session.statusCode()).isEqualTo(200);
        assertThat(json(session).path("data").path("auth_required").asBoolean()).isTrue();
        assertThat(json(session).path("data").path("authenticated").asBoolean()).isFalse();
        assertThat(json(session).path("data").path("csrf_token").isNull()).isTrue();
        assertThat(BoardHttp.rawSetCookie(session)).as("no anonymous session with client authentication on")
                .isEmpty();

        for (String page : List.of("/board/", "/board/login.html", "/board/login.js", "/board/board.js")) {
            FlowHttp h = node.http();
            assertThat(h.send(HttpRequest.newBuilder(URI.create(h.base() + page)).build()).statusCode()).as(page)
                    .isEqualTo(200);
        }
    }

    @Test
    void aWrongPairIsRefusedAndSetsNoCookie() {
        HttpResponse<String> wrongSecret = board().login(APP_KEY, "guess");
        assertThat(json(wrongSecret).path("retcode").asInt()).isEqualTo(109);
        assertThat(json(wrongSecret).path("retmsg").asText()).isEqualTo("signature authentication failed");
        assertThat(BoardHttp.rawSetCookie(wrongSecret)).isEmpty();

        HttpResponse<String> unknownKey = board().login("someone-else", SECRET);
        assertThat(json(unknownKey).path("retcode").asInt()).isEqualTo(109);
        assertThat(json(unknownKey).path("retmsg").asText()).isEqualTo("Unknown APP_KEY");
        assertThat(BoardHttp.rawSetCookie(unknownKey)).isEmpty();

        for (String body : List.of("{\"app_key\": \"" + APP_KEY + "\"}", "{\"secret\": \"" + SECRET + "\"}",
                "{\"app_key\": 7, \"secret\": \"" + SECRET + "\"}", "{\"app_key\": \"" + APP_KEY + "\", \"secret\": \"\"}",
                "[1]")) {
            HttpResponse<String> bad = board().call("POST", "session", body);
            assertThat(json(bad).path("retcode").asInt()).as(body).isEqualTo(101);
            assertThat(BoardHttp.rawSetCookie(bad)).as(body).isEmpty();
        }
        HttpResponse<String> notJson = board().call("POST", "session", "{");
        assertThat(json(notJson).path("retcode").asInt()).as("FATE's code for a body it cannot parse").isEqualTo(100);
        assertThat(json(notJson).path("retmsg").asText()).contains("not valid JSON");
        assertThat(BoardHttp.rawSetCookie(notJson)).isEmpty();
        assertThat(json(board().call("POST", "session", "{\"secret\": \"x\"}")).path("retmsg").asText())
                .contains("app_key");
        assertThat(json(board().call("POST", "session", "{\"app_key\": \"x\"}")).path("retmsg").asText())
                .contains("secret");
    }

    @Test
    void theRightPairGivesAStrictHttpOnlyCookieThatOpensTheJson() {
        HttpResponse<String> login = board().login(APP_KEY, SECRET);
        JsonNode answer = json(login);
        assertThat(answer.path("retcode").asInt()).as(answer.toString()).isZero();
        assertThat(answer.at("/data/authenticated").asBoolean()).isTrue();
        assertThat(answer.at("/data/auth_required").asBoolean()).isTrue();
        assertThat(BoardHttp.cookieAttributes(login)).contains("httponly", "samesite=strict", "path=/board")
                .doesNotContain("secure");
        Session session = BoardHttp.sessionOf(login);
        // 256 random bits, base64url
        assertThat(session.cookie()).matches("[A-Za-z0-9_-]{43}");
        assertThat(session.csrfToken()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(session.cookie());
        assertThat(login.body()).doesNotContain(session.cookie());

        HttpResponse<String> jobs = board().get("jobs", session);
        assertThat(jobs.statusCode()).isEqualTo(200);
        assertThat(json(jobs).path("retcode").asInt()).isZero();
        assertThat(jobs.body()).doesNotContain(session.cookie());
        HttpResponse<String> current = board().get("session", session);
        assertThat(json(current).at("/data/authenticated").asBoolean()).isTrue();
        assertThat(json(current).at("/data/csrf_token").asText()).isEqualTo(session.csrfToken());
        assertThat(current.body()).doesNotContain(session.cookie());
        assertThat(current.headers().firstValue("cache-control")).hasValue("no-store");
    }

    @Test
    void actionsNeedTheSessionsTokenAndTheBoardsOwnOrigin() {
        Session session = board().loggedIn(APP_KEY, SECRET);
        String cookie = BoardHttp.cookieHeader(session);
        String origin = node.http().base();
        String stop = "jobs/202612050000000000001/stop";
        assertThat(board().call("POST", stop, "{}").statusCode()).as("no session").isEqualTo(401);
        assertThat(board().call("POST", stop, "{}", "Cookie", cookie).statusCode()).as("no token").isEqualTo(403);
        HttpResponse<String> forged = board().call("POST", stop, "{}", "Cookie", cookie,
                BoardHttp.CSRF_HEADER, "forged");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(json(forged).path("retcode").asInt()).isEqualTo(108);
        assertThat(json(forged).path("retmsg").asText()).contains(BoardHttp.CSRF_HEADER);
        HttpResponse<String> crossSite = board().call("POST", stop, "{}", "Cookie", cookie,
                BoardHttp.CSRF_HEADER, session.csrfToken(), "Origin", "http://evil.example");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(json(crossSite).path("retmsg").asText()).contains("cross-site");

        // let through: the job service answers, here that there is no such job
        HttpResponse<String> ran = board().call("POST", stop, "{}", "Cookie", cookie,
                BoardHttp.CSRF_HEADER, session.csrfToken(), "Origin", origin, "Sec-Fetch-Site", "same-origin");
        assertThat(ran.statusCode()).isEqualTo(200);
        assertThat(json(ran).path("retcode").asInt()).as(ran.body()).isEqualTo(102);
        assertThat(json(ran).path("retmsg").asText()).contains("202612050000000000001");
    }

    @Test
    void logoutEndsTheSessionAndALoginAlwaysStartsANewOne() {
        Session first = board().loggedIn(APP_KEY, SECRET);
        HttpResponse<String> relogin = board().call("POST", "session", "{\"app_key\": \"" + APP_KEY
                + "\", \"secret\": \"" + SECRET + "\"}", "Cookie", BoardHttp.cookieHeader(first));
        Session second = BoardHttp.sessionOf(relogin);
        assertThat(second.cookie()).isNotEqualTo(first.cookie());
        assertThat(second.csrfToken()).isNotEqualTo(first.csrfToken());
        assertThat(board().get("jobs", first).statusCode()).as("the session before the login").isEqualTo(401);

        String cookie = BoardHttp.cookieHeader(second);
        assertThat(board().call("DELETE", "session", null, "Cookie", cookie).statusCode()).isEqualTo(403);
        assertThat(board().call("DELETE", "session", null, "Cookie", cookie, BoardHttp.CSRF_HEADER, "forged")
                .statusCode()).isEqualTo(403);
        assertThat(board().get("jobs", second).statusCode()).as("still logged in").isEqualTo(200);

        HttpResponse<String> logout = board().call("DELETE", "session", null, "Cookie", cookie,
                BoardHttp.CSRF_HEADER, second.csrfToken());
        assertThat(json(logout).path("retcode").asInt()).isZero();
        assertThat(json(logout).at("/data/authenticated").asBoolean()).isFalse();
        assertThat(BoardHttp.setCookie(logout).map(HttpCookie::getMaxAge)).hasValue(0L);
        assertThat(board().get("jobs", second).statusCode()).isEqualTo(401);
        assertThat(json(board().get("session", second)).at("/data/authenticated").asBoolean()).isFalse();
    }

    @Test
    void aRegisteredClientAuthenticationHookJudgesTheLoginAsItJudgesTheApi() throws Exception {
        List<JsonNode> asked = new CopyOnWriteArrayList<>();
        Server hook = guestListHook(asked);
        hook.start().join();
        BoardHttp board = board();
        try {
            JsonNode server = board.signedPost("/v1/server/boardauth/register", "{\"host\": \"127.0.0.1\", \"port\": "
                    + hook.activeLocalPort() + "}", APP_KEY, SECRET);
            assertThat(server.path("retcode").asInt()).as(server.toString()).isZero();
            JsonNode registered = board.signedPost("/v1/service/registry", "{\"server_name\": \"boardauth\", "
                    + "\"service_name\": \"client_authentication\", \"uri\": \"/auth\"}", APP_KEY, SECRET);
            assertThat(registered.path("retcode").asInt()).as(registered.toString()).isZero();

            // the built-in's pair no longer passes the API, so not the board either
            HttpResponse<String> builtin = board.login(APP_KEY, SECRET);
            assertThat(json(builtin).path("retcode").asInt()).isEqualTo(403);
            assertThat(json(builtin).path("retmsg").asText()).isEqualTo("not on the guest list");
            assertThat(BoardHttp.rawSetCookie(builtin)).isEmpty();
            // the hook saw a request signed as FATE's client signs one
            JsonNode seen = asked.get(asked.size() - 1);
            assertThat(seen.path("full_path").asText()).isEqualTo("/board/api/session");
            assertThat(seen.at("/headers/App-Key").asText()).isEqualTo(APP_KEY);
            assertThat(seen.at("/headers/Timestamp").asText()).isNotEmpty();
            assertThat(seen.at("/headers/Nonce").asText()).isNotEmpty();
            assertThat(seen.at("/headers/Signature").asText()).isNotEmpty();
            assertThat(seen.toString()).doesNotContain(SECRET);

            Session session = board.loggedIn("hook-user", "whatever-the-hook-takes");
            assertThat(board.get("jobs", session).statusCode()).isEqualTo(200);
        } finally {
            JsonNode deleted = board.signedPost("/v1/server/boardauth/delete", "{}", APP_KEY, SECRET,
                    "X-Let-In", "yes");
            hook.stop().join();
            assertThat(deleted.path("retcode").asInt()).as(deleted.toString()).isZero();
        }
        // the built-in is back, for the API and the board alike
        assertThat(json(board.login("hook-user", "whatever-the-hook-takes")).path("retcode").asInt()).isEqualTo(109);
        assertThat(json(board.login(APP_KEY, SECRET)).path("retcode").asInt()).isZero();
    }

    /**
     * A remote client_authentication hook that lets in APP_KEY hook-user (whatever its signature) and calls
     * with header X-Let-In: yes, and keeps what it was asked.
     */
    private static Server guestListHook(List<JsonNode> asked) {
        return Server.builder().http(0).service("/auth", (ctx, req) ->
                // qualified: java.net.http.HttpResponse is imported
                com.linecorp.armeria.common.HttpResponse.of(req.aggregate().thenApply(whole -> {
                    JsonNode body = parse(whole.contentUtf8());
                    asked.add(body);
                    boolean letIn = "hook-user".equals(body.at("/headers/App-Key").asText())
                            || "yes".equals(body.at("/headers/X-Let-In").asText());
                    // qualified: java.net.http.HttpResponse is imported
                    return com.linecorp.armeria.common.HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, letIn
                            ? "{\"code\": 0, \"message\": \"welcome\"}"
                            : "{\"code\": 403, \"message\": \"not on the guest list\"}");
                }))).build();
    }

    private static JsonNode parse(String body) {
        try {
            return FlowHttp.JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
