package io.fedflow.node.board;

import static io.fedflow.node.testing.BoardHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.fedflow.auth.client.ClientAuthenticator;
import io.fedflow.auth.hook.BuiltinClientAuthenticationHook;
import io.fedflow.auth.replay.InMemoryReplayGuard;
import io.fedflow.node.core.ClientAppKeys;
import io.fedflow.node.core.Limits;
import io.fedflow.node.core.TrustedProxies;
import io.fedflow.node.server.ClientAddresses;
import io.fedflow.node.server.ClientAuthentication;
import io.fedflow.node.testing.BoardHttp;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.MovingClock;
import io.fedflow.node.testing.TestNode;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The cap on failed board logins over real HTTP: on a real node (the caps reach the board from the config),
 * and on the board mounted on an Armeria server of its own whose throttle reads a clock the test moves, so
 * that the end of the window is reached without waiting for it.
 */
class BoardLoginThrottleTest {
    static final String APP_KEY = "board-user";
    static final String SECRET = "b0ard-s3cret";
    static final String OTHER_KEY = "other-user";
    static final String OTHER_SECRET = "0ther-s3cret";
    static final Duration WINDOW = Duration.ofMinutes(15);

    @Test
    void onARealNodeAKeyPastItsFailuresIsRefusedEvenWithTheRightSecret() {
        TestNode node = TestNode.builder("9999").configure(b -> b.clientAuth(true)
                .clientAppKeys(ClientAppKeys.of(APP_KEY, SECRET))
                .limits(Limits.builder().boardLoginFailuresPerKey(2).build())).build().start();
        try {
            BoardHttp board = new BoardHttp(node.http());
            for (int i = 0; i < 2; i++) {
                assertThat(json(board.login(APP_KEY, "wrong")).path("retcode").asInt()).isEqualTo(109);
            }
            HttpResponse<String> refused = board.login(APP_KEY, SECRET);
            assertRefused(refused, "app key " + APP_KEY, Limits.BOARD_LOGIN_FAILURES_PER_KEY_FLAG);
        } finally {
            node.stop();
        }
    }

    @Test
    void aKeyIsRefusedUntilItsWindowHasPassedWhileOtherKeysLogIn() {
        MovingClock clock = new MovingClock();
        withBoard(Limits.builder().boardLoginFailuresPerKey(3).boardLoginWindow(WINDOW).build(), clock, board -> {
            for (int i = 0; i < 3; i++) {
                assertThat(json(board.login(APP_KEY, "wrong")).path("retcode").asInt()).isEqualTo(109);
            }
            assertRefused(board.login(APP_KEY, SECRET), "app key " + APP_KEY,
                    Limits.BOARD_LOGIN_FAILURES_PER_KEY_FLAG);
            // the cap is the key's: another key from the same address still logs in
            assertThat(board.loggedIn(OTHER_KEY, OTHER_SECRET).cookie()).isNotEmpty();

            clock.advance(WINDOW.minusSeconds(1));
            assertRefused(board.login(APP_KEY, SECRET), "app key " + APP_KEY,
                    Limits.BOARD_LOGIN_FAILURES_PER_KEY_FLAG);
            clock.advance(Duration.ofSeconds(1));
            assertThat(board.loggedIn(APP_KEY, SECRET).cookie()).isNotEmpty();
        });
    }

    @Test
    void anAddressTryingManyKeysIsRefusedUntilItsWindowHasPassed() {
        MovingClock clock = new MovingClock();
        withBoard(Limits.builder().boardLoginFailuresPerAddress(3).boardLoginWindow(WINDOW).build(), clock,
                board -> {
                    for (int i = 0; i < 3; i++) {
                        assertThat(json(board.login("guess-" + i, "wrong")).path("retcode").asInt()).isEqualTo(109);
                    }
                    assertRefused(board.login(APP_KEY, SECRET), "client address 127.0.0.1",
                            Limits.BOARD_LOGIN_FAILURES_PER_ADDRESS_FLAG);
                    clock.advance(WINDOW);
                    assertThat(board.loggedIn(APP_KEY, SECRET).cookie()).isNotEmpty();
                });
    }

