package io.fedflow.node.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.MovingClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The session table's rules, on a clock the test moves: idle timeout, absolute lifetime, the cap. */
class BoardSessionsTest {
    private final MovingClock clock = new MovingClock();
    private final BoardSessions sessions = new BoardSessions(Limits.builder()
            .boardSessionIdle(Duration.ofMinutes(30)).boardSessionLifetime(Duration.ofHours(2))
            .maxBoardSessions(3).build(), clock);

    @Test
    void idsAndTokensAreRandom256BitValues() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            BoardSessions.Session s = sessions.open("k");
            assertThat(s.id()).matches("[A-Za-z0-9_-]{43}");
            assertThat(s.csrfToken()).matches("[A-Za-z0-9_-]{43}");
            assertThat(seen.add(s.id())).isTrue();
            assertThat(seen.add(s.csrfToken())).isTrue();
        }
    }

    @Test
    void aSessionUnusedForTheIdleTimeoutEndsAndUseKeepsItAlive() {
        BoardSessions.Session s = sessions.open("k");
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.use(s.id())).isPresent();
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.use(s.id())).as("used a minute before: still alive").isPresent();
        clock.advance(Duration.ofMinutes(30));
        assertThat(sessions.use(s.id())).isEmpty();
        assertThat(sessions.use(s.id())).as("ended for good").isEmpty();
    }

    @Test
    void aSessionEndsAtItsLifetimeHoweverBusy() {
        BoardSessions.Session s = sessions.open("k");
        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofMinutes(17));
            assertThat(sessions.use(s.id())).isPresent();
        }
        clock.advance(Duration.ofMinutes(1));
        assertThat(sessions.use(s.id())).as("two hours after it began").isEmpty();
    }

    @Test
    void pastTheCapANewSessionIsRefusedUntilOneEnds() {
        BoardSessions.Session first = sessions.open("a");
        sessions.open("b");
        sessions.open(null);
        FlowException refused = catchThrowableOfType(FlowException.class, () -> sessions.open("d"));
        assertThat(refused.retcode()).isEqualTo(103);
        assertThat(refused.getMessage()).contains("3", Limits.MAX_BOARD_SESSIONS_FLAG);
        sessions.close(first.id());
        BoardSessions.Session fourth = sessions.open("d");
        assertThat(sessions.use(fourth.id())).isPresent();
        // ended sessions free their places without a logout
        clock.advance(Duration.ofMinutes(31));
        sessions.open("e");
        sessions.open("f");
        sessions.open("g");
    }

    @Test
    void unknownAndMissingIdsFindNothing() {
        assertThat(sessions.use(null)).isEmpty();
        assertThat(sessions.use("nope")).isEmpty();
        sessions.close(null);
        sessions.close("nope");
    }

    @Test
    void theCsrfTokenMatchesOnlyItself() {
        BoardSessions.Session s = sessions.open(null);
        assertThat(s.authenticated()).isFalse();
        assertThat(s.csrfMatches(s.csrfToken())).isTrue();
        assertThat(s.csrfMatches(null)).isFalse();
        assertThat(s.csrfMatches("")).isFalse();
        assertThat(s.csrfMatches(s.csrfToken() + "x")).isFalse();
        assertThat(s.csrfMatches(s.id())).isFalse();
    }
}
