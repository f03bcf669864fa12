package io.fedflow.node.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A data service's download read over real HTTP from a loopback server: lines as they come (CRLF or LF, the
 * last without an end), and each way a service can misbehave cut off with a message naming the node's cap.
 */
class DownloadLinesTest {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final List<HttpResponseWriter> HUNG = new ArrayList<>();
    private static Server server;

    @BeforeAll
    static void start() {
        server = Server.builder().localPort(0, SessionProtocol.HTTP)
                .service("/lines", (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.CSV_UTF_8,
                        "id,x0\r\n1,0.5\n\n2,-1.25\r\n3,7"))
                .service("/hangs", (ctx, req) -> {
                    // the header and one row, then nothing: the response never ends
                    ctx.clearRequestTimeout();
                    HttpResponseWriter w = HttpResponse.streaming();
                    w.write(ResponseHeaders.of(HttpStatus.OK));
                    w.write(HttpData.ofUtf8("id,x0\n1,0.5\n"));
                    HUNG.add(w);
                    return w;
                })
                .build();
        server.start().join();
    }

    @AfterAll
    static void stop() {
        HUNG.forEach(HttpResponseWriter::close);
        server.stop().join();
        TIMER.shutdownNow();
    }

    private static DownloadLines open(String path, long maxBytes, int maxLine, Duration idle) throws Exception {
        InputStream body = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.activeLocalPort()
                + path)).build(), BodyHandlers.ofInputStream()).body();
        return new DownloadLines(body, maxBytes, maxLine, idle, TIMER, "SRV", "GET " + path);
    }

    private static List<String> all(DownloadLines lines) {
        List<String> out = new ArrayList<>();
        for (String l = lines.next(); l != null; l = lines.next()) {
            out.add(l);
        }
        return out;
    }

    @Test
    void linesComeWithoutTheirEnds() throws Exception {
        try (DownloadLines lines = open("/lines", 1000, 100, Duration.ofSeconds(30))) {
            assertThat(all(lines)).containsExactly("id,x0", "1,0.5", "", "2,-1.25", "3,7");
        }
    }

    @Test
    void aDownloadPastTheByteCapIsCutOff() throws Exception {
        try (DownloadLines lines = open("/lines", 10, 100, Duration.ofSeconds(30))) {
            assertThatThrownBy(() -> all(lines)).isInstanceOf(FlowException.class)
                    .hasMessageContaining("download service of server SRV (GET /lines) sent more than 10 bytes")
                    .hasMessageContaining(Limits.API_READER_MAX_DOWNLOAD_FLAG);
        }
    }

    @Test
    void aLinePastTheLineCapIsCutOff() throws Exception {
        try (DownloadLines lines = open("/lines", 1000, 6, Duration.ofSeconds(30))) {
            assertThat(lines.next()).isEqualTo("id,x0");
            assertThat(lines.next()).isEqualTo("1,0.5");
            assertThat(lines.next()).isEmpty();
            assertThatThrownBy(lines::next).isInstanceOf(FlowException.class)
                    .hasMessageContaining("line 4 longer than 6 characters")
                    .hasMessageContaining(Limits.MAX_LINE_LENGTH_FLAG);
        }
    }

    @Test
    void aServiceThatGoesSilentIsCutOffAfterTheIdleTimeout() throws Exception {
        try (DownloadLines lines = open("/hangs", 1000, 100, Duration.ofMillis(300))) {
            assertThat(lines.next()).isEqualTo("id,x0");
            assertThat(lines.next()).isEqualTo("1,0.5");
            assertThatThrownBy(lines::next).isInstanceOf(FlowException.class)
                    .hasMessageContaining("download service of server SRV (GET /hangs) sent no byte")
                    .hasMessageContaining(Limits.STREAM_IDLE_TIMEOUT_FLAG);
        }
    }
}
