package io.fedflow.node.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.BoardHttp;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The board's JSON over a real node: the job list (filters, paging), one job (its DAG, parties, conf and DSL),
 * stop and rerun, the tables and upload history, the models; and each refusal.
 */
class BoardJobsApiTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static String uploadJob;
    private static String trainJob;

    @BeforeAll
    static void uploadAndTrain() {
        FlowHttp h = node.http();
        JsonNode upload = LocalJobs.uploadBreast(h);
        assertThat(upload.path("retcode").asInt()).as(upload.toString()).isZero();
        uploadJob = upload.path("jobId").asText();
        trainJob = LocalJobs.awaitSuccess(h, LocalJobs.submit(h));
    }

    private static BoardHttp board() {
        return new BoardHttp(node.http());
    }

    private static List<String> ids(JsonNode data) {
        List<String> out = new ArrayList<>();
        data.path("jobs").forEach(j -> out.add(j.path("job_id").asText()));
        return out;
    }

    @Test
    void theJobListFiltersByStatusRolePartyAndTagNewestFirst() {
        JsonNode all = board().data("jobs?limit=100");
        List<String> ids = ids(all);
        assertThat(ids).contains(uploadJob, trainJob);
        assertThat(ids.indexOf(trainJob)).as("newest first").isLessThan(ids.indexOf(uploadJob));
        assertThat(all.path("count").asInt()).isEqualTo(ids.size());
        JsonNode row = all.path("jobs").get(ids.indexOf(trainJob));
        assertThat(row.path("role").asText()).isEqualTo("local");
        assertThat(row.path("party_id").asText()).isEqualTo("0");
        assertThat(row.path("status").asText()).isEqualTo("success");
        assertThat(row.path("progress").asInt()).isEqualTo(100);
        assertThat(row.path("is_initiator").asBoolean()).isTrue();
        assertThat(row.path("start_time").asLong()).isPositive();
        assertThat(row.path("end_time").asLong()).isGreaterThanOrEqualTo(row.path("start_time").asLong());

        JsonNode success = board().data("jobs?status=success&role=local&party_id=0&limit=100");
        assertThat(ids(success)).contains(uploadJob, trainJob);
        success.path("jobs").forEach(j -> assertThat(j.path("status").asText()).isEqualTo("success"));
        assertThat(ids(board().data("jobs?status=running&status=waiting&limit=100")))
                .doesNotContain(uploadJob, trainJob);
        assertThat(ids(board().data("jobs?status=running&status=success&limit=100"))).as("any of the values")
                .contains(uploadJob, trainJob);
        assertThat(ids(board().data("jobs?role=guest&limit=100"))).doesNotContain(uploadJob, trainJob);
        assertThat(ids(board().data("jobs?party_id=9999&limit=100"))).doesNotContain(uploadJob, trainJob);

        String uploadTag = board().data("jobs/" + uploadJob).path("job").path("tag").asText();
        assertThat(uploadTag).isNotEmpty();
        JsonNode tagged = board().data("jobs?tag=" + uploadTag + "&limit=100");
        assertThat(ids(tagged)).contains(uploadJob);
        tagged.path("jobs").forEach(j -> assertThat(j.path("tag").asText()).isEqualTo(uploadTag));
    }

    @Test
    void anUnknownStatusFindsNothingAsFatesJobQueryDoes() {
        JsonNode answer = board().get("jobs?status=no_such_status");
        assertThat(answer.path("retcode").asInt()).isZero();
        assertThat(answer.path("data").path("count").asInt()).isZero();
        assertThat(answer.path("data").path("jobs")).isEmpty();
    }

    @Test
    void theJobListPages() {
        int count = board().data("jobs").path("count").asInt();
        assertThat(count).isGreaterThanOrEqualTo(2);
        JsonNode first = board().data("jobs?limit=1&page=1");
        JsonNode second = board().data("jobs?limit=1&page=2");
        assertThat(ids(first)).hasSize(1);
        assertThat(ids(second)).hasSize(1).doesNotContainAnyElementsOf(ids(first));
        assertThat(first.path("count").asInt()).isEqualTo(count);
        assertThat(second.path("count").asInt()).isEqualTo(count);
        JsonNode beyond = board().data("jobs?limit=1&page=" + (count + 1));
        assertThat(beyond.path("jobs")).isEmpty();
        assertThat(beyond.path("count").asInt()).isEqualTo(count);
    }

    @Test
    void aBadPageOrLimitIsRefusedNamingTheField() {
        assertRefused(board().get("jobs?page=0"), "page");
        assertRefused(board().get("jobs?limit=0"), "limit");
        assertRefused(board().get("jobs?limit=ten"), "limit");
        assertRefused(board().get("tables?page=-1"), "page");
        assertRefused(board().get("models?limit=0"), "limit");
    }

    private static void assertRefused(JsonNode answer, String field) {
        assertThat(answer.path("retcode").asInt()).as(answer.toString()).isEqualTo(101);
        assertThat(answer.path("retmsg").asText()).contains("field " + field);
    }

    @Test
    void oneJobShowsItsDagStatusesPartiesConfAndDsl() {
        JsonNode job = board().data("jobs/" + trainJob);
        assertThat(job.path("job").path("job_id").asText()).isEqualTo(trainJob);
        assertThat(job.path("job").path("status").asText()).isEqualTo("success");
        List<String> names = new ArrayList<>();
        job.path("components").forEach(c -> {
            names.add(c.path("name").asText());
            assertThat(c.path("status").asText()).as(c.toString()).isEqualTo("success");
        });
        assertThat(names).containsExactly("reader_0", "data_transform_0", "feature_scale_0", "lr_0", "evaluation_0");
        assertThat(upstream(job, "reader_0")).isEmpty();
        assertThat(upstream(job, "data_transform_0")).containsExactly("reader_0");
        assertThat(upstream(job, "lr_0")).containsExactly("feature_scale_0");
        assertThat(upstream(job, "evaluation_0")).containsExactly("lr_0");
        assertThat(component(job, "lr_0").path("module").asText()).isEqualTo("LR");
        assertThat(job.path("parties")).hasSize(1);
        JsonNode party = job.path("parties").get(0);
        assertThat(party.path("role").asText()).isEqualTo("local");
        assertThat(party.path("party_id").asText()).isEqualTo("0");
        assertThat(party.path("status").asText()).isEqualTo("success");
        assertThat(party.path("known_from").asText()).isEqualTo("this site");
        assertThat(job.path("dsl").path("components").path("lr_0").path("module").asText()).isEqualTo("LR");
        assertThat(job.path("runtime_conf").path("initiator").path("role").asText()).isEqualTo("local");
        assertThat(board().data("jobs/" + trainJob + "?role=local&party_id=0")).isEqualTo(job);
    }

    private static JsonNode component(JsonNode job, String name) {
        for (JsonNode c : job.path("components")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no component " + name + " in " + job);
    }

    private static List<String> upstream(JsonNode job, String name) {
        List<String> out = new ArrayList<>();
        component(job, name).path("upstream").forEach(u -> out.add(u.asText()));
        return out;
    }

    @Test
    void anUnknownJobOrRowIsRefusedNamingIt() {
        JsonNode unknown = board().get("jobs/20200101000000000000");
        assertThat(unknown.path("retcode").asInt()).isNotZero();
        assertThat(unknown.path("retmsg").asText()).contains("20200101000000000000");
        JsonNode otherRole = board().get("jobs/" + trainJob + "?role=guest&party_id=9999");
        assertThat(otherRole.path("retcode").asInt()).isNotZero();
        assertThat(otherRole.path("retmsg").asText()).contains(trainJob).contains("role guest");
        JsonNode stop = board().post("jobs/20200101000000000000/stop", "{\"status\": \"canceled\"}");
        assertThat(stop.path("retcode").asInt()).isNotZero();
        assertThat(stop.path("retmsg").asText()).contains("20200101000000000000");
        JsonNode rerun = board().post("jobs/20200101000000000000/rerun", "{}");
        assertThat(rerun.path("retcode").asInt()).isNotZero();
        assertThat(rerun.path("retmsg").asText()).contains("20200101000000000000");
    }

    @Test
    void stopAndRerunActOnTheJob() {
        FlowHttp h = node.http();
        JsonNode submitted = h.post("/v1/job/submit", "{\"job_dsl\": " + LocalJobs.DSL + ", \"job_runtime_conf\": "
                + LocalJobs.conf(LocalJobs.TABLE, "\"max_iter\": 1000000, \"tol\": 0.0", "") + "}");
        assertThat(submitted.path("retcode").asInt()).as(submitted.toString()).isZero();
        String jobId = submitted.path("jobId").asText();
        awaitStatus(jobId, "running");

        JsonNode badStatus = board().post("jobs/" + jobId + "/stop", "{\"status\": \"success\"}");
        assertThat(badStatus.path("retcode").asInt()).isEqualTo(101);
        assertThat(badStatus.path("retmsg").asText()).contains("stop_status");
        JsonNode notJson = board().post("jobs/" + jobId + "/stop", "{status");
        assertThat(notJson.path("retcode").asInt()).isEqualTo(101);
        assertThat(status(jobId)).as("nothing stopped by a refused call").isEqualTo("running");

        JsonNode stopped = board().post("jobs/" + jobId + "/stop", "{\"status\": \"canceled\"}");
        assertThat(stopped.path("retcode").asInt()).as(stopped.toString()).isZero();
        awaitStatus(jobId, "canceled");

        JsonNode unknownComponent = board().post("jobs/" + jobId + "/rerun", "{\"component_name\": \"no_such_0\"}");
        assertThat(unknownComponent.path("retcode").asInt()).isEqualTo(101);
        assertThat(unknownComponent.path("retmsg").asText()).contains("no_such_0");
        // without a component: every one that did not succeed runs again
        JsonNode rerun = board().post("jobs/" + jobId + "/rerun", "{}");
        assertThat(rerun.path("retcode").asInt()).as(rerun.toString()).isZero();
        assertThat(rerun.path("data").path("components").toString()).contains("lr_0");
        awaitStatus(jobId, "running");
        assertThat(board().post("jobs/" + jobId + "/stop", "{}").path("retcode").asInt()).isZero();
        awaitStatus(jobId, "canceled");
    }

    private static String status(String jobId) {
        return board().data("jobs/" + jobId).path("job").path("status").asText();
    }

    private static void awaitStatus(String jobId, String status) {
        await().atMost(Duration.ofMinutes(2)).until(() -> status(jobId), status::equals);
    }

    @Test
    void tablesShowCountsEnginesAndTheUploadHistory() {
        JsonNode data = board().data("tables?limit=100");
        JsonNode table = null;
        for (JsonNode t : data.path("tables").path("tables")) {
            if (t.path("namespace").asText().equals("experiment") && t.path("table_name").asText()
                    .equals(LocalJobs.TABLE)) {
                table = t;
            }
        }
        assertThat(table).as(data.toString()).isNotNull();
        assertThat(table.path("count").asLong()).isEqualTo(569);
        assertThat(table.path("engine").asText()).isNotEmpty();
        assertThat(table.path("enable").asBoolean()).isTrue();
        assertThat(data.path("tables").path("count").asInt()).isGreaterThanOrEqualTo(1);
        JsonNode upload = null;
        for (JsonNode u : data.path("uploads").path("uploads")) {
            if (u.path("job_id").asText().equals(uploadJob)) {
                upload = u;
            }
        }
        assertThat(upload).as(data.toString()).isNotNull();
        assertThat(upload.path("status").asText()).isEqualTo("success");
        assertThat(upload.path("namespace").asText()).isEqualTo("experiment");
        assertThat(upload.path("table_name").asText()).isEqualTo(LocalJobs.TABLE);
    }

    @Test
    void modelsListTheTrainedModel() {
        JsonNode data = board().data("models?limit=100");
        assertThat(data.path("count").asInt()).isGreaterThanOrEqualTo(1);
        JsonNode model = null;
        for (JsonNode m : data.path("models")) {
            if (m.path("model_version").asText().equals(trainJob)) {
                model = m;
            }
        }
        assertThat(model).as(data.toString()).isNotNull();
        assertThat(model.path("model_id").asText()).isEqualTo(LocalJobs.MODEL_ID);
        assertThat(model.path("job_id").asText()).isEqualTo(trainJob);
        assertThat(model.path("job_status").asText()).isEqualTo("success");
        assertThat(model.path("deployed").asBoolean()).isFalse();
    }
}
