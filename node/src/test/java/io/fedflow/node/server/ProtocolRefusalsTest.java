package io.fedflow.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LogCapture;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests the HTTP layer refuses before any route is chosen (a {@code ..} in the target, headers too
 * large): each gets its status and FATE's envelope, and the node logs no stack trace for them.
 */
class ProtocolRefusalsTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().partyId("10000").build();
    static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    static RawHttp.Answer post(String target, String extraHeaders) {
        return RawHttp.send(node.httpPort(), "POST", target, extraHeaders, EMPTY_OBJECT);
    }

    static void assertRefusedWithEnvelope(RawHttp.Answer a, int status) throws IOException {
        assertThat(a.status()).as(a.headers()).isEqualTo(status);
        JsonNode body = FlowHttp.JSON.readTree(a.body());
        assertThat(body.path("retcode").isInt()).as(body.toString()).isTrue();
        assertThat(body.path("retcode").asInt()).isNotZero();
        assertThat(body.path("retmsg").isTextual()).as(body.toString()).isTrue();
    }

    @Test
    void dotDotInTheQueryIsABadRequestWithTheEnvelope() throws IOException {
        assertRefusedWithEnvelope(post("/v1/table/table_info?a=..%2F..", ""), 400);
        assertRefusedWithEnvelope(post("/v1/table/table_info?x=/../", ""), 400);
    }

    @Test
    void dotDotInThePathIsRefusedWithTheEnvelope() throws IOException {
        assertRefusedWithEnvelope(post("/v1/../v1/table/table_info", ""), 400);
    }

    @Test
    void oversizedHeadersAre431WithTheEnvelope() throws IOException {
        assertRefusedWithEnvelope(post("/v1/table/table_info", "X-Big: " + "a".repeat(70 * 1024) + "\r\n"), 431);
    }

    @Test
    void refusalsLogNoStackTraceAndTheNodeKeepsServing() throws IOException {
        try (LogCapture log = new LogCapture()) {
            for (int i = 0; i < 3; i++) {
                post("/v1/table/table_info?a=..", "");
                post("/v1/../v1/job/query", "");
                post("/v1/job/query", "X-Big: " + "a".repeat(70 * 1024) + "\r\n");
            }
            assertThat(log.stackTraceLines()).as(log.text()).isZero();
        }
        RawHttp.Answer ok = post("/v1/job/query", "Content-Type: application/json\r\n");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(FlowHttp.JSON.readTree(ok.body()).path("retcode").asInt()).isZero();
    }
}
