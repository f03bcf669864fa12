package io.fedflow.node.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.BoardHttp;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;

/**
 * The board's session over TLS (the client port speaks plain HTTP today; the board mounted on a TLS port of
 * Armeria's own): the cookie is Secure, and the board's own origin is the https one.
 */
class BoardTlsTest {
    @Test
    void overTlsTheCookieIsSecureAndOnlyTheHttpsOriginIsTheBoards() throws Exception {
        BoardSessions sessions = new BoardSessions(Limits.defaults(), Clock.systemUTC());
        ServerBuilder sb = Server.builder().https(0).tlsSelfSigned();
        new Board(List.of(new SessionApi(sessions, null, new BoardLoginThrottle(Limits.defaults(), Clock.systemUTC()))), new BoardAccess(sessions, false)).mountOn(sb);
        Server server = sb.build();
        server.start().join();
        try {
            String authority = "127.0.0.1:" + server.activeLocalPort();
            HttpClient client = HttpClient.newBuilder().sslContext(trustingAnyCertificate()).build();
            HttpResponse<String> session = client.send(HttpRequest.newBuilder(
                    URI.create("https://" + authority + "/board/api/session")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(BoardHttp.cookieAttributes(session)).contains("secure", "httponly", "samesite=strict",
                    "path=/board");
            BoardHttp.Session s = BoardHttp.sessionOf(session);

            HttpRequest.Builder logout = HttpRequest.newBuilder(URI.create("https://" + authority + "/board/api/session"))
                    .DELETE().header("Cookie", BoardHttp.cookieHeader(s)).header(BoardHttp.CSRF_HEADER, s.csrfToken());
            assertThat(client.send(logout.copy().header("Origin", "http://" + authority).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as("the plain-HTTP origin is another").isEqualTo(403);
            assertThat(client.send(logout.copy().header("Origin", "https://" + authority).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        } finally {
            server.stop().join();
        }
    }

    /** The server's certificate is self-signed for this test only: trusted without a check. */
    private static SSLContext trustingAnyCertificate() throws Exception {
        TrustManager any = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {any}, new SecureRandom());
        return context;
    }
}
