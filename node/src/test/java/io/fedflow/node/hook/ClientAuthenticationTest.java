package io.fedflow.node.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import io.fedflow.auth.client.ClientSignature;
import io.fedflow.node.core.ClientAppKeys;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ListServersRequest;
import io.fedflow.proto.v1.RegistryServiceGrpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FATE's client authentication switched on: the built-in HMAC check, then a registered remote hook. */
class ClientAuthenticationTest {
    static final String APP_KEY = "fedflow-test";
    static final String SECRET = "s3cret";

    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder()
            .configure(b -> b.clientAuth(true).clientAppKeys(ClientAppKeys.of(APP_KEY, SECRET))).build();

    @Test
    void unsignedRequestIsRefused109() {
        var r = node.http().postRaw("/v1/server/get", "{}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = json(r.body());
        assertThat(answer.get("retcode").asInt()).isEqualTo(109);
        assertThat(answer.get("retmsg").asText()).contains("requirement headers parameters", "SIGNATURE");
    }

    @Test
    void goodSignatureIsAcceptedWithHeaderNamesInAnySpelling() {
        long now = System.currentTimeMillis();
        JsonNode answer = json(send(signed("/v1/server/get", "{\"a\": 1}", now, SECRET, "app-key")).body());
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isZero();
        JsonNode alsoUnderscore = json(send(signed("/v1/server/get", "{}", now, SECRET, "APP_KEY")).body());
        assertThat(alsoUnderscore.get("retcode").asInt()).as(alsoUnderscore.toString()).isZero();
    }

    @Test
    void badSignatureIsRefused() {
        JsonNode answer = json(send(signed("/v1/server/get", "{}", System.currentTimeMillis(), "wrong", "APP_KEY"))
                .body());
        assertThat(answer.get("retcode").asInt()).isEqualTo(109);
        assertThat(answer.get("retmsg").asText()).isEqualTo("signature authentication failed");
        // signed for another body than the one sent
        long now = System.currentTimeMillis();
        HttpRequest tampered = signedBuilder("/v1/server/get", "{\"a\": 1}", now, SECRET, "APP_KEY")
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\": 2}")).build();
        assertThat(json(send(tampered).body()).get("retcode").asInt()).isEqualTo(109);
    }

    @Test
    void staleTimestampIsRefused() {
        JsonNode answer = json(send(signed("/v1/server/get", "{}", System.currentTimeMillis() - 120_000, SECRET,
                "APP_KEY")).body());
        assertThat(answer.get("retcode").asInt()).isEqualTo(109);
        assertThat(answer.get("retmsg").asText()).contains("TIMESTAMP", "60 seconds");
    }

    @Test
    void schedulingPrefixesAndNonApiPathsAreNotClientAuthenticated() {
        for (String path : List.of("/v1/party/job/create", "/v1/initiator/x", "/v1/tracker/y", "/v1/operation/z")) {
            JsonNode answer = node.http().post(path, "{}");
            // no such route here, but not refused by client authentication
            assertThat(answer.get("retcode").asInt()).as(path + " " + answer).isEqualTo(100);
        }
        var health = node.http().send(HttpRequest.newBuilder(URI.create(node.http().base() + "/health")).GET().build());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void grpcCallsAreRefusedUnauthenticatedWithTheRetcodeTrailer() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> RegistryServiceGrpc.newBlockingStub(node.channel()).listServers(ListServersRequest.getDefaultInstance()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(e.getStatus().getDescription()).contains("requirement headers parameters");
        assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("109");

        // signed over path and headers (gRPC messages are not signed)
        String ts = Long.toString(System.currentTimeMillis());
        String nonce = UUID.randomUUID().toString();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("timestamp", Metadata.ASCII_STRING_MARSHALLER), ts);
        headers.put(Metadata.Key.of("nonce", Metadata.ASCII_STRING_MARSHALLER), nonce);
        headers.put(Metadata.Key.of("app-key", Metadata.ASCII_STRING_MARSHALLER), APP_KEY);
        headers.put(Metadata.Key.of("signature", Metadata.ASCII_STRING_MARSHALLER), ClientSignature.compute(SECRET,
                ts, nonce, APP_KEY, "/fedflow.v1.RegistryService/ListServers", new byte[0], Map.of()));
        FlowResponse ok = RegistryServiceGrpc.newBlockingStub(node.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .listServers(ListServersRequest.getDefaultInstance());
        assertThat(ok.getRetcode()).isZero();
    }

    @Test
    void aRegisteredRemoteClientAuthenticationHookDecidesWithItsOwnCodeAndMessage() throws Exception {
        List<JsonNode> asked = new CopyOnWriteArrayList<>();
        Server hook = Server.builder().http(0).service("/auth", (ctx, req) -> HttpResponse.of(
                req.aggregate().thenApply(whole -> {
                    JsonNode body = json(whole.contentUtf8());
                    asked.add(body);
                    boolean letIn = "yes".equals(body.at("/headers/X-Let-In").asText());
                    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, letIn
                            ? "{\"code\": 0, \"message\": \"welcome\"}"
                            : "{\"code\": 403, \"message\": \"not on the guest list\"}");
                }))).build();
        hook.start().join();
        try {
            long now = System.currentTimeMillis();
            assertThat(json(send(signed("/v1/server/authsrv/register", "{\"host\": \"127.0.0.1\", \"port\": "
                    + hook.activeLocalPort() + "}", now, SECRET, "APP_KEY")).body()).get("retcode").asInt()).isZero();
            JsonNode registered = json(send(signed("/v1/service/registry", "{\"server_name\": \"authsrv\", "
                    + "\"service_name\": \"client_authentication\", \"uri\": \"/auth\"}", now, SECRET, "APP_KEY"))
                    .body());
            assertThat(registered.get("retcode").asInt()).as(registered.toString()).isZero();

            // now the remote hook decides, even for a request the built-in would accept
            JsonNode refused = json(send(signed("/v1/server/get", "{}", System.currentTimeMillis(), SECRET,
                    "APP_KEY")).body());
            assertThat(refused.get("retcode").asInt()).isEqualTo(403);
            assertThat(refused.get("retmsg").asText()).isEqualTo("not on the guest list");
            JsonNode lastAsked = asked.get(asked.size() - 1);
            assertThat(lastAsked.get("full_path").asText()).isEqualTo("/v1/server/get");
            assertThat(lastAsked.at("/headers/App-Key").asText()).isEqualTo(APP_KEY);

            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                    RegistryServiceGrpc.newBlockingStub(node.channel()).listServers(ListServersRequest.getDefaultInstance()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("403");

            HttpRequest letIn = HttpRequest.newBuilder(URI.create(node.http().base() + "/v1/server/authsrv/delete"))
                    .header("Content-Type", "application/json").header("X-Let-In", "yes")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
            assertThat(json(send(letIn).body()).get("retcode").asInt()).isZero();
            // deleted: the built-in is back
            assertThat(json(node.http().postRaw("/v1/server/get", "{}").body()).get("retcode").asInt()).isEqualTo(109);
        } finally {
            hook.stop().join();
        }
    }

    @Test
    void aModelImportIsSignedOverItsFormFields() {
        Map<String, String> form = new TreeMap<>(Map.of("role", "local", "party_id", "0", "model_id",
                "local-0#model", "model_version", "202612040000000000001", "file", "/home/me/m.zip",
                "force_update", "0"));
        String boundary = "0123456789abcdef0123456789abcdef";
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"")
                .append(k).append("\"\r\n\r\n").append(v).append("\r\n"));
        body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.zip\""
                + "\r\n\r\nnot a zip\r\n--").append(boundary).append("--\r\n");
        String ts = Long.toString(System.currentTimeMillis());
        String nonce = UUID.randomUUID().toString();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.http().base() + "/v1/model/import"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("TIMESTAMP", ts).header("NONCE", nonce).header("APP_KEY", APP_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        // signed over the fields: the call reaches the import, which finds no archive in "not a zip"
        var accepted = send(request.copy().header("SIGNATURE", ClientSignature.compute(SECRET, ts, nonce, APP_KEY,
                "/v1/model/import", new byte[0], form)).build());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(400);
        assertThat(json(accepted.body()).get("retmsg").asText()).contains("model archive");
        // signed without them, as for a streamed upload: refused before the import runs
        var refused = send(request.copy().header("SIGNATURE", ClientSignature.compute(SECRET, ts,
                UUID.randomUUID().toString(), APP_KEY, "/v1/model/import", new byte[0], Map.of())).build());
        assertThat(json(refused.body()).get("retcode").asInt()).as(refused.body()).isEqualTo(109);
    }

    private static HttpRequest signed(String path, String body, long timestampMs, String secret, String appKeyHeader) {
        return signedBuilder(path, body, timestampMs, secret, appKeyHeader)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest.Builder signedBuilder(String path, String body, long timestampMs, String secret,
                                                     String appKeyHeader) {
        String ts = Long.toString(timestampMs);
        String nonce = UUID.randomUUID().toString();
        String signature = ClientSignature.compute(secret, ts, nonce, APP_KEY, path,
                body.getBytes(StandardCharsets.UTF_8), Map.of());
        return HttpRequest.newBuilder(URI.create(node.http().base() + path))
                .header("Content-Type", "application/json")
                .header("TIMESTAMP", ts)
                .header("nonce", nonce)
                .header(appKeyHeader, APP_KEY)
                .header("Signature", signature);
    }

    // qualified: Armeria's HttpResponse is imported
    private static java.net.http.HttpResponse<String> send(HttpRequest request) {
        return node.http().send(request);
    }

    private static JsonNode json(String body) {
        try {
            return FlowHttp.JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
