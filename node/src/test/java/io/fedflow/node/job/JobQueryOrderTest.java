package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.Uploads;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.QueryJobRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * job/query's order_by and reverse, done by the database over three upload jobs: newest first by default, any
 * job column ascending (descending with reverse), an unknown column refused naming order_by; and a status no
 * job has finds nothing (retcode 0, FATE's "no job could be found") rather than being refused.
 */
class JobQueryOrderTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    /** The upload jobs, oldest first. */
    private static final List<String> JOBS = new ArrayList<>();

    @BeforeAll
    static void threeUploadJobs() throws Exception {
        for (String name : List.of("first", "second", "third")) {
            Uploads.csv(node.http(), "order", name, "id,x\na,1\n");
        }
        JsonNode all = node.http().post("/v1/job/query", Map.of("role", "local", "order_by", "create_time"));
        all.get("data").forEach(r -> JOBS.add(r.get("f_job_id").asText()));
        assertThat(JOBS).hasSize(3);
        // notes in an order that is neither the jobs' creation order nor its reverse
        List<String> notes = List.of("b", "c", "a");
        for (int i = 0; i < 3; i++) {
            JsonNode updated = node.http().post("/v1/job/update", Map.of("job_id", JOBS.get(i), "role", "local",
                    "party_id", "0", "notes", notes.get(i)));
            assertThat(updated.get("retcode").asInt()).as(updated.toString()).isZero();
        }
    }

    private static List<String> ids(JsonNode answer) {
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isZero();
        List<String> ids = new ArrayList<>();
        answer.get("data").forEach(r -> ids.add(r.get("f_job_id").asText()));
        return ids;
    }

    private static List<String> query(Map<String, ?> body) {
        return ids(node.http().post("/v1/job/query", body));
    }

    @Test
    void orderByAnyColumnAscendingOrReversed() {
        List<String> oldestFirst = List.copyOf(JOBS);
        List<String> newestFirst = List.of(JOBS.get(2), JOBS.get(1), JOBS.get(0));
        assertThat(query(Map.of("role", "local"))).as("newest first by default").isEqualTo(newestFirst);
        assertThat(query(Map.of("role", "local", "order_by", "create_time"))).isEqualTo(oldestFirst);
        assertThat(query(Map.of("role", "local", "order_by", "create_time", "reverse", true))).isEqualTo(newestFirst);
        assertThat(query(Map.of("role", "local", "order_by", "f_job_id", "reverse", true))).isEqualTo(newestFirst);
        // notes b, c, a: by description a, b, c is the third, first, second job
        assertThat(query(Map.of("role", "local", "order_by", "description")))
                .isEqualTo(List.of(JOBS.get(2), JOBS.get(0), JOBS.get(1)));
        assertThat(query(Map.of("role", "local", "order_by", "f_description", "reverse", true)))
                .isEqualTo(List.of(JOBS.get(1), JOBS.get(0), JOBS.get(2)));
    }

    @Test
    void orderByOverGrpc() {
        FlowResponse r = JobServiceGrpc.newBlockingStub(node.channel()).queryJob(QueryJobRequest.newBuilder()
                .addRole("local").setOrderBy("description").setReverse(true).build());
        List<String> ids = new ArrayList<>();
        r.getData().getListValue().getValuesList().forEach(v -> ids.add(v.getStructValue().getFieldsOrThrow(
                "f_job_id").getStringValue()));
        assertThat(ids).isEqualTo(List.of(JOBS.get(1), JOBS.get(0), JOBS.get(2)));
    }

    @Test
    void anUnknownOrderByIsRefusedNamingIt() {
        JsonNode r = node.http().post("/v1/job/query", Map.of("role", "local", "order_by", "no_such_column"));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(101);
        assertThat(r.get("retmsg").asText()).contains("order_by", "no_such_column");
    }

    @Test
    void aStatusNoJobHasFindsNothingAsFatesDoes() {
        for (Object status : List.of("sucess", List.of("sucess", "failed"), List.of("nope", 3))) {
            JsonNode r = node.http().post("/v1/job/query", Map.of("role", "local", "status", status));
            assertThat(r.get("retcode").asInt()).as(status + " -> " + r).isZero();
            assertThat(r.get("retmsg").asText()).isEqualTo("no job could be found");
            assertThat(r.get("data")).isEmpty();
        }
        assertThat(query(Map.of("role", "local", "status", List.of("sucess", "success")))).hasSize(3);
    }
}
