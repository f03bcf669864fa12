package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.GrpcUploads;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.RawHttpConnection;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.UploadConf;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Uploads that misbehave: a client that stops sending mid-file is cut after the idle timeout, its load
 * rolled back and its connection freed; uploads over the concurrent cap are refused at once and never take
 * the connections other calls need; tables too wide or lines too long are refused with nothing written.
 */
class UploadLimitsTest {
    static final int MAX_UPLOADS = 3;
    /** Cuts stalled uploads fast. */
    @RegisterExtension
    static final NodeExtension quick = NodeExtension.builder().configure(b -> b.limits(Limits.builder()
            .streamIdleTimeout(Duration.ofSeconds(1)).maxTableColumns(50).maxLineLength(4096).build())).build();
    /** Lets stalled uploads sit, to see what they hold. */
    @RegisterExtension
    static final NodeExtension patient = NodeExtension.builder().configure(b -> b.limits(Limits.builder()
            .streamIdleTimeout(Duration.ofMinutes(5)).maxConcurrentUploads(MAX_UPLOADS).build())).build();

    static String conf(String table) {
        return "{\"file\": \"" + table + ".csv\", \"id_delimiter\": \",\", \"head\": 1, \"partition\": 4, "
                + "\"namespace\": \"limits\", \"table_name\": \"" + table + "\", \"drop\": 1}";
    }

    static String rows(int n) {
        StringBuilder csv = new StringBuilder("id,y,x0,x1\n");
        for (int i = 0; i < n; i++) {
            csv.append("id").append(i).append(',').append(i % 2).append(',').append(i * 0.5).append(',')
                    .append(-i).append('\n');
        }
        return csv.toString();
    }

    /**
     * FATE's upload (conf in the query, one file part, a declared Content-Length) of which only the first
     * half of the file is sent; the connection then stays open and silent.
     */
    static RawHttpConnection stalledUpload(NodeExtension node, String table) {
        String boundary = "0123456789abcdef0123456789abcdef";
        byte[] file = rows(2000).getBytes(StandardCharsets.UTF_8);
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + table
                + ".csv\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        long length = head.length() + file.length + tail.length();
        RawHttpConnection c = RawHttpConnection.open(node.httpPort());
        c.send("POST /v1/data/upload?" + FlowHttp.requestsQuote(conf(table)) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + length
                + "\r\n\r\n" + head);
        c.send(Arrays.copyOf(file, file.length / 2));
        return c;
    }

    static JsonNode upload(NodeExtension node, String table, String csv) throws IOException {
        Path file = Files.createTempFile(table, ".csv");
        Files.writeString(file, csv);
        return FlowHttp.JSON.readTree(new FlowHttp(node.httpPort()).pythonUpload(file, conf(table)).body());
    }

    static int exists(NodeExtension node, String table) {
        return new FlowHttp(node.httpPort()).post("/v1/table/table_info",
                Map.of("namespace", "limits", "table_name", table)).at("/data/exist").asInt();
    }

    @Test
    void aStalledUploadIsCutRolledBackAndItsSlotFreed() throws Exception {
        try (RawHttpConnection c = stalledUpload(quick, "stalled")) {
            RawHttpConnection.Answer a = c.answer().get(30, TimeUnit.SECONDS);
            assertThat(a.status()).as(a.body()).isEqualTo(408);
            assertThat(a.json().get("retcode").asInt()).isNotZero();
            assertThat(a.json().get("retmsg").asText()).contains(Limits.STREAM_IDLE_TIMEOUT_FLAG);
        }
        assertThat(exists(quick, "stalled")).isZero();
        // the table's lock and the upload's slot are free: the same upload, sent whole, goes through
        JsonNode ok = upload(quick, "stalled", rows(2000));
        assertThat(ok.get("retcode").asInt()).as(ok.toString()).isZero();
        assertThat(exists(quick, "stalled")).isOne();
    }

