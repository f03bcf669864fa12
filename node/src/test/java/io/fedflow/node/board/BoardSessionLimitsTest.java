package io.fedflow.node.board;

import static io.fedflow.node.testing.BoardHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.core.ClientAppKeys;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.BoardHttp;
import io.fedflow.node.testing.BoardHttp.Session;
import io.fedflow.node.testing.TestNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The board's session caps on a real node: an idle session ends, and past the cap a login is refused. */
class BoardSessionLimitsTest {
    static final String APP_KEY = "board-user";
    static final String SECRET = "b0ard-s3cret";

    private static TestNode node(Limits limits) {
        return TestNode.builder("9999").configure(b -> b.clientAuth(true)
                .clientAppKeys(ClientAppKeys.of(APP_KEY, SECRET)).limits(limits)).build().start();
    }

    @Test
    void anIdleSessionEndsAndItsCookieThenAnswers401() {
        TestNode node = node(Limits.builder().boardSessionIdle(Duration.ofSeconds(3)).build());
        try {
            BoardHttp board = new BoardHttp(node.http());
            Session session = board.loggedIn(APP_KEY, SECRET);
            assertThat(board.get("jobs", session).statusCode()).isEqualTo(200);
            // every call with the cookie restarts its idle time: look only after longer than that
            Awaitility.await().pollDelay(Duration.ofSeconds(4)).pollInterval(Duration.ofSeconds(4))
                    .atMost(Duration.ofSeconds(30)).until(() -> board.get("jobs", session).statusCode(), s -> s == 401);
            assertThat(json(board.get("session", session)).at("/data/authenticated").asBoolean()).isFalse();
        } finally {
            node.stop();
        }
    }

    @Test
    void pastTheCapALoginIsRefusedUntilASessionEnds() {
        TestNode node = node(Limits.builder().maxBoardSessions(2).build());
        try {
            BoardHttp board = new BoardHttp(node.http());
            Session first = board.loggedIn(APP_KEY, SECRET);
            board.loggedIn(APP_KEY, SECRET);
            HttpResponse<String> refused = board.login(APP_KEY, SECRET);
            assertThat(json(refused).path("retcode").asInt()).isEqualTo(103);
            assertThat(json(refused).path("retmsg").asText()).contains("too many board sessions",
                    Limits.MAX_BOARD_SESSIONS_FLAG);
            assertThat(BoardHttp.rawSetCookie(refused)).isEmpty();
            assertThat(board.call("DELETE", "session", null, "Cookie", BoardHttp.cookieHeader(first),
                    BoardHttp.CSRF_HEADER, first.csrfToken()).statusCode()).isEqualTo(200);
            Session third = board.loggedIn(APP_KEY, SECRET);
            assertThat(board.get("jobs", third).statusCode()).isEqualTo(200);
        } finally {
            node.stop();
        }
    }
}
