package io.fedflow.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.PrometheusScrape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * job/query, the call clients poll, is served from the body the port parsed straight to its gRPC method:
 * its answers are, byte for byte, what the same method answers over gRPC-Web JSON (the JSON marshaller's
 * path, which transcoding took); its refusals read as a transcoded call's with the same field (job/config);
 * the port counts it as its method.
 */
class DirectJsonCallsTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    @Test
    void answersWhatTheMethodAnswersOverGrpcJson() {
        String jobId = LocalJobs.trainBreast(node.http());
        for (String body : List.of("{\"job_id\": \"" + jobId + "\", \"role\": \"local\", \"party_id\": 0}",
                "{\"job_id\": \"" + jobId + "\"}", "{\"job_id\": \"" + jobId + "0\"}",
                "{\"status\": \"success\", \"role\": [\"local\"]}")) {
            HttpResponse<String> direct = node.http().postRaw("/v1/job/query", body);
            assertThat(direct.statusCode()).isEqualTo(200);
            assertThat(direct.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
            assertThat(direct.body()).as(body).contains("\"retcode\":0").isEqualTo(grpcWebJson(body));
        }
    }

    @Test
    void refusalsReadAsATranscodedCallsWithTheSameField() {
        for (String body : List.of("{\"job_id\": \"j\\u0000\"}", "{\"job_id\": {\"a\": 1}}",
                "{\"job_id\": \"x\", \"role\": \"lo\\u0001cal\"}",
                "{\"job_id\": \"x\", \"role\": [\"local\", {\"a\": 1}]}")) {
            HttpResponse<String> direct = node.http().postRaw("/v1/job/query", body);
            HttpResponse<String> transcoded = node.http().postRaw("/v1/job/config", body.replace("[\"local\", {",
                    "{").replace("}]", "}"));
            assertThat(direct.statusCode()).as(body).isEqualTo(200);
            assertThat(direct.body()).as(body).contains("\"retcode\":101").isEqualTo(transcoded.body());
        }
        // what the port refuses before any call is refused the same way too
        assertThat(node.http().post("/v1/job/query", "{\"job_id\": \"x\"} trailing").path("retmsg").asText())
                .contains("content after the JSON value");
    }

    @Test
    void isCountedAsItsMethod() {
        PrometheusScrape before = PrometheusScrape.of(node.httpPort());
        for (int i = 0; i < 3; i++) {
            assertThat(node.http().post("/v1/job/query", Map.of("job_id", "none" + i)).path("retcode").asInt())
                    .isZero();
        }
        PrometheusScrape after = PrometheusScrape.of(node.httpPort());
        assertThat(after.sum("fedflow_client_requests_total", "method", "QueryJob", "http_status", "200")
                - before.sum("fedflow_client_requests_total", "method", "QueryJob", "http_status", "200"))
                .isEqualTo(3);
    }

    /** The FlowResponse of JobService/QueryJob called over gRPC-Web with a JSON body: its one message's bytes. */
    private static String grpcWebJson(String body) {
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(5 + json.length).put((byte) 0).putInt(json.length).put(json);
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(node.http().base()
                            + "/fedflow.v1.JobService/QueryJob"))
                    .header("Content-Type", "application/grpc-web+json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(frame.array())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            ByteBuffer answer = ByteBuffer.wrap(r.body());
            assertThat(answer.get()).as("a data frame first").isZero();
            int length = answer.getInt();
            return new String(Arrays.copyOfRange(r.body(), 5, 5 + length), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