    @Test
    void stalledUploadsBeyondThePoolNeitherBlockOtherCallsNorOutliveTheirClients() throws Exception {
        // more than the pool's 16 connections: without a cap each would hold one in an open COPY
        List<RawHttpConnection> stalled = IntStream.range(0, 20).mapToObj(i -> stalledUpload(patient, "s" + i))
                .collect(Collectors.toList());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> stalled.stream()
                    .filter(c -> c.answer().isDone()).count() == stalled.size() - MAX_UPLOADS);
            for (RawHttpConnection c : stalled) {
                if (c.answer().isDone()) {
                    RawHttpConnection.Answer refused = c.answer().join();
                    assertThat(refused.json().get("retcode").asInt()).as(refused.body()).isNotZero();
                    assertThat(refused.json().get("retmsg").asText())
                            .contains(Limits.MAX_CONCURRENT_UPLOADS_FLAG).contains(Integer.toString(MAX_UPLOADS));
                }
            }
            // every other call still finds a connection
            FlowHttp http = new FlowHttp(patient.httpPort());
            JsonNode info = http.post("/v1/table/table_info", Map.of("namespace", "limits", "table_name", "s0"));
            assertThat(info.get("retcode").asInt()).as(info.toString()).isZero();
            assertThat(http.send(HttpRequest.newBuilder(URI.create(http.base() + "/health")).build()).statusCode())
                    .isEqualTo(200);
            JsonNode refused = upload(patient, "one_more", rows(10));
            assertThat(refused.get("retmsg").asText()).as(refused.toString())
                    .contains(Limits.MAX_CONCURRENT_UPLOADS_FLAG);
        } finally {
            stalled.forEach(RawHttpConnection::close);
        }
        // clients gone: their loads are rolled back and their slots freed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(upload(patient, "after", rows(10)).get("retcode").asInt()).isZero());
        for (int i = 0; i < 20; i++) {
            assertThat(exists(patient, "s" + i)).as("s" + i).isZero();
        }
    }

    @Test
    void aStalledGrpcUploadIsCutAndItsSpoolFileRemoved() throws Exception {
        CompletableFuture<FlowResponse> result = GrpcUploads.open(quick.channel(), UploadConf.newBuilder().setNamespace("limits")
                .setTableName("grpc_stalled").setHead(1).setPartition(2).setIdDelimiter(",").build())
                .send(ByteString.copyFromUtf8(rows(100))).answer();
        // and then nothing, without ending the stream
        assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StatusRuntimeException.class);
        assertThat(exists(quick, "grpc_stalled")).isZero();
        Path spool = quick.config().tmpDir();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Stream<Path> files = Files.exists(spool) ? Files.list(spool) : Stream.empty()) {
                assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
            }
        });
    }

    @Test
    void aTableWiderThanTheCapIsRefusedWithNothingWritten() throws Exception {
        String wideHeader = IntStream.range(0, 51).mapToObj(i -> "c" + i).collect(Collectors.joining(","));
        String wideRow = IntStream.range(0, 51).mapToObj(Integer::toString).collect(Collectors.joining(","));
        JsonNode refused = upload(quick, "wide", wideHeader + "\n" + wideRow + "\n");
        assertThat(refused.get("retcode").asInt()).isNotZero();
        assertThat(refused.get("retmsg").asText()).contains("51 columns").contains("50")
                .contains(Limits.MAX_TABLE_COLUMNS_FLAG);
        assertThat(exists(quick, "wide")).isZero();

        String fits = IntStream.range(0, 50).mapToObj(i -> "c" + i).collect(Collectors.joining(","));
        String fitsRow = IntStream.range(0, 50).mapToObj(Integer::toString).collect(Collectors.joining(","));
        assertThat(upload(quick, "fits", fits + "\n" + fitsRow + "\n").get("retcode").asInt()).isZero();
    }

    @Test
    void aLineLongerThanTheCapIsRefusedWithNothingWritten() throws Exception {
        String longHeader = "id,y," + "x".repeat(5000);
        JsonNode header = upload(quick, "long_header", longHeader + "\n1,0,2\n");
        assertThat(header.get("retcode").asInt()).isNotZero();
        assertThat(header.get("retmsg").asText()).contains("line 1").contains("4096")
                .contains(Limits.MAX_LINE_LENGTH_FLAG);
        assertThat(exists(quick, "long_header")).isZero();

        JsonNode row = upload(quick, "long_row", "id,y,x\n1,0,2\n2,1," + "9".repeat(5000) + "\n");
        assertThat(row.get("retmsg").asText()).contains("line 3").contains(Limits.MAX_LINE_LENGTH_FLAG);
        assertThat(exists(quick, "long_row")).isZero();
    }
}
