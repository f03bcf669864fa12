package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.FeatureService;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.PipelineCsv;
import io.fedflow.node.testing.SitesExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ApiReader in a two-party job, as FATE runs it: the host names a data service registered at the host, the guest
 * names none and passes its table through. The host's server_name is the host's to check: a name not registered
 * there refuses the job when the guest creates it at the host.
 */
class ApiReaderFederatedTest {
    private static final Path HOST_FEATURES = Path.of("../examples/data/breast_hetero_host.csv");
    private static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "api_reader_0": {"module": "ApiReader", "input": {"data": {"data": ["reader_0.data"]}},
                               "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["api_reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}}}}""";

    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().configure((party, b) -> b.limits(
            Limits.builder().apiReaderPollInterval(Duration.ofMillis(50)).build())).build();

    /** Jobs.conf's Reader and DataTransform, with ApiReader naming {@code hostServer} at the host only. */
    private static String conf(String hostServer) {
        String hostBlock = "\"data_transform_0\": {\"with_label\": false}";
        String conf = Jobs.conf("10000", "");
        assertThat(conf).contains(hostBlock);
        return conf.replace(hostBlock, hostBlock + ", \"api_reader_0\": {\"server_name\": \"" + hostServer
                + "\", \"parameters\": {\"scene\": \"credit\"}}");
    }

    private static JsonNode submit(String conf) {
        return sites.http("9999").post("/v1/job/submit", "{\"job_dsl\": " + DSL + ", \"job_runtime_conf\": " + conf
                + "}");
    }

    private static List<String> outputRows(FlowHttp h, String jobId, String role, String party) {
        Map<String, byte[]> out = PipelineCsv.download(h, Map.of("job_id", jobId, "role", role, "party_id", party,
                "component_name", "api_reader_0"));
        return new String(out.get("data.csv"), StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void theHostFetchesItsFeaturesWhileTheGuestPassesItsTableThrough() throws Exception {
        try (FeatureService service = FeatureService.start(FeatureService.Mode.SERVE, HOST_FEATURES)) {
            service.register(sites.http("10000"), "hostsrv");
            JsonNode submitted = submit(conf("hostsrv"));
            assertThat(submitted.get("retcode").asInt()).as(submitted.toString()).isZero();
            String jobId = submitted.get("jobId").asText();
            await().atMost(Duration.ofMinutes(2)).until(() -> Set.of("success", "failed", "canceled")
                    .contains(Jobs.rows(sites.http("9999"), jobId).at("/0/f_status").asText()));
            assertThat(Jobs.rows(sites.http("9999"), jobId).at("/0/f_status").asText()).isEqualTo("success");

            List<String> hostIds = Files.readAllLines(HOST_FEATURES).stream().skip(1)
                    .map(l -> l.substring(0, l.indexOf(','))).toList();
            assertThat(service.uploadedIds).containsExactlyInAnyOrderElementsOf(hostIds);
            List<String> host = outputRows(sites.http("10000"), jobId, "host", "10000");
            assertThat(host.get(0)).isEqualTo(service.header());
            assertThat(host.subList(1, host.size())).hasSize(hostIds.size())
                    .allSatisfy(r -> assertThat(r).isEqualTo(service.row(r.substring(0, r.indexOf(',')))));

            // the guest called nothing: its output is its Reader's table
            List<String> guest = outputRows(sites.http("9999"), jobId, "guest", "9999");
            assertThat(guest.get(0)).startsWith("id,y,x0");
            assertThat(guest).hasSize(570);
        }
    }

    @Test
    void aServerNameTheHostDoesNotKnowRefusesTheJobAtCreation() {
        JsonNode r = submit(conf("nowhere"));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isNotZero();
        assertThat(r.get("retmsg").asText()).contains("party 10000", "api_reader_0", "role host", "server_name",
                "NOWHERE", "not registered at this party");
        String jobId = r.get("retmsg").asText().replaceAll("^job (\\d+):.*$", "$1");
        JsonNode g = Jobs.rows(sites.http("9999"), jobId);
        assertThat(g.at("/0/f_status").asText()).isEqualTo("failed");
        assertThat(g.at("/0/f_tag").asText()).isEqualTo("submit_failed");
        assertThat(sites.http("10000").post("/v1/job/query", Map.of("job_id", jobId)).get("data")).isEmpty();
    }
}
