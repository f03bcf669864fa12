package io.fedflow.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.RawHttpConnection;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JSON bodies of the hand-written routes are read up to --max-request-body and no further: a body
 * far larger than the cap (and than the test JVM's heap share) is refused with 413 and FATE's envelope
 * while it arrives (the rest is read and thrown away, never held), and the node answers normally
 * right after. A body that stops arriving is cut.
 */
class RequestBodyLimitsTest {
    static final long CAP = 64 * 1024;
    /** The cap of every other call's body (--max-call-body). */
    static final long CALL_CAP = 4 * CAP;
    /** Larger than what the node could aggregate beside everything else in surefire's -Xmx384m. */
    static final long HUGE = 512L << 20;
    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().configure(b -> b.limits(Limits.builder()
            .maxRequestBody(CAP).maxCallBody(CALL_CAP).streamIdleTimeout(Duration.ofSeconds(2)).build())).build();

    @ParameterizedTest
    @CsvSource({"POST,/v1/data/upload", "POST,/v1/data/download", "POST,/v1/job/log/download",
            "GET,/v1/tracking/component/output/data/download", "POST,/v1/tracking/component/output/data/download"})
    void aBodyOfUnknownLengthPastTheCapIsRefusedWhileItArrives(String method, String path) throws Exception {
        try (RawHttpConnection c = RawHttpConnection.open(node.httpPort())) {
            c.send(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            // past the cap the node answers 413 while the body arrives; the rest is read and thrown away
            long sent = c.sendChunkedFiller(HUGE, (byte) ' ');
            assertRefused(c.answer().get(30, TimeUnit.SECONDS));
            assertThat(sent).as("bytes the client sent").isPositive();
        }
        assertNodeAnswers();
    }

    @Test
    void aDeclaredLengthPastTheCapIsRefusedBeforeTheBody() throws Exception {
        try (RawHttpConnection c = RawHttpConnection.open(node.httpPort())) {
            c.send("POST /v1/data/download HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + HUGE + "\r\n\r\n{\"namespace\": \"");
            long sent = c.sendFiller(HUGE, (byte) 'x');
            assertRefused(c.answer().get(30, TimeUnit.SECONDS));
            assertThat(sent).as("bytes the client sent").isPositive();
        }
        assertNodeAnswers();
    }

    @Test
    void aMultipartFieldPastTheCapIsRefusedButTheFilePartMayBeLarge() throws Exception {
        String boundary = "b0123456789abcdef";
        try (RawHttpConnection c = RawHttpConnection.open(node.httpPort())) {
            c.send("POST /v1/data/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
                    + "boundary=" + boundary + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"namespace\"\r\n\r\n";
            c.send(Integer.toHexString(head.length()) + "\r\n" + head + "\r\n");
            long sent = c.sendChunkedFiller(HUGE, (byte) 'n');
            assertRefused(c.answer().get(30, TimeUnit.SECONDS));
            assertThat(sent).as("bytes the client sent").isPositive();
        }
        // a file part of four times the cap is fine
        StringBuilder csv = new StringBuilder("id,x\n");
        for (int i = 0; csv.length() < 4 * CAP; i++) {
            csv.append(i).append(',').append(i * 0.5).append('\n');
        }
        Path file = Files.createTempFile("wide", ".csv");
        Files.writeString(file, csv);
        JsonNode ok = FlowHttp.JSON.readTree(node.http().pythonUpload(file, "{\"file\": \"w.csv\", \"head\": 1, "
                + "\"partition\": 1, \"namespace\": \"limits\", \"table_name\": \"file_over_cap\", \"drop\": 1}").body());
        assertThat(ok.get("retcode").asInt()).as(ok.toString()).isZero();
    }

    /**
     * FATE-Serving's inference routes, read whole by a handler of their own, refuse alike; a batch (up to
     * --max-batch-inference-rows rows, megabytes) is capped as any other call is.
     */
    @ParameterizedTest
    @CsvSource({"chunked,/federation/v1/inference", "chunked,/federation/v1/batchInference",
            "declared,/federation/v1/inference", "declared,/federation/v1/batchInference"})
    void aServingBodyPastTheCapIsRefusedWithTheEnvelope(String how, String path) throws Exception {
        boolean batch = path.endsWith("batchInference");
        try (RawHttpConnection c = RawHttpConnection.open(node.httpPort())) {
            if (how.equals("chunked")) {
                c.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n");
                c.sendChunkedFiller(64L << 20, (byte) ' ');
            } else {
                c.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + (64L << 20) + "\r\n\r\n");
                c.sendFiller(64L << 20, (byte) ' ');
            }
            RawHttpConnection.Answer a = c.answer().get(30, TimeUnit.SECONDS);
            if (batch) {
                assertThat(a.status()).as(a.body()).isEqualTo(413);
                assertThat(a.json().get("retmsg").asText()).contains(Long.toString(CALL_CAP))
                        .contains(Limits.MAX_CALL_BODY_FLAG);
            } else {
                assertRefused(a);
            }
        }
        assertNodeAnswers();
    }

    @Test
    void aBatchInferenceBodyPastTheStreamCapButWithinTheCallCapIsRead() throws Exception {
        // Past --max-request-body, within --max-call-body: read and answered by FATE-Serving's code for an
        // unknown service, not refused for its size.
        String pad = " ".repeat((int) (2 * CAP));
        String body = "{\"serviceId\": \"nosuch\", \"body\": {\"batchDataList\": []}}" + pad;
        HttpResponse<String> r = node.http().send(HttpRequest.newBuilder(
                        URI.create(node.http().base() + "/federation/v1/batchInference"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(r.statusCode()).as(r.body()).isNotEqualTo(413);
        assertThat(r.body()).doesNotContain(Limits.MAX_REQUEST_BODY_FLAG);
    }

    @Test
    void anyOtherCallsBodyPastItsCapIsRefusedWhileItArrivesNamingItsFlag() throws Exception {
        try (RawHttpConnection c = RawHttpConnection.open(node.httpPort())) {
            c.send("POST /v1/job/submit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            long sent = c.sendChunkedFiller(64L << 20, (byte) ' ');
            RawHttpConnection.Answer a = c.answer().get(30, TimeUnit.SECONDS);
            assertThat(a.status()).as(a.body()).isEqualTo(413);
            assertThat(a.json().get("retcode").asInt()).isNotZero();
            assertThat(a.json().get("retmsg").asText()).contains(Long.toString(CALL_CAP))
                    .contains(Limits.MAX_CALL_BODY_FLAG).doesNotContain(Limits.MAX_REQUEST_BODY_FLAG);
            assertThat(sent).as("bytes the client sent").isPositive();
        }
        // under its cap (though over --max-request-body) such a body is read as usual
        JsonNode ok = node.http().post("/v1/version/get", " ".repeat((int) (2 * CAP)) + "{}");
        assertThat(ok.get("retcode").asInt()).as(ok.toString()).isZero();
        assertNodeAnswers();
    }

    @Test
    void aJsonBodyThatStopsArrivingIsCutAfterTheIdleTimeout() throws Exception {
        try (RawHttpConnection c = RawHttpConnection.open(node.httpPort())) {
            c.send("POST /v1/data/download HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"namespace\": ");
            RawHttpConnection.Answer a = c.answer().get(30, TimeUnit.SECONDS);
            assertThat(a.status()).as(a.body()).isEqualTo(408);
            assertThat(a.json().get("retcode").asInt()).isNotZero();
            assertThat(a.json().get("retmsg").asText()).contains(Limits.STREAM_IDLE_TIMEOUT_FLAG);
        }
        assertNodeAnswers();
    }

    static void assertRefused(RawHttpConnection.Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(413);
        JsonNode body = a.json();
        assertThat(body.get("retcode").asInt()).isNotZero();
        assertThat(body.get("retmsg").asText()).contains(Long.toString(CAP)).contains(Limits.MAX_REQUEST_BODY_FLAG);
    }

    static void assertNodeAnswers() {
        HttpResponse<String> health = node.http().send(HttpRequest.newBuilder(URI.create(node.http().base() + "/health")).build());
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode info = node.http().post("/v1/table/table_info", Map.of("namespace", "none", "table_name", "none"));
        assertThat(info.has("retcode")).as(info.toString()).isTrue();
        JsonNode missing = node.http().post("/v1/data/download", Map.of("namespace", "none", "table_name", "none",
                "output_path", "x.csv"));
        assertThat(missing.get("retcode").asInt()).as(missing.toString()).isNotZero();
        assertThat(missing.get("retmsg").asText()).doesNotContain(Limits.MAX_REQUEST_BODY_FLAG);
    }
}
