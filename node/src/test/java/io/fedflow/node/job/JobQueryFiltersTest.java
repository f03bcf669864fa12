package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Value;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.QueryJobRequest;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FATE 1.11's job/query filters over a real finished local LR job: each filter finds the job when it
 * should and not when it should not, lists match any value, number and time fields take [low, high]
 * ranges (dates too), and each bad value is refused with 101 naming the field.
 */
class JobQueryFiltersTest {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static String jobId;
    private static JsonNode row;

    @BeforeAll
    static void runAJob() {
        jobId = LocalJobs.trainBreast(node.http());
        row = LocalJobs.query(node.http(), jobId).at("/data/0");
    }

    @Test
    void statusTakesOneValueAListOrACommaString() {
        assertFound(Map.of("status", "success"));
        assertFound(Map.of("status", List.of("success", "failed")));
        assertFound(Map.of("status", "failed,success"));
        assertNotFound(Map.of("status", List.of("failed", "canceled")));
        // a status no job has, unknown ones included, matches nothing, as FATE compares it
        assertNotFound(Map.of("status", "sucess"));
        assertFound(Map.of("status", List.of("success", 3)));
        // no job id: every job that succeeded here, the upload too
        JsonNode all = node.http().post("/v1/job/query", Map.of("status", List.of("success"), "role", "local"));
        assertThat(all.get("data").size()).as(all.toString()).isGreaterThanOrEqualTo(2);
        all.get("data").forEach(r -> assertThat(r.get("f_status").asText()).isEqualTo("success"));
    }

    @Test
    void roleAndPartiesMatchAnyOfTheirValues() {
        assertFound(Map.of("role", List.of("guest", "local"), "party_id", List.of(9999, 0)));
        assertNotFound(Map.of("role", List.of("guest", "host")));
        assertFound(Map.of("initiator_party_id", 0, "initiator_role", "local"));
        assertFound(Map.of("initiator_party_id", List.of("9999", "0")));
        assertNotFound(Map.of("initiator_party_id", "9999"));
        assertNotFound(Map.of("initiator_role", "guest"));
    }

    @Test
    void nameTagAndDescriptionAreCompared() {
        assertNotFound(Map.of("name", "another job"));
        assertNotFound(Map.of("tag", List.of("submit_failed")));
        JsonNode updated = node.http().post("/v1/job/update", Map.of("job_id", jobId, "role", "local", "party_id", "0",
                "notes", "breast, ten iterations"));
        assertThat(updated.get("retcode").asInt()).as(updated.toString()).isZero();
        assertFound(Map.of("description", "breast, ten iterations"));
        assertNotFound(Map.of("description", "breast"));
    }

    @Test
    void isInitiatorTakesBooleansAndZeroOrOne() {
        boolean initiator = row.get("f_is_initiator").asBoolean();
        assertThat(initiator).isTrue();
        assertFound(Map.of("is_initiator", 1));
        assertFound(Map.of("is_initiator", true));
        assertFound(Map.of("is_initiator", List.of(0, 1)));
        assertNotFound(Map.of("is_initiator", 0));
        assertNotFound(Map.of("is_initiator", "false"));
    }

    @Test
    void progressIsAValueOrARange() {
        assertThat(row.get("f_progress").asInt()).isEqualTo(100);
        assertFound(Map.of("progress", 100));
        assertFound(Map.of("progress", List.of(50, 100)));
        assertFound(Map.of("progress", Arrays.asList(100, null)));
        assertNotFound(Map.of("progress", List.of(0, 99)));
        assertNotFound(Map.of("progress", Arrays.asList(null, 99)));
    }

