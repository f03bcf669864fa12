package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.PrometheusScrape;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.ZipkinCollector;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator sees of a federated job. Trace context across sites: both sites export their spans to a Zipkin-compatible collector on loopback. A
 * site call from 9999 to 10000 shows at 10000 as a server span in 9999's trace, joined to 9999's client span;
 * every call made for one job, by either site's scheduler or request path, is in that job's one trace.
 * Meters: a HeteroLR job moves the Paillier counters where each operation happens, and the transfer
 * counters by peer at both sites; a job the host's grants refuse counts as a refused site call there.
 */
class SiteObservabilityTest {
    static final ZipkinCollector zipkin = ZipkinCollector.start();

    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero()
            // a table at the host that 9999 is not granted
            .upload("10000", "breast_hetero_guest")
            .configure((id, b) -> b.zipkinUrl(zipkin.url())).build();

    @AfterAll
    static void stopCollector() {
        zipkin.close();
    }

    @Test
    void theCalledSitesSpanJoinsTheCallersTrace() {
        sites.node("9999").partyClient().ping("10000", new byte[] {1});
        String method = "fedflow.v1.PartyService/Ping";
        JsonNode client = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> zipkin.spans("fedflow-9999", method), s -> !s.isEmpty()).get(0);
        JsonNode server = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> zipkin.spans("fedflow-10000", method).stream()
                        .filter(s -> s.path("traceId").equals(client.path("traceId"))).toList(), s -> !s.isEmpty())
                .get(0);
        assertThat(client.path("kind").asText()).isEqualTo("CLIENT");
        assertThat(server.path("kind").asText()).isEqualTo("SERVER");
        // B3 lets the server share the client's span (Zipkin's join); otherwise it would be its child
        assertThat(List.of(server.path("id").asText(), server.path("parentId").asText()))
                .contains(client.path("id").asText());
    }

    @Test
    void oneJobsCallsAtBothSitesJoinOneTrace() {
        JsonNode submitted = Jobs.submit(sites.http("9999"), Jobs.DSL, Jobs.conf("10000", ""));
        assertThat(submitted.path("retcode").asInt()).as(submitted.toString()).isZero();
        String jobId = submitted.path("jobId").asText();
        sites.site("9999").awaitStatus(jobId, Duration.ofMinutes(2), Set.of("success"));
        // created at submit (the request path), started by the scheduler, its tasks collected in its rounds
        List<String> methods = Stream.of("CreateJob", "StartJob", "CollectTasks")
                .map(m -> "fedflow.v1.PartyService/" + m).toList();
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String m : methods) {
                assertThat(zipkin.spans("fedflow-9999", m)).as("client " + m).isNotEmpty();
                assertThat(zipkin.spans("fedflow-10000", m)).as("server " + m).isNotEmpty();
            }
        });
        List<String> traceIds = methods.stream()
                .flatMap(m -> Stream.concat(zipkin.spans("fedflow-9999", m).stream(),
                        zipkin.spans("fedflow-10000", m).stream()))
                .map(s -> s.path("traceId").asText()).distinct().toList();
        assertThat(traceIds).hasSize(1);
        assertThat(traceIds.get(0)).hasSize(32); // 128-bit, derived from the job id
        // the root every call made outside a span names: reported once, by the initiator, when the job ended
        JsonNode root = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> zipkin.spans("fedflow-9999", "job " + jobId), s -> !s.isEmpty()).get(0);
        assertThat(root.path("traceId").asText()).isEqualTo(traceIds.get(0));
        assertThat(root.has("parentId")).isFalse();
        assertThat(root.path("tags").path("fedflow.status").asText()).isEqualTo("success");
        assertThat(zipkin.spans("fedflow-9999", "job " + jobId)).hasSize(1);
        assertThat(zipkin.spans("fedflow-10000", "job " + jobId)).isEmpty();
        assertThat(zipkin.spans("fedflow-9999", "fedflow.v1.PartyService/CreateJob").get(0).path("parentId")
                .asText()).isEqualTo(root.path("id").asText());
    }

    @Test
    void aHeteroJobsPaillierOperationsAndTransfersAreMeteredWhereTheyHappen() {
        PrometheusScrape guestBefore = PrometheusScrape.of(sites.node("9999").httpPort());
        PrometheusScrape hostBefore = PrometheusScrape.of(sites.node("10000").httpPort());
        JsonNode submitted = Jobs.submit(sites.http("9999"), Jobs.HETERO_LR_DSL, Jobs.heteroLrConf(1, ""));
        assertThat(submitted.path("retcode").asInt()).as(submitted.toString()).isZero();
        String jobId = submitted.path("jobId").asText();
        sites.site("9999").awaitStatus(jobId, Duration.ofMinutes(3), Set.of("success"));
        PrometheusScrape guest = PrometheusScrape.of(sites.node("9999").httpPort());
        PrometheusScrape host = PrometheusScrape.of(sites.node("10000").httpPort());

        // the arbiter (at 10000) holds the private key: it decrypts; the guest encrypts and computes on ciphertexts
        String ops = "fedflow_paillier_operations_total";
        assertThat(delta(hostBefore, host, ops, "operation", "decrypt")).isPositive();
        assertThat(delta(guestBefore, guest, ops, "operation", "decrypt")).isZero();
        assertThat(delta(guestBefore, guest, ops, "operation", "encrypt")).isPositive();
        assertThat(delta(guestBefore, guest, ops, "operation", "add")).isPositive();
        assertThat(delta(guestBefore, guest, ops, "operation", "multiply")).isPositive();
        // what the guest sent to 10000 is what 10000 received from the guest (messages and bytes)
        for (String m : List.of("fedflow_transfer_messages_total", "fedflow_transfer_bytes_total")) {
            double sent = delta(guestBefore, guest, m, "direction", "sent", "peer", "10000");
            assertThat(sent).as(m).isPositive();
            assertThat(delta(hostBefore, host, m, "direction", "received", "peer", "9999")).as(m).isEqualTo(sent);
        }
        // a message whose receive already waits is handed over (the arbiter waits for each party's gradient)
        String handedOver = "fedflow_transfer_handed_over_total";
        assertThat(delta(guestBefore, guest, handedOver) + delta(hostBefore, host, handedOver)).isPositive();
        assertThat(delta(guestBefore, guest, "fedflow_tasks_duration_seconds_count", "module", "HeteroLR",
                "status", "success")).isEqualTo(1);
        assertThat(delta(hostBefore, host, "fedflow_tasks_duration_seconds_count", "module", "HeteroLR",
                "status", "success")).isEqualTo(2); // host and arbiter
    }

    private static double delta(PrometheusScrape before, PrometheusScrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    @Test
    void aJobTheGrantsRefuseIsCountedAsNotGrantedAtTheRefusingSite() {
        PrometheusScrape hostBefore = PrometheusScrape.of(sites.node("10000").httpPort());
        String conf = Jobs.conf("10000", "")
                .replace("\"name\": \"breast_hetero_host\"", "\"name\": \"breast_hetero_guest\"");
        JsonNode r = Jobs.submit(sites.http("9999"), Jobs.DSL, conf);
        assertThat(r.path("retcode").asInt()).as(r.toString()).isEqualTo(108);
        PrometheusScrape host = PrometheusScrape.of(sites.node("10000").httpPort());
        assertThat(delta(hostBefore, host, "fedflow_site_refusals_total", "reason", "not_granted")).isEqualTo(1);
    }
}
