package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.QueryJobRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * job/query by job id (what clients poll) is one prepared primary-key read whose rows are printed once:
 * its answer is the one the general filtered query gives, byte for byte, with or without a role and a party;
 * it misses as that query misses; a binary gRPC caller gets the same rows as a protobuf Value.
 */
class JobQueryByIdTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static String jobId;

    @BeforeAll
    static void runAJob() {
        jobId = LocalJobs.trainBreast(node.http());
    }

    @Test
    void anIdLookupAnswersWhatTheFilteredQueryAnswers() {
        List<Map<String, Object>> lookups = List.<Map<String, Object>>of(Map.of("job_id", jobId), Map.of("job_id", jobId, "role", "local"),
                Map.of("job_id", jobId, "party_id", 0), Map.of("job_id", jobId, "role", "local", "party_id", "0"),
                Map.of("job_id", jobId, "role", List.of("local"), "party_id", List.of(0)));
        // Any status: the same rows, found by the general query (a filter the id lookup does not take).
        List<String> anyStatus = Arrays.stream(JobStatus.values()).map(JobStatus::wire).toList();
        for (Map<String, Object> lookup : lookups) {
            Map<String, Object> filtered = new HashMap<>(lookup);
            filtered.put("status", anyStatus);
            String byId = raw(lookup);
            assertThat(byId).as(lookup.toString()).contains("\"retcode\":0", "\"f_job_id\":\"" + jobId + "\"",
                    "\"f_dsl\":{", "\"f_create_date\":");
            assertThat(byId).as(lookup.toString()).isEqualTo(raw(filtered));
        }
        // and so does an order the id lookup does not take
        assertThat(raw(Map.of("job_id", jobId, "order_by", "create_time", "reverse", true)))
                .isEqualTo(raw(Map.of("job_id", jobId)));
    }

    @Test
    void anIdLookupMissesAsTheFilterDoes() {
        for (Map<String, ?> miss : List.<Map<String, ?>>of(Map.of("job_id", jobId, "role", "guest"),
                Map.of("job_id", jobId, "party_id", 9999), Map.of("job_id", jobId + "0"),
                Map.of("job_id", jobId, "role", "local", "party_id", "1"))) {
            JsonNode r = node.http().post("/v1/job/query", miss);
            assertThat(r.get("retcode").asInt()).as(miss + " -> " + r).isZero();
            assertThat(r.get("retmsg").asText()).as(miss + " -> " + r).isEqualTo("no job could be found");
            assertThat(r.get("data").size()).as(miss + " -> " + r).isZero();
        }
        // two roles: not an id lookup, yet the same row
        JsonNode two = node.http().post("/v1/job/query", Map.of("job_id", jobId, "role", List.of("guest", "local")));
        assertThat(two.get("data")).isEqualTo(LocalJobs.query(node.http(), jobId).get("data"));
    }

    @Test
    void aGrpcCallerGetsTheRowsAsAValue() {
        FlowResponse r = JobServiceGrpc.newBlockingStub(node.channel())
                .queryJob(QueryJobRequest.newBuilder().setJobId(jobId).addRole("local").build());
        assertThat(r.getDataJson().isEmpty()).isTrue();
        assertThat(r.getData().getListValue().getValuesCount()).isEqualTo(1);
        assertThat(r.getData().getListValue().getValues(0).getStructValue().getFieldsOrThrow("f_job_id")
                .getStringValue()).isEqualTo(jobId);
        // printed as the JSON answer is, the gRPC answer is that answer
        assertThat(new String(FateJson.envelopeBytes(r), StandardCharsets.UTF_8))
                .isEqualTo(raw(Map.of("job_id", jobId, "role", "local")));
        FlowResponse none = JobServiceGrpc.newBlockingStub(node.channel())
                .queryJob(QueryJobRequest.newBuilder().setJobId(jobId + "0").build());
        assertThat(none.getRetmsg()).isEqualTo("no job could be found");
        assertThat(none.getData().getListValue().getValuesCount()).isZero();
    }

    private static String raw(Map<String, ?> body) {
        try {
            HttpResponse<String> r = node.http().postRaw("/v1/job/query", FlowHttp.JSON.writeValueAsString(body));
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
