package io.fedflow.node.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.node.federation.Peer;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.OutputDataTableSiteRequest;
import io.fedflow.proto.v1.TrackingSiteServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * output/data/table for another party's component, across two real sites (guest 9999, host 10000): the
 * guest asks the host over the signed site port, as FATE forwards the call, and the host answers only a
 * signed call from a party of the job.
 */
class OutputTablesAcrossSitesTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();

    private static String jobId;

    @BeforeAll
    static void runAJobAtBothSites() {
        TestNode guest = sites.site("9999");
        JsonNode r = Jobs.submit(guest.http(), Jobs.DSL, Jobs.conf("10000", ""));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        jobId = r.get("jobId").asText();
        assertThat(FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofSeconds(120), FederatedSites.END))
                .isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(sites.http("10000"), jobId, Duration.ofSeconds(20),
                FederatedSites.END)).isEqualTo("success");
    }

    @Test
    void theGuestGetsTheHostsTablesFromTheHost() {
        JsonNode atHost = tables("10000", "host", "10000", "data_transform_0");
        assertThat(atHost.get("retcode").asInt()).as(atHost.toString()).isZero();
        assertThat(atHost.get("data").size()).isEqualTo(1);
        assertThat(atHost.at("/data/0/table_name").asText()).isNotEmpty();

        JsonNode viaGuest = tables("9999", "host", "10000", "data_transform_0");
        assertThat(viaGuest.get("retcode").asInt()).as(viaGuest.toString()).isZero();
        assertThat(viaGuest.get("data")).isEqualTo(atHost.get("data"));
        // and the guest's own, answered at the guest, is another table
        JsonNode own = tables("9999", "guest", "9999", "data_transform_0");
        assertThat(own.get("data").size()).isEqualTo(1);
        assertThat(own.at("/data/0/table_name").asText()).isNotEqualTo(atHost.at("/data/0/table_name").asText());
        // the host's answer for a component without output is the host's refusal
        JsonNode none = tables("9999", "host", "10000", "nope_0");
        assertThat(none.get("retcode").asInt()).as(none.toString()).isEqualTo(100);
        assertThat(none.get("retmsg").asText()).contains("No found table");
    }

    @Test
    void aPartyThatIsNotOfTheJobOrAJobThatIsNotHereIsRefused() {
        JsonNode stranger = tables("9999", "host", "12345", "data_transform_0");
        assertThat(stranger.get("retcode").asInt()).as(stranger.toString()).isEqualTo(101);
        assertThat(stranger.get("retmsg").asText()).contains("12345", "no host of job");
        JsonNode unknown = sites.http("9999").post("/v1/tracking/component/output/data/table", Map.of("job_id",
                "20200101000000000000", "role", "host", "party_id", "10000", "component_name", "reader_0"));
        assertThat(unknown.get("retcode").asInt()).as(unknown.toString()).isEqualTo(100);
        assertThat(unknown.get("retmsg").asText()).contains("No found job");
    }

    @Test
    void anUnsignedSiteCallIsRefused() throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", sites.node("10000").sitePort())
                .usePlaintext().build();
        try {
            assertThatThrownBy(() -> TrackingSiteServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS).outputDataTable(request()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                        assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("109");
                    });
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSignedCallFromASiteThatIsNoPartyOfTheJobIsRefused() throws Exception {
        SiteKeys stranger = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-stranger"));
        sites.node("10000").peers().put(new Peer("7777", "127.0.0.1", 1, stranger.publicKeyBase64(), false));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", sites.node("10000").sitePort())
                .usePlaintext().build();
        try {
            OutputDataTableSiteRequest r = request();
            Metadata md = new Metadata();
            new SiteCallSigner("7777", stranger.signer(), Clock.systemUTC(), new SecureRandom())
                    .headersFor(TrackingSiteServiceGrpc.getOutputDataTableMethod().getFullMethodName(), "10000",
                            r.toByteArray())
                    .asMap().forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
            assertThatThrownBy(() -> TrackingSiteServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                    .withDeadlineAfter(10, TimeUnit.SECONDS).outputDataTable(r))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("108");
                        assertThat(e.getStatus().getDescription()).contains("7777", "not a party of job");
                    });
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            sites.node("10000").peers().remove("7777");
        }
    }

    private static OutputDataTableSiteRequest request() {
        return OutputDataTableSiteRequest.newBuilder().setJobId(jobId).setRole("host").setPartyId("10000")
                .setComponentName("data_transform_0").build();
    }

    private static JsonNode tables(String at, String role, String party, String component) {
        return sites.http(at).post("/v1/tracking/component/output/data/table", Map.of("job_id", jobId, "role", role,
                "party_id", party, "component_name", component));
    }
}
