package io.fedflow.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.node.federation.Peer;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.LogCapture;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.PrometheusScrape;
import io.fedflow.proto.v1.PartyServiceGrpc;
import io.fedflow.proto.v1.PingRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GET /metrics on a real node: Prometheus' text format, and the counters move with what the node does (a
 * local job run by the scheduler, site calls refused by the verifying interceptor), compared with a scrape
 * taken before, never as totals. The job's log lines, in its files and in the node's log, carry its ids.
 */
class MetricsEndpointTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    @Test
    void answersPrometheusTextFormat() {
        HttpResponse<String> r = PrometheusScrape.get(node.httpPort(), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain").contains("version=0.0.4"));
        PrometheusScrape s = PrometheusScrape.parse(r.body());
        // the pools' meters come from Hikari, one series per pool
        assertThat(s.has("hikaricp_connections_max", "pool", "fedflow-jobs")).isTrue();
        assertThat(s.has("hikaricp_connections_max", "pool", "fedflow-requests")).isTrue();
        assertThat(s.has("fedflow_jobs_waiting")).isTrue();
        assertThat(s.has("fedflow_paillier_operations_total", "operation", "encrypt")).isTrue();
    }

    @Test
    void aLocalJobMovesTheJobTaskQueueAndRequestMeters() throws Exception {
        PrometheusScrape before = PrometheusScrape.of(node.httpPort());
        String jobId;
        String lines;
        try (LogCapture log = new LogCapture()) {
            LocalJobs.uploadBreast(node.http());
            jobId = LocalJobs.awaitSuccess(node.http(), LocalJobs.submit(node.http()));
            lines = log.text();
        }
        PrometheusScrape after = PrometheusScrape.of(node.httpPort());

        assertThat(delta(before, after, "fedflow_jobs_ended_total", "status", "success")).isEqualTo(1);
        assertThat(delta(before, after, "fedflow_jobs_queue_wait_seconds_count")).isEqualTo(1);
        for (String module : List.of("Reader", "DataTransform", "FeatureScale", "LR", "Evaluation")) {
            assertThat(delta(before, after, "fedflow_tasks_duration_seconds_count", "module", module,
                    "status", "success")).as(module).isEqualTo(1);
        }
        // the client port counted the submit (a transcoded gRPC method) with its status, latency in buckets
        assertThat(delta(before, after, "fedflow_client_requests_total", "method", "SubmitJob",
                "http_status", "200")).isGreaterThanOrEqualTo(1);
        assertThat(after.has("fedflow_client_total_duration_seconds_bucket", "method", "SubmitJob")).isTrue();

        // each line of the job's own logs names the job; a task's lines name the task too
        Path dir = node.config().logsDir().resolve(jobId);
        assertThat(Files.readAllLines(dir.resolve("fate_flow_schedule.log")))
                .isNotEmpty().allSatisfy(l -> assertThat(l).contains("[" + jobId + "]"));
        assertThat(Files.readAllLines(dir.resolve("local/0/lr_0/INFO.log")))
                .isNotEmpty().allSatisfy(l -> assertThat(l).contains("[" + jobId + " " + jobId + "_lr_0]"));
        // the node's log: the task runner's line carries the ids from the MDC, before the message
        assertThat(lines.lines().filter(l -> l.contains("task " + jobId + "_lr_0 local 0 version")))
                .singleElement().satisfies(l -> assertThat(l).contains(" job=" + jobId + " task=" + jobId
                        + "_lr_0 - "));
    }

    @Test
    void refusedSiteCallsAreCountedByReason() throws Exception {
        SiteKeys caller = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-metrics-caller"));
        SiteKeys forger = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-metrics-forger"));
        node.node().peers().put(new Peer("7777", "127.0.0.1", 1, caller.publicKeyBase64(), false));
        PrometheusScrape before = PrometheusScrape.of(node.httpPort());
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.sitePort()).usePlaintext().build();
        try {
            assertThatThrownBy(() -> ping(channel, null)).isInstanceOf(StatusRuntimeException.class);
            assertThatThrownBy(() -> ping(channel, forger)).isInstanceOf(StatusRuntimeException.class);
            ping(channel, caller);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        PrometheusScrape after = PrometheusScrape.of(node.httpPort());
        assertThat(delta(before, after, "fedflow_site_refusals_total", "reason", "missing_signature")).isEqualTo(1);
        assertThat(delta(before, after, "fedflow_site_refusals_total", "reason", "bad_signature")).isEqualTo(1);
        assertThat(delta(before, after, "fedflow_site_refusals_total")).isEqualTo(2); // the signed ping passed
        // the site port's requests: the three pings, by method and gRPC status
        assertThat(delta(before, after, "fedflow_site_requests_total", "method", "Ping")).isEqualTo(3);
        assertThat(delta(before, after, "fedflow_site_requests_total", "method", "Ping", "grpc_status", "0"))
                .isEqualTo(1);
    }

    private static JsonNode ping(ManagedChannel channel, SiteKeys keys) {
        PingRequest request = PingRequest.newBuilder().build();
        Metadata md = new Metadata();
        if (keys != null) {
            new SiteCallSigner("7777", keys.signer(), Clock.systemUTC(), new SecureRandom())
                    .headersFor(PartyServiceGrpc.getPingMethod().getFullMethodName(), node.config().partyId(),
                            request.toByteArray())
                    .asMap().forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
        }
        PartyServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                .withDeadlineAfter(10, TimeUnit.SECONDS).ping(request);
        return null;
    }

    private static double delta(PrometheusScrape before, PrometheusScrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