    @Test
    void aSuccessfulLoginClearsItsKeysFailuresButNotItsAddresses() {
        MovingClock clock = new MovingClock();
        withBoard(Limits.builder().boardLoginFailuresPerKey(2).boardLoginFailuresPerAddress(3)
                .boardLoginWindow(WINDOW).build(), clock, board -> {
                    assertThat(json(board.login(APP_KEY, "wrong")).path("retcode").asInt()).isEqualTo(109);
                    board.loggedIn(APP_KEY, SECRET);
                    // the key starts afresh: one more failure is still under its cap of 2
                    assertThat(json(board.login(APP_KEY, "wrong")).path("retcode").asInt()).isEqualTo(109);
                    board.loggedIn(APP_KEY, SECRET);
                    // the address has its two failures still: a third spends it
                    assertThat(json(board.login(OTHER_KEY, "wrong")).path("retcode").asInt()).isEqualTo(109);
                    assertRefused(board.login(APP_KEY, SECRET), "client address",
                            Limits.BOARD_LOGIN_FAILURES_PER_ADDRESS_FLAG);
                });
    }

    @Test
    void refusedLoginsDoNotExtendTheWindow() {
        MovingClock clock = new MovingClock();
        withBoard(Limits.builder().boardLoginFailuresPerKey(1).boardLoginWindow(WINDOW).build(), clock, board -> {
            assertThat(json(board.login(APP_KEY, "wrong")).path("retcode").asInt()).isEqualTo(109);
            clock.advance(Duration.ofMinutes(10));
            assertRefused(board.login(APP_KEY, "wrong"), "app key " + APP_KEY,
                    Limits.BOARD_LOGIN_FAILURES_PER_KEY_FLAG);
            clock.advance(Duration.ofMinutes(5));
            assertThat(board.loggedIn(APP_KEY, SECRET).cookie()).isNotEmpty();
        });
    }

    static final TrustedProxies LOOPBACK_PROXY = new TrustedProxies(List.of("127.0.0.0/8", "::1"), null);
    static final String XFF = "X-Forwarded-For";

    @Test
    void onARealNodeBehindATrustedProxyClientsAreCountedApartByTheAddressItForwards() {
        TestNode node = TestNode.builder("9999").configure(b -> b.clientAuth(true)
                .clientAppKeys(ClientAppKeys.of(APP_KEY, SECRET)).trustedProxies(LOOPBACK_PROXY)
                .limits(Limits.builder().boardLoginFailuresPerAddress(2).build())).build().start();
        try {
            BoardHttp board = new BoardHttp(node.http());
            for (int i = 0; i < 2; i++) {
                assertThat(json(board.login("guess-" + i, "wrong", XFF, "203.0.113.1")).path("retcode").asInt())
                        .isEqualTo(109);
            }
            assertRefused(board.login(APP_KEY, SECRET, XFF, "203.0.113.1"), "client address 203.0.113.1",
                    Limits.BOARD_LOGIN_FAILURES_PER_ADDRESS_FLAG);
            // another client behind the same proxy is another address
            assertThat(board.loggedIn(APP_KEY, SECRET, XFF, "203.0.113.2").cookie()).isNotEmpty();
        } finally {
            node.stop();
        }
    }

