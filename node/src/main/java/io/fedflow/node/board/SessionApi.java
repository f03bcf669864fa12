package io.fedflow.node.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Post;
import io.fedflow.auth.hook.HookResult;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.RetCode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The board's session: GET tells a page whether it may read (and gives the CSRF token its actions carry),
 * POST logs in with an app key and its secret, DELETE logs out. The session id travels in the
 * {@value BoardAccess#COOKIE} cookie only, never in a JSON answer. With client authentication off there is
 * nothing to log in to: GET hands out an anonymous session, whose token the board's actions still need.
 */
@Blocking
public final class SessionApi {
    static final String PATH = "/session";

    private final BoardSessions sessions;
    private final BoardLogin login;
    private final BoardLoginThrottle throttle;

    /**
     * @param login    how a login is judged; null when client authentication is off
     * @param throttle the cap on failed logins, asked before the login is judged
     */
    public SessionApi(BoardSessions sessions, BoardLogin login, BoardLoginThrottle throttle) {
        this.sessions = sessions;
        this.login = login;
        this.throttle = throttle;
    }

    @Get(PATH)
    public HttpResponse current(ServiceRequestContext ctx) {
        BoardSessions.Session session = BoardAccess.session(ctx);
        if (session == null && login == null) {
            BoardSessions.Session opened = sessions.open(null);
            return answer(opened, cookie(ctx, opened.id(), false));
        }
        return answer(session, null);
    }

    @Post(PATH)
    public HttpResponse login(ServiceRequestContext ctx, AggregatedHttpRequest req) {
        if (login == null) {
            throw new FlowException(RetCode.OPERATING_ERROR,
                    "client authentication is off on this node: the board needs no login");
        }
        ObjectNode body = FateJson.parseObjectBody(req.content().array());
        String appKey = required(body, "app_key");
        String secret = required(body, "secret");
        String address = ctx.clientAddress().getHostAddress();
        throttle.admit(appKey, address);
        HookResult verdict = login.check(appKey, secret);
        if (!verdict.accepted()) {
            throttle.failed(appKey, address);
            throw FlowException.withRetcode(verdict.code(), FailureKind.UNAUTHENTICATED, verdict.message());
        }
        throttle.succeeded(appKey);
        BoardSessions.Session before = BoardAccess.session(ctx);
        if (before != null) {
            // a login always starts a new session: an id known before it is worth nothing after
            sessions.close(before.id());
        }
        BoardSessions.Session session = sessions.open(appKey);
        return answer(session, cookie(ctx, session.id(), false));
    }

    /** Logs out; {@link BoardAccess} let the call through only with the session's CSRF token. */
    @Delete(PATH)
    public HttpResponse logout(ServiceRequestContext ctx) {
        BoardSessions.Session session = BoardAccess.session(ctx);
        if (session != null) {
            sessions.close(session.id());
        }
        return answer(null, cookie(ctx, "", true));
    }

    private HttpResponse answer(BoardSessions.Session session, String setCookie) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("authenticated", session != null && session.authenticated());
        data.put("auth_required", login != null);
        data.put("csrf_token", session == null ? null : session.csrfToken());
        var headers = ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8)
                // the answer carries the CSRF token: no cache may keep it
                .add(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (setCookie != null) {
            headers.add(HttpHeaderNames.SET_COOKIE, setCookie);
        }
        return HttpResponse.of(headers.build(), HttpData.ofUtf8(
                BoardJson.envelope(data).toString()));
    }

    /** The session cookie; {@code expire} clears it. Secure when the port speaks TLS. */
    private static String cookie(ServiceRequestContext ctx, String id, boolean expire) {
        var cookie = Cookie.builder(BoardAccess.COOKIE, id).httpOnly(true).sameSite("Strict").path(Board.PREFIX)
                .secure(ctx.sessionProtocol().isTls());
        if (expire) {
            cookie.maxAge(0);
        }
        return cookie.build().toSetCookieHeader();
    }

    private static String required(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw FlowException.argument(field + " is required");
        }
        if (!value.isTextual() || value.textValue().isEmpty()) {
            throw FlowException.argument(field + " must be a non-empty string");
        }
        return value.textValue();
    }
}
