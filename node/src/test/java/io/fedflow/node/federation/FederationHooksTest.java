package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hooks on the federation path: a remote service registered at the host (FATE's HTTP JSON hook)
 * replaces its permission check or its site authentication, and its refusal reaches the initiator's
 * submit with the host's code and message; with the registration deleted, the built-ins are back.
 */
class FederationHooksTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();
    static final TestNode guest = sites.site("9999");
    static final TestNode host = sites.site("10000");

    static Server hooks;
    static final List<JsonNode> asked = new CopyOnWriteArrayList<>();
    static final List<JsonNode> signed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        // One test server answering FATE's hook calls: it refuses every job and every site signature.
        hooks = Server.builder().http(0)
                .service("/permission", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(a -> {
                    asked.add(json(a.contentUtf8()));
                    return HttpResponse.of(MediaType.JSON_UTF_8,
                            "{\"code\": 4, \"message\": \"the data owner says no to party 9999\"}");
                })))
                .service("/site", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(a -> {
                    asked.add(json(a.contentUtf8()));
                    return HttpResponse.of(MediaType.JSON_UTF_8,
                            "{\"code\": 109, \"message\": \"signature refused by the site's HSM\"}");
                })))
                // the guest's "HSM": signs with the guest's own key, as the built-in would
                .service("/sign", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(a -> {
                    JsonNode params = json(a.contentUtf8());
                    signed.add(params);
                    byte[] signature = guest.node().siteKeys().signer()
                            .sign(params.get("body").asText().getBytes(StandardCharsets.UTF_8));
                    return HttpResponse.of(MediaType.JSON_UTF_8, "{\"code\": 0, \"data\": \""
                            + Base64.getEncoder().encodeToString(signature) + "\"}");
                })))
                .build();
        hooks.start().join();
        registerServer(host);
        registerServer(guest);
    }

    static void registerServer(TestNode site) {
        JsonNode server = site.http().post("/v1/server/hooks/register", "{\"host\": \"127.0.0.1\", \"port\": "
                + hooks.activeLocalPort() + "}");
        assertThat(server.get("retcode").asInt()).as(server.toString()).isZero();
    }

    @AfterAll
    static void tearDown() throws Exception {
        hooks.stop().join();
    }

    static JsonNode json(String s) {
        try {
            return FlowHttp.JSON.readTree(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode submit() {
        return guest.http().post("/v1/job/submit", "{\"job_dsl\": " + Jobs.DSL + ", \"job_runtime_conf\": "
                + Jobs.conf("10000", "") + "}");
    }

    void register(String service, String uri) {
        register(host, service, uri);
    }

    void register(TestNode site, String service, String uri) {
        JsonNode r = site.http().post("/v1/service/registry", Map.of("server_name", "hooks", "service_name", service,
                "uri", uri));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
    }

    void unregister(String service) {
        unregister(host);
    }

    void unregister(TestNode site) {
        // deleting the one server gives every hook back to the built-ins; register it again for the next test
        assertThat(site.http().post("/v1/server/hooks/delete", "{}").get("retcode").asInt()).isZero();
        registerServer(site);
    }

    @Test
    void aRemotePermissionHookAtTheHostRefusesTheJobAtCreation() throws Exception {
        register("permission", "/permission");
        try {
            asked.clear();
            JsonNode r = submit();
            assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(108);
            assertThat(r.get("retmsg").asText()).contains("party 10000", "the data owner says no to party 9999");
            assertThat(asked).hasSize(1);
            assertThat(asked.get(0).get("src_party_id").asText()).isEqualTo("9999");
            assertThat(asked.get(0).get("role").asText()).isEqualTo("host");
            assertThat(asked.get(0).get("component_list").toString()).contains("reader", "datatransform");
            assertThat(asked.get(0).at("/dataset_list/0/name").asText()).isEqualTo("breast_hetero_host");
        } finally {
            unregister("permission");
        }
        JsonNode ok = submit();
        assertThat(ok.get("retcode").asInt()).as(ok.toString()).isZero();
        assertThat(FederatedSites.awaitStatus(guest.http(), ok.get("jobId").asText(), Duration.ofSeconds(60),
                FederatedSites.END)).isEqualTo("success");
    }

    @Test
    void aRemoteSiteAuthenticationHookAtTheHostRefusesTheGuestsMacdCallsNamingTheFlag() {
        register("site_authentication", "/site");
        try {
            asked.clear();
            JsonNode r = submit();
            assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(109);
            assertThat(r.get("retmsg").asText()).contains("party 10000", "carries a MAC",
                    "--site-call-auth signature");
            // a hook asked about signatures is not asked about a MAC it cannot check
            assertThat(asked).isEmpty();
        } finally {
            unregister("site_authentication");
        }
    }

    @Test
    void aRemoteSignatureHookAtTheGuestSignsEachCallForTheHostsRemoteSiteAuthenticationHook() {
        register(guest, "signature", "/sign");
        register("site_authentication", "/site");
        try {
            asked.clear();
            signed.clear();
            JsonNode r = submit();
            assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(109);
            assertThat(r.get("retmsg").asText()).contains("party 10000", "signature refused by the site's HSM");
            assertThat(signed).isNotEmpty();
            assertThat(signed.get(0).get("party_id").asText()).isEqualTo("9999");
            assertThat(asked).isNotEmpty();
            assertThat(asked.get(0).get("src_party_id").asText()).isEqualTo("9999");
        } finally {
            unregister("site_authentication");
            unregister(guest);
        }
    }
}