    @Test
    void aClientCannotNameItsOwnAddressInFrontOfAnAppendingProxy() {
        withBoard(Limits.builder().boardLoginFailuresPerAddress(2).boardLoginWindow(WINDOW).build(),
                new MovingClock(), LOOPBACK_PROXY, board -> {
                    // the proxy appends what it saw (203.0.113.1) to what the client sent: the client's own
                    // addresses, one per try, are not what is counted
                    for (int i = 0; i < 2; i++) {
                        assertThat(json(board.login("guess-" + i, "wrong", XFF, "198.51.100." + i + ", 203.0.113.1"))
                                .path("retcode").asInt()).isEqualTo(109);
                    }
                    assertRefused(board.login(APP_KEY, SECRET, XFF, "198.51.100.77, 203.0.113.1"),
                            "client address 203.0.113.1", Limits.BOARD_LOGIN_FAILURES_PER_ADDRESS_FLAG);
                    // nor is a Forwarded header the proxies do not write
                    assertRefused(board.login(APP_KEY, SECRET, "Forwarded", "for=198.51.100.78", XFF, "203.0.113.1"),
                            "client address 203.0.113.1", Limits.BOARD_LOGIN_FAILURES_PER_ADDRESS_FLAG);
                    // an address a trusted proxy forwarded from another trusted proxy is skipped over
                    assertRefused(board.login(APP_KEY, SECRET, XFF, "203.0.113.1, 127.0.0.2"),
                            "client address 203.0.113.1", Limits.BOARD_LOGIN_FAILURES_PER_ADDRESS_FLAG);
                    assertThat(board.loggedIn(APP_KEY, SECRET, XFF, "203.0.113.1, 203.0.113.2").cookie())
                            .isNotEmpty();
                });
    }

    @Test
    void withNoTrustedProxyTheForwardingHeadersAreIgnored() {
        withBoard(Limits.builder().boardLoginFailuresPerAddress(3).boardLoginWindow(WINDOW).build(),
                new MovingClock(), board -> {
                    for (int i = 0; i < 3; i++) {
                        assertThat(json(board.login("guess-" + i, "wrong", XFF, "203.0.113." + i, "Forwarded",
                                "for=198.51.100." + i)).path("retcode").asInt()).isEqualTo(109);
                    }
                    // a client naming a fresh address is still the connection's, spent
                    assertRefused(board.login(APP_KEY, SECRET, XFF, "203.0.113.99", "Forwarded", "for=198.51.100.99"),
                            "client address 127.0.0.1", Limits.BOARD_LOGIN_FAILURES_PER_ADDRESS_FLAG);
                });
    }

    private static void assertRefused(HttpResponse<String> answer, String who, String flag) {
        JsonNode body = json(answer);
        assertThat(body.path("retcode").asInt()).as(body.toString()).isEqualTo(103);
        assertThat(body.path("retmsg").asText()).contains("too many failed board logins for " + who, flag,
                Limits.BOARD_LOGIN_WINDOW_FLAG);
        assertThat(BoardHttp.rawSetCookie(answer)).isEmpty();
    }

    /**
     * The board's session API with client authentication on (the built-in check of two app keys, on the real
     * clock, as signatures need) and the throttle on {@code throttleClock}, served on loopback.
     */
    private static void withBoard(Limits limits, Clock throttleClock, Consumer<BoardHttp> test) {
        withBoard(limits, throttleClock, TrustedProxies.none(), test);
    }

    /** As above, the port trusting {@code proxies} for the client's address. */
    private static void withBoard(Limits limits, Clock throttleClock, TrustedProxies proxies,
                                  Consumer<BoardHttp> test) {
        ClientAuthenticator keys = new ClientAuthenticator(Map.of(APP_KEY, SECRET, OTHER_KEY, OTHER_SECRET),
                new InMemoryReplayGuard(Clock.systemUTC()), Clock.systemUTC());
        BoardLogin login = new BoardLogin(new ClientAuthentication(() -> new BuiltinClientAuthenticationHook(keys)),
                Clock.systemUTC());
        BoardSessions sessions = new BoardSessions(limits, Clock.systemUTC());
        ServerBuilder sb = Server.builder().http(0);
        new Board(List.of(new SessionApi(sessions, login, new BoardLoginThrottle(limits, throttleClock))),
                new BoardAccess(sessions, true)).mountOn(sb);
        new ClientAddresses(proxies).mountOn(sb);
        Server server = sb.build();
        server.start().join();
        try {
            test.accept(new BoardHttp(new FlowHttp(server.activeLocalPort())));
        } finally {
            server.stop().join();
        }
    }
}
