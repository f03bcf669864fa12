package io.fedflow.node.board;

import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.server.ErrorMapper;
import io.fedflow.proto.RetCode;
import io.netty.util.AttributeKey;
import java.util.Optional;

/**
 * The guard in front of every {@code /board/api} route. A request from another site (its {@code Origin} not
 * this node's, or {@code Sec-Fetch-Site} other than same-origin) is refused with 403. With client
 * authentication on, a call without a logged-in session is refused with 401 (the session route itself
 * excepted: it is where one logs in). Every call that changes something (any method but GET and HEAD: stop,
 * rerun, logout) must carry its session's token in {@value #CSRF_HEADER}, else 403, whether client
 * authentication is on or off. Refusals are FATE's envelope with that HTTP status, so a page can tell "log in"
 * from "refused".
 */
public final class BoardAccess implements DecoratingHttpServiceFunction {
    /** The session cookie: HttpOnly, SameSite=Strict, Path=/board (and Secure over TLS). */
    public static final String COOKIE = "fedflow_board";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String SESSION_PATH = Board.PREFIX + "/api" + SessionApi.PATH;
    private static final AttributeKey<BoardSessions.Session> SESSION =
            AttributeKey.valueOf(BoardAccess.class, "SESSION");

    private final BoardSessions sessions;
    private final boolean loginRequired;

    /** @param loginRequired whether client authentication is on, so that reading the board needs a login */
    public BoardAccess(BoardSessions sessions, boolean loginRequired) {
        this.sessions = sessions;
        this.loginRequired = loginRequired;
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        RequestHeaders headers = req.headers();
        if (crossSite(headers, ctx.sessionProtocol().isTls())) {
            return refuse(HttpStatus.FORBIDDEN, RetCode.PERMISSION_ERROR, FailureKind.PERMISSION_DENIED,
                    "cross-site request refused: the board's API answers its own pages only");
        }
        Optional<BoardSessions.Session> session = sessions.use(sessionId(headers));
        boolean sessionRoute = SESSION_PATH.equals(ctx.path());
        if (loginRequired && !sessionRoute && session.filter(BoardSessions.Session::authenticated).isEmpty()) {
            return refuse(HttpStatus.UNAUTHORIZED, RetCode.AUTHENTICATION_ERROR, FailureKind.UNAUTHENTICATED,
                    "the board needs a login while client authentication is on: POST " + SESSION_PATH
                            + " with app_key and secret");
        }
        HttpMethod method = headers.method();
        boolean changes = method != HttpMethod.GET && method != HttpMethod.HEAD;
        // a login has no session yet, so no token: the cross-site check above is its guard
        boolean login = sessionRoute && method == HttpMethod.POST;
        if (changes && !login && !session.map(s -> s.csrfMatches(headers.get(CSRF_HEADER))).orElse(false)) {
            return refuse(HttpStatus.FORBIDDEN, RetCode.PERMISSION_ERROR, FailureKind.PERMISSION_DENIED,
                    "header " + CSRF_HEADER + " must carry this session's csrf_token (GET " + SESSION_PATH
                            + ") for a " + method);
        }
        session.ifPresent(s -> ctx.setAttr(SESSION, s));
        return delegate.serve(ctx, req);
    }

    /** The session this call came with, once {@link BoardAccess} let it through; null when it has none. */
    static BoardSessions.Session session(ServiceRequestContext ctx) {
        return ctx.attr(SESSION);
    }

    /** The session id the request's cookie carries; null without one. */
    static String sessionId(RequestHeaders headers) {
        for (Cookie c : Cookie.fromCookieHeaders(headers.getAll(HttpHeaderNames.COOKIE))) {
            if (COOKIE.equals(c.name())) {
                return c.value();
            }
        }
        return null;
    }

    /**
     * Whether the browser says the call comes from another site's page. Same-site is refused too: a page on
     * another port of the same host (another node) is same-site, and SameSite=Strict cookies travel there.
     * Requests without either header (curl, tests, old browsers) are not cross-site by this test; the
     * SameSite cookie and the CSRF token still guard them.
     */
    static boolean crossSite(RequestHeaders headers, boolean tls) {
        String fetchSite = headers.get("sec-fetch-site");
        if (fetchSite != null && !"same-origin".equals(fetchSite) && !"none".equals(fetchSite)) {
            return true;
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            return false;
        }
        String authority = headers.authority();
        return authority == null || !origin.equalsIgnoreCase((tls ? "https://" : "http://") + authority);
    }

    private static HttpResponse refuse(HttpStatus status, RetCode retCode, FailureKind kind, String message) {
        return ErrorMapper.statusResponse(status, new FlowException(retCode, kind, message, null));
    }
}
