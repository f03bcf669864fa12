package io.fedflow.node.board;

import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.proto.RetCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The board's sessions, held in memory only (a restart logs everyone out, which is the safe way round): each
 * has a random 256-bit id (the cookie's value) and a CSRF token of its own, ends after
 * {@link Limits#boardSessionIdle()} unused or {@link Limits#boardSessionLifetime()} after it began, and at
 * most {@link Limits#maxBoardSessions()} live at once.
 */
public final class BoardSessions {
    private static final int RANDOM_BYTES = 32;

    /**
     * One session.
     *
     * @param appKey the APP_KEY it logged in with; null for an anonymous session (client authentication off)
     */
    public record Session(String id, String csrfToken, String appKey, Instant started, Instant lastUsed) {
        public boolean authenticated() {
            return appKey != null;
        }

        /** Whether {@code token} is this session's CSRF token (compared in constant time). */
        public boolean csrfMatches(String token) {
            return token != null && MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.UTF_8),
                    token.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Map<String, Session> live = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Duration idle;
    private final Duration lifetime;
    private final int max;
    private final Clock clock;

    public BoardSessions(Limits limits, Clock clock) {
        this.idle = limits.boardSessionIdle();
        this.lifetime = limits.boardSessionLifetime();
        this.max = limits.maxBoardSessions();
        this.clock = clock;
    }

    /** A new session; refused while {@link Limits#maxBoardSessions()} are alive. */
    public synchronized Session open(String appKey) {
        Instant now = clock.instant();
        if (live.size() >= max) {
            // ended sessions are dropped lazily: only a full table needs the sweep
            live.values().removeIf(s -> ended(s, now));
        }
        if (live.size() >= max) {
            throw new FlowException(RetCode.OPERATING_ERROR, FailureKind.OVERLOADED,
                    "too many board sessions: " + max + " are open, the cap (" + Limits.MAX_BOARD_SESSIONS_FLAG
                            + "); retry when one has logged out or expired", null);
        }
        Session s = new Session(randomToken(), randomToken(), appKey, now, now);
        live.put(s.id(), s);
        return s;
    }

    /** The live session with this id, its idle time restarted; empty when there is none or it has ended. */
    public Optional<Session> use(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Session found = live.computeIfPresent(id, (k, s) -> ended(s, now) ? null
                : new Session(s.id(), s.csrfToken(), s.appKey(), s.started(), now));
        return Optional.ofNullable(found);
    }

    /** Ends the session (logout); nothing when there is none. */
    public void close(String id) {
        if (id != null) {
            live.remove(id);
        }
    }

    private boolean ended(Session s, Instant now) {
        return !now.isBefore(s.lastUsed().plus(idle)) || !now.isBefore(s.started().plus(lifetime));
    }

    private String randomToken() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
