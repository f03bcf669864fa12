package io.fedflow.node.board;

import static io.fedflow.node.testing.BoardHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.BoardHttp;
import io.fedflow.node.testing.BoardHttp.Session;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The board on a node without client authentication: reading needs nothing, but an action (stop) still needs
 * the CSRF token of a session the board's own page holds, and never runs when asked from another site.
 */
class BoardCsrfTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static BoardHttp board() {
        return new BoardHttp(node.http());
    }

    private static String status(String jobId) {
        return LocalJobs.query(node.http(), jobId).at("/data/0/f_status").asText();
    }

    @Test
    void readingNeedsNoLoginAndTheSessionIsAnonymous() {
        assertThat(board().get("jobs", null).statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = board().get("session", null);
        assertThat(json(anonymous).at("/data/auth_required").asBoolean()).isFalse();
        assertThat(json(anonymous).at("/data/authenticated").asBoolean()).isFalse();
        Session session = BoardHttp.sessionOf(anonymous);
        assertThat(session.csrfToken()).matches("[A-Za-z0-9_-]{43}");
        assertThat(BoardHttp.cookieAttributes(anonymous)).contains("httponly", "samesite=strict", "path=/board");
        assertThat(anonymous.body()).doesNotContain(session.cookie());
        // the same session on the next visit, with the same token
        HttpResponse<String> again = board().get("session", session);
        assertThat(json(again).at("/data/csrf_token").asText()).isEqualTo(session.csrfToken());
        assertThat(BoardHttp.rawSetCookie(again)).isEmpty();

        HttpResponse<String> login = board().login("any", "thing");
        assertThat(json(login).path("retcode").asInt()).isEqualTo(103);
        assertThat(json(login).path("retmsg").asText()).contains("client authentication is off");
        assertThat(BoardHttp.rawSetCookie(login)).isEmpty();
    }

    @Test
    void stopRunsOnlyWithTheSessionsTokenFromTheBoardsOwnPage() {
        FlowHttp h = node.http();
        assertThat(LocalJobs.uploadBreast(h).path("retcode").asInt()).isZero();
        JsonNode submitted = h.post("/v1/job/submit", "{\"job_dsl\": " + LocalJobs.DSL + ", \"job_runtime_conf\": "
                + LocalJobs.conf(LocalJobs.TABLE, "\"max_iter\": 1000000, \"tol\": 0.0, \"batch_size\": 32", "") + "}");
        assertThat(submitted.path("retcode").asInt()).as(submitted.toString()).isZero();
        String jobId = submitted.path("jobId").asText();
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> status(jobId), "running"::equals);

        Session session = BoardHttp.sessionOf(board().get("session", null));
        Session other = BoardHttp.sessionOf(board().get("session", null));
        String cookie = BoardHttp.cookieHeader(session);
        String stop = "jobs/" + jobId + "/stop";
        String body = "{\"status\": \"canceled\"}";
        String token = BoardHttp.CSRF_HEADER;
        assertThat(board().call("POST", stop, body).statusCode()).as("no session").isEqualTo(403);
        assertThat(board().call("POST", stop, body, token, session.csrfToken()).statusCode())
                .as("a token without its session's cookie").isEqualTo(403);
        assertThat(board().call("POST", stop, body, "Cookie", cookie).statusCode()).as("no token").isEqualTo(403);
        assertThat(board().call("POST", stop, body, "Cookie", cookie, token, "forged").statusCode())
                .as("forged token").isEqualTo(403);
        assertThat(board().call("POST", stop, body, "Cookie", cookie, token, other.csrfToken()).statusCode())
                .as("another session's token").isEqualTo(403);
        HttpResponse<String> crossOrigin = board().call("POST", stop, body, "Cookie", cookie, token,
                session.csrfToken(), "Origin", "http://evil.example");
        assertThat(crossOrigin.statusCode()).isEqualTo(403);
        assertThat(json(crossOrigin).path("retcode").asInt()).isEqualTo(108);
        assertThat(board().call("POST", stop, body, "Cookie", cookie, token, session.csrfToken(),
                "Sec-Fetch-Site", "cross-site").statusCode()).as("Sec-Fetch-Site cross-site").isEqualTo(403);
        assertThat(board().call("POST", stop, body, "Cookie", cookie, token, session.csrfToken(),
                "Sec-Fetch-Site", "same-site").statusCode()).as("another port of the same host").isEqualTo(403);
        assertThat(board().call("POST", stop, body, "Cookie", cookie, token, session.csrfToken(),
                "Origin", "null").statusCode()).as("an opaque origin").isEqualTo(403);
        assertThat(status(jobId)).as("no refused call stopped the job").isEqualTo("running");

        HttpResponse<String> badStatus = board().call("POST", stop, "{\"status\": 3}", "Cookie", cookie, token,
                session.csrfToken());
        assertThat(json(badStatus).path("retcode").asInt()).isEqualTo(101);
        assertThat(json(badStatus).path("retmsg").asText()).contains("status");

        HttpResponse<String> stopped = board().call("POST", stop, body, "Cookie", cookie, token, session.csrfToken(),
                "Origin", h.base(), "Sec-Fetch-Site", "same-origin");
        assertThat(stopped.statusCode()).isEqualTo(200);
        assertThat(json(stopped).path("retcode").asInt()).as(stopped.body()).isZero();
        assertThat(json(stopped).at("/data/job_id").asText()).isEqualTo(jobId);
        assertThat(stopped.body()).doesNotContain(session.cookie());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> status(jobId), "canceled"::equals);
    }
}
