package io.fedflow.node;

import static io.fedflow.node.store.generated.Tables.T_JOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.TestNode;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.QueryJobRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests and jobs do not starve each other: the scheduler and its tasks have connections requests
 * cannot take, and client calls beyond the request threads wait in a bounded queue rather than fail.
 */
class RequestIsolationTest {
    private TestNode site;
    private Node node;
    private final List<Connection> held = new ArrayList<>();

    /** Each test its own node, with the limits it is about. */
    private Node start(Limits limits) {
        site = TestNode.builder("9999").configure(b -> b.limits(limits)).build().start();
        node = site.node();
        return node;
    }

    @AfterEach
    void stop() throws Exception {
        release();
        if (site != null) {
            site.stop();
        }
    }

    private void holdAll(DataSource pool, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            held.add(pool.getConnection());
        }
    }

    private void release() throws Exception {
        for (Connection c : held) {
            c.close();
        }
        held.clear();
    }

    @Test
    void aJobRunsToSuccessWhileEveryRequestConnectionIsHeld() throws Exception {
        start(Limits.builder().requestDbPool(2).build());
        FlowHttp http = new FlowHttp(node.httpPort());
        assertThat(LocalJobs.uploadBreast(http).get("retcode").asInt()).isZero();
        JsonNode submitted = LocalJobs.submit(http);
        assertThat(submitted.get("retcode").asInt()).as(submitted.toString()).isZero();
        String jobId = submitted.get("jobId").asText();

        // Every connection requests may use is taken, as by clients polling faster than the node answers.
        holdAll(node.requestPool().dataSource(), 2);
        // Read beside the node's pools: the test must not need what it starves.
        await().atMost(Duration.ofSeconds(120)).until(() -> node.database().dsl().select(T_JOB.F_STATUS)
                .from(T_JOB).where(T_JOB.F_JOB_ID.eq(jobId)).fetchOne(T_JOB.F_STATUS), "success"::equals);

        release();
        assertThat(LocalJobs.query(http, jobId).at("/data/0/f_status").asText()).isEqualTo("success");
    }

    @Test
    void callsBeyondTheRequestThreadsWaitAndOnlyThoseBeyondTheQueueAreRefused() throws Exception {
        start(Limits.builder().requestThreads(1).requestQueue(3).requestDbPool(1).build());
        FlowHttp http = new FlowHttp(node.httpPort());
        // The one request thread gets stuck waiting for the one request connection.
        holdAll(node.requestPool().dataSource(), 1);
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiting.add(http.client().sendAsync(query(http, "202601010000000000" + i),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(30)).until(node::requestsInFlight, n -> n == 4);

        HttpResponse<String> busy = http.send(query(http, "2026010100000000009"));
        assertThat(busy.headers().firstValue("retry-after")).hasValue("1");
        JsonNode refused = FlowHttp.JSON.readTree(busy.body());
        assertThat(refused.get("retcode").asInt()).isEqualTo(RetCode.EXCEPTION_ERROR.code());
        assertThat(refused.get("retmsg").asText()).contains("busy", "--request-queue");
        // The same refusal over gRPC: RESOURCE_EXHAUSTED, and the retcode in the trailer as for every failure.
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", node.httpPort()).usePlaintext().build();
        try {
            StatusRuntimeException grpcBusy = catchThrowableOfType(() -> JobServiceGrpc.newBlockingStub(channel)
                    .queryJob(QueryJobRequest.newBuilder().setJobId("2026010100000000008").build()),
                    StatusRuntimeException.class);
            assertThat(grpcBusy.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(grpcBusy.getStatus().getDescription()).contains("busy", "--request-queue");
            assertThat(grpcBusy.getTrailers().get(RetCode.TRAILER))
                    .isEqualTo(Integer.toString(RetCode.EXCEPTION_ERROR.code()));
        } finally {
            channel.shutdownNow();
        }
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        release();
        for (CompletableFuture<HttpResponse<String>> f : waiting) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(FlowHttp.JSON.readTree(r.body()).get("retcode").asInt()).as(r.body()).isZero();
        }
        await().atMost(Duration.ofSeconds(10)).until(node::requestsInFlight, n -> n == 0);
    }

    private static HttpRequest query(FlowHttp http, String jobId) {
        return HttpRequest.newBuilder(URI.create(http.base() + "/v1/job/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"job_id\": \"" + jobId + "\"}")).build();
    }
}
