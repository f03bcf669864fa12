package io.fedflow.node.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.BoardHttp;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.SitesExtension;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The board at two sites (guest 9999 initiates, host 10000): a job's parties with their statuses as each site
 * knows them, and each site's peers and grants.
 */
class BoardSitesTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();

    private static BoardHttp board(String partyId) {
        return new BoardHttp(sites.http(partyId));
    }

    /** role/party to [status, known_from] */
    private static Map<String, String> parties(JsonNode job) {
        Map<String, String> out = new LinkedHashMap<>();
        job.path("parties").forEach(p -> out.put(p.path("role").asText() + "/" + p.path("party_id").asText(),
                p.path("status").asText() + " from " + p.path("known_from").asText()));
        return out;
    }

    @Test
    void eachSiteShowsTheJobsPartiesAsItKnowsThem() {
        JsonNode submitted = sites.site("9999").submit(Jobs.DSL, Jobs.conf("10000", ""));
        assertThat(submitted.path("retcode").asInt()).as(submitted.toString()).isZero();
        String jobId = submitted.path("jobId").asText();
        assertThat(sites.site("9999").awaitStatus(jobId, Duration.ofMinutes(2), FederatedSites.END))
                .isEqualTo("success");
        assertThat(sites.site("10000").awaitStatus(jobId, Duration.ofMinutes(2), FederatedSites.END))
                .isEqualTo("success");

        JsonNode atGuest = board("9999").data("jobs/" + jobId);
        assertThat(atGuest.path("job").path("role").asText()).isEqualTo("guest");
        assertThat(atGuest.path("job").path("is_initiator").asBoolean()).isTrue();
        assertThat(parties(atGuest)).containsExactly(
                Map.entry("guest/9999", "success from this site"),
                Map.entry("host/10000", "success from its tasks, mirrored by the initiator"));

        JsonNode atHost = board("10000").data("jobs/" + jobId);
        assertThat(atHost.path("job").path("role").asText()).isEqualTo("host");
        assertThat(atHost.path("job").path("is_initiator").asBoolean()).isFalse();
        assertThat(parties(atHost)).containsExactly(
                Map.entry("guest/9999", "success from the end status the initiator sends"),
                Map.entry("host/10000", "success from this site"));
        atHost.path("components").forEach(c -> assertThat(c.path("status").asText()).isEqualTo("success"));
        assertThat(atHost.path("components").get(1).path("upstream").get(0).asText()).isEqualTo("reader_0");

        // the guest's view of the host's row is not its to show
        JsonNode hostRowAtGuest = board("9999").get("jobs/" + jobId + "?role=host&party_id=10000");
        assertThat(hostRowAtGuest.path("retcode").asInt()).isNotZero();
        assertThat(hostRowAtGuest.path("retmsg").asText()).contains(jobId).contains("role host");
    }

    @Test
    void whileTheJobRunsAnotherPartyDoesNotKnowTheOthersStatus() {
        JsonNode submitted = sites.site("9999").submit(Jobs.LR_DSL, Jobs.endlessLrConf());
        assertThat(submitted.path("retcode").asInt()).as(submitted.toString()).isZero();
        String jobId = submitted.path("jobId").asText();
        try {
            sites.site("9999").awaitTask(jobId, "lr_0", "guest", "running");
            JsonNode atHost = board("10000").data("jobs/" + jobId);
            assertThat(atHost.path("job").path("status").asText()).isEqualTo("running");
            assertThat(parties(atHost)).containsEntry("guest/9999", "unknown from the initiator, party 9999")
                    .containsEntry("host/10000", "running from this site");
            JsonNode atGuest = board("9999").data("jobs/" + jobId);
            assertThat(parties(atGuest)).containsEntry("guest/9999", "running from this site");
            assertThat(parties(atGuest).get("host/10000")).endsWith("from its tasks, mirrored by the initiator");
        } finally {
            JsonNode stopped = board("9999").post("jobs/" + jobId + "/stop", "{}");
            assertThat(stopped.path("retcode").asInt()).as(stopped.toString()).isZero();
            sites.site("10000").awaitStatus(jobId, Duration.ofMinutes(2), FederatedSites.END);
        }
    }

    @Test
    void sitesShowThePartyItsPeersAndItsGrants() {
        JsonNode guest = board("9999").data("sites");
        assertThat(guest.path("party_id").asText()).isEqualTo("9999");
        assertThat(guest.path("peers")).hasSize(1);
        JsonNode peer = guest.path("peers").get(0);
        assertThat(peer.path("party_id").asText()).isEqualTo("10000");
        assertThat(peer.path("port").asInt()).isEqualTo(sites.node("10000").sitePort());
        assertThat(peer.path("public_key").asText()).isEqualTo(sites.node("10000").siteKeys().publicKeyBase64());

        JsonNode host = board("10000").data("sites");
        assertThat(host.path("party_id").asText()).isEqualTo("10000");
        assertThat(host.path("grants").findValuesAsText("party_id")).isNotEmpty().allMatch("9999"::equals);
        assertThat(host.path("grants").findValuesAsText("value")).isNotEmpty();
        assertThat(guest.path("grants")).as("the guest granted nothing").isEmpty();
    }
}
