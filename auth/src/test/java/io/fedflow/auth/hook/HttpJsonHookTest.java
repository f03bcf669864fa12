package io.fedflow.auth.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.fedflow.auth.PermissionChecks;
import io.fedflow.auth.TestClock;
import io.fedflow.auth.replay.InMemoryReplayGuard;
import io.fedflow.auth.site.PeerKeys;
import io.fedflow.auth.site.Refusal;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteSigningException;
import io.fedflow.auth.site.SiteVerifier;
import io.fedflow.auth.site.Verdict;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpJsonHookTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void startRemoteHookService() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        reply("/accept", 200, "{\"code\": 0, \"msg\": \"ok\"}");
        reply("/refuse", 200, "{\"code\": 109, \"msg\": \"party 9999 is blocked\"}");
        reply("/sign", 200, "{\"code\": 0, \"data\": \"c2lnbmVkLWJ5LWhzbQ==\"}");
        reply("/sign-documented", 200, "{\"code\": 0, \"site_signature\": \"ZG9jdW1lbnRlZA==\"}");
        reply("/sign-nothing", 200, "{\"code\": 0}");
        reply("/broken", 500, "Internal Server Error");
        reply("/not-json", 200, "<html>hello</html>");
        server.start();
    }

    @AfterEach
    void stopRemoteHookService() {
        server.stop(0);
    }

    @Test
    void anAcceptingRemoteSiteAuthenticationAcceptsAndReceivesRegisteredDataMergedWithTheParameters() {
        var registered = JsonNodeFactory.instance.objectNode().put("tenant", "fedflow").put("body", "overridden");
        HttpSiteAuthenticationHook hook = new HttpSiteAuthenticationHook(
                remote(HookName.SITE_AUTHENTICATION, "/accept", registered));

        HookResult result = hook.authenticate(new AuthenticationParameters("9999", "c2ln", "fedflow-site-v1\n..."));

        assertThat(result).isEqualTo(new HookResult(0, "ok"));
        assertThat(received).hasSize(1);
        JsonNode sent = received.get(0);
        assertThat(sent.path("tenant").asText()).isEqualTo("fedflow");
        assertThat(sent.path("src_party_id").asText()).isEqualTo("9999");
        assertThat(sent.path("site_signature").asText()).isEqualTo("c2ln");
        assertThat(sent.path("body").asText()).isEqualTo("fedflow-site-v1\n...");
    }

    @Test
    void aRefusingRemoteHookPassesItsCodeAndMessage() {
        HttpPermissionHook hook = new HttpPermissionHook(remote(HookName.PERMISSION, "/refuse", null));

        HookResult result = hook.check(PermissionChecks.guestAsksHost(List.of("reader", "heterolr")));

        assertThat(result).isEqualTo(new HookResult(109, "party 9999 is blocked"));
        JsonNode sent = received.get(0);
        assertThat(sent.path("component_list").toString()).isEqualTo("[\"reader\",\"heterolr\"]");
        assertThat(sent.path("dataset_list").toString())
                .isEqualTo("[{\"namespace\":\"experiment\",\"name\":\"breast_hetero_host\"}]");
        assertThat(sent.path("run_time_conf").path("dsl_version").asInt()).isEqualTo(2);
        assertThat(sent.path("command").asText()).isEqualTo("create");
        assertThat(sent.has("src_role") && sent.has("initiator") && sent.has("roles") && sent.has("dsl")
                && sent.has("component_parameters")).isTrue();
    }

    @Test
    void aRemoteHookThatIsDownRefusesWithCode100() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI down = URI.create("http://127.0.0.1:" + closedPort + "/client");
        HttpClientAuthenticationHook hook = new HttpClientAuthenticationHook(new HttpJsonHook(
                new RemoteHookService(HookName.CLIENT_AUTHENTICATION, "POST", down), http, Duration.ofSeconds(2)));

        HookResult result = hook.authenticate(new ClientAuthenticationParameters(
                "/v1/job/query", Map.of("APP_KEY", "a"), Map.of(), "{}".getBytes(), JsonNodeFactory.instance.objectNode()));

        assertThat(result.code()).isEqualTo(100);
        assertThat(result.message()).startsWith("client_authentication hook POST " + down + " is unreachable");
    }

    @Test
    void aRemoteHookAnsweringOtherThan200RefusesWithCode100() {
        HookResult result = new HttpSiteAuthenticationHook(remote(HookName.SITE_AUTHENTICATION, "/broken", null))
                .authenticate(new AuthenticationParameters("9999", "c2ln", "body"));

        assertThat(result.code()).isEqualTo(100);
        assertThat(result.message()).endsWith("/broken answered HTTP status 500");
    }

    @Test
    void aRemoteHookAnsweringSomethingOtherThanJsonRefusesWithCode100() {
        HookResult result = new HttpSiteAuthenticationHook(remote(HookName.SITE_AUTHENTICATION, "/not-json", null))
                .authenticate(new AuthenticationParameters("9999", "c2ln", "body"));

        assertThat(result.code()).isEqualTo(100);
        assertThat(result.message()).endsWith("answered something that is not JSON");
    }

    @Test
    void aRemoteSignatureIsReadFromDataOrElseFromSiteSignature() {
        SignatureResult fromData = new HttpSignatureHook(remote(HookName.SIGNATURE, "/sign", null))
                .sign(new SignatureParameters("9999", "fedflow-site-v1\n..."));
        SignatureResult documented = new HttpSignatureHook(remote(HookName.SIGNATURE, "/sign-documented", null))
                .sign(new SignatureParameters("9999", "fedflow-site-v1\n..."));
        SignatureResult none = new HttpSignatureHook(remote(HookName.SIGNATURE, "/sign-nothing", null))
                .sign(new SignatureParameters("9999", "x"));

        assertThat(fromData).isEqualTo(SignatureResult.signed("c2lnbmVkLWJ5LWhzbQ=="));
        assertThat(received.get(0).path("party_id").asText()).isEqualTo("9999");
        assertThat(received.get(0).path("body").asText()).isEqualTo("fedflow-site-v1\n...");
        assertThat(documented.siteSignature()).isEqualTo("ZG9jdW1lbnRlZA==");
        assertThat(none.code()).isEqualTo(100);
        assertThat(none.message()).contains("no signature");
    }

    @Test
    void anOutboundCallIsNotSentWhenTheRemoteSignatureHookRefuses() {
        SiteCallSigner signer = new SiteCallSigner("9999",
                new HookSignatureSource(new HttpSignatureHook(remote(HookName.SIGNATURE, "/broken", null))));

        assertThatThrownBy(() -> signer.headersFor("fedflow.v1.PartyService/CreateJob", "10000", new byte[0]))
                .isInstanceOf(SiteSigningException.class)
                .hasMessageContaining("cannot sign the call to party 10000")
                .satisfies(e -> assertThat(((SiteSigningException) e).code()).isEqualTo(100));
    }

    @Test
    void aRemoteSiteAuthenticationHookDecidesTheSignatureInTheVerifier() {
        TestClock clock = new TestClock(1_700_000_000_000L);
        SiteCallSigner guest = new SiteCallSigner("9999",
                new HookSignatureSource(new HttpSignatureHook(remote(HookName.SIGNATURE, "/sign", null))), clock,
                new SecureRandom());
        SiteVerifier refusing = new SiteVerifier("10000", new HookSignatureCheck(
                new HttpSiteAuthenticationHook(remote(HookName.SITE_AUTHENTICATION, "/refuse", null))),
                new InMemoryReplayGuard(clock), clock);
        SiteVerifier accepting = new SiteVerifier("10000", new HookSignatureCheck(
                new HttpSiteAuthenticationHook(remote(HookName.SITE_AUTHENTICATION, "/accept", null))),
                new InMemoryReplayGuard(clock), clock);
        byte[] body = "job".getBytes(StandardCharsets.UTF_8);
        var headers = guest.headersFor("fedflow.v1.PartyService/CreateJob", "10000", body);

        Verdict refused = refusing.verify(headers, "fedflow.v1.PartyService/CreateJob", body);
        assertThat(refused.refusal()).isEqualTo(Refusal.BAD_SIGNATURE);
        assertThat(refused.retcode()).isEqualTo(109);
        assertThat(refused.message()).isEqualTo("party 9999 is blocked");
        assertThat(accepting.verify(headers, "fedflow.v1.PartyService/CreateJob", body).accepted()).isTrue();
        assertThat(received.get(received.size() - 1).path("body").asText())
                .startsWith("fedflow-site-v1\nfedflow.v1.PartyService/CreateJob\n9999\n10000\n");
    }

    @Test
    void aRegisteredRemoteServiceReplacesOnlyItsHook() {
        HookSet builtin = HookSet.builtin(null, PeerKeys.of(Map.of()), null, null, null);
        RemoteHookService permission = new RemoteHookService(HookName.PERMISSION, "post",
                URI.create(base() + "/refuse"));

        HookSet replaced = builtin.withRemote(permission, http, Duration.ofSeconds(2));

        assertThat(permission.method()).isEqualTo("POST");
        assertThat(replaced.permission()).isInstanceOf(HttpPermissionHook.class);
        assertThat(replaced.signature()).isSameAs(builtin.signature());
        assertThat(replaced.siteAuthentication()).isSameAs(builtin.siteAuthentication());
        assertThat(replaced.clientAuthentication()).isSameAs(builtin.clientAuthentication());
        assertThat(HookName.fromServiceName("site_authentication")).contains(HookName.SITE_AUTHENTICATION);
    }

    private HttpJsonHook remote(HookName hook, String path, ObjectNode data) {
        return new HttpJsonHook(new RemoteHookService(hook, "POST", URI.create(base() + path), data), http,
                Duration.ofSeconds(5));
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void reply(String path, int status, String body) {
        server.createContext(path, exchange -> {
            byte[] request = exchange.getRequestBody().readAllBytes();
            if (request.length > 0) {
                received.add(JSON.readTree(request));
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }
}