    @Test
    void timesAreMillisecondRangesOrDates() {
        for (String field : List.of("create_time", "update_time", "start_time", "end_time")) {
            long t = row.get("f_" + field).asLong();
            assertFound(Map.of(field, t));
            assertFound(Map.of(field, List.of(t - 1, t + 1)));
            assertFound(Map.of(field, Arrays.asList(t, null)));
            assertNotFound(Map.of(field, Arrays.asList(t + 1, null)));
            assertNotFound(Map.of(field, Arrays.asList(null, t - 1)));
            // FATE's date strings, to the second, in the server's zone
            String second = DATE.format(Instant.ofEpochMilli(t));
            String next = DATE.format(Instant.ofEpochMilli(t).plusSeconds(1));
            assertFound(Map.of(field, List.of(second, next)));
            assertNotFound(Map.of(field, Arrays.asList(next, null)));
        }
        long elapsed = row.get("f_elapsed").asLong();
        assertFound(Map.of("elapsed", List.of(0, elapsed)));
        assertNotFound(Map.of("elapsed", Arrays.asList(elapsed + 1, null)));
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        assertRefused(Map.of("tag", Map.of("a", 1)), "tag");
        assertRefused(Map.of("role", List.of(Map.of())), "role");
        assertRefused(Map.of("is_initiator", "maybe"), "field is_initiator", "maybe");
        assertRefused(Map.of("is_initiator", List.of(1, 2)), "field is_initiator", "2");
        assertRefused(Map.of("progress", "half"), "field progress", "half");
        assertRefused(Map.of("progress", 1.5), "field progress", "1.5");
        assertRefused(Map.of("progress", List.of(1, 2, 3)), "field progress", "list of 3");
        assertRefused(Map.of("create_time", "yesterday"), "field create_time", "yesterday");
        assertRefused(Map.of("end_time", "2026-13-01 00:00:00"), "field end_time", "2026-13-01");
        assertRefused(Map.of("start_time", List.of(5, 3)), "field start_time", "[5, 3]");
        assertRefused(Map.of("elapsed", List.of(true, 3)), "field elapsed", "true");
        assertRefused(Map.of("update_time", Map.of("from", 1)), "field update_time");
    }

    @Test
    void noFilterFindsNothingAsFatesDoes() {
        JsonNode none = node.http().post("/v1/job/query", Map.of());
        assertThat(none.get("retcode").asInt()).isZero();
        assertThat(none.get("retmsg").asText()).isEqualTo("no job could be found");
        assertThat(none.get("data").size()).isZero();
        assertThat(node.http().post("/v1/job/query", Map.of("name", "", "status", List.of())).get("data").size())
                .isZero();
    }

    @Test
    void grpcTakesTheSameFilters() {
        var stub = JobServiceGrpc.newBlockingStub(node.channel());
        Value range = Value.newBuilder().setListValue(ListValue.newBuilder()
                .addValues(Value.newBuilder().setNumberValue(row.get("f_create_time").asLong()))
                .addValues(Value.newBuilder().setNullValue(NullValue.NULL_VALUE))).build();
        FlowResponse found = stub.queryJob(QueryJobRequest.newBuilder().setJobId(jobId).addStatus("running")
                .addStatus("success").setCreateTime(range).setIsInitiator(Value.newBuilder().setBoolValue(true))
                .build());
        assertThat(found.getData().getListValue().getValuesCount()).isEqualTo(1);
        FlowResponse none = stub.queryJob(QueryJobRequest.newBuilder().setJobId(jobId)
                .setProgress(Value.newBuilder().setNumberValue(3)).build());
        assertThat(none.getData().getListValue().getValuesCount()).isZero();
    }

    private static JsonNode query(Map<String, ?> filters) {
        Map<String, Object> body = new HashMap<>(filters);
        body.putIfAbsent("job_id", jobId);
        return node.http().post("/v1/job/query", body);
    }

    private static void assertFound(Map<String, ?> filters) {
        JsonNode r = query(filters);
        assertThat(r.get("retcode").asInt()).as(filters + " -> " + r).isZero();
        assertThat(r.get("data").size()).as(filters + " -> " + r).isEqualTo(1);
        assertThat(r.at("/data/0/f_job_id").asText()).isEqualTo(jobId);
    }

    private static void assertNotFound(Map<String, ?> filters) {
        JsonNode r = query(filters);
        assertThat(r.get("retcode").asInt()).as(filters + " -> " + r).isZero();
        assertThat(r.get("retmsg").asText()).as(filters + " -> " + r).isEqualTo("no job could be found");
        assertThat(r.get("data").size()).as(filters + " -> " + r).isZero();
    }

    private static void assertRefused(Map<String, ?> filters, String... mentions) {
        JsonNode r = query(filters);
        assertThat(r.get("retcode").asInt()).as(filters + " -> " + r).isEqualTo(101);
        assertThat(r.get("retmsg").asText()).as(filters + " -> " + r).contains(mentions);
    }
}
