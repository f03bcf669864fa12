package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Over a real node's /v1: a submit with a bad parameter or a bad retry setting is refused with 101 and
 * leaves no job; a failing task is retried auto_retries times, each not before auto_retry_delay.
 */
class SubmitChecksTest {
    static final Set<String> END = Set.of("success", "failed", "canceled", "timeout");
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    @BeforeAll
    static void setUp() throws Exception {
        JsonNode r = LocalJobs.uploadBreast(node.http());
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> END.contains(status(r.get("jobId").asText())));
    }

    /** The local LR job's conf over experiment.breast_hetero_guest, labelled by {@code labelName}. */
    static String conf(String lrParams, String jobParams, String labelName) {
        return LocalJobs.conf(LocalJobs.TABLE, lrParams, jobParams)
                .replace("\"label_name\": \"y\"", "\"label_name\": \"" + labelName + "\"");
    }

    static JsonNode submit(String dsl, String conf) {
        return node.http().post("/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": " + conf + "}");
    }

    static String status(String jobId) {
        return node.http().post("/v1/job/query", Map.of("job_id", jobId)).at("/data/0/f_status").asText();
    }

    static int jobCount() {
        return node.http().post("/v1/job/query", "{}").get("data").size();
    }

    /** Refused with 101, the message naming each of {@code named}, and no job made. */
    static void refused(String dsl, String conf, String... named) {
        int before = jobCount();
        JsonNode r = submit(dsl, conf);
        assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(101);
        assertThat(r.get("retmsg").asText()).contains(named);
        assertThat(jobCount()).as("jobs after a refused submit").isEqualTo(before);
    }

    @Test
    void badComponentParametersAreRefusedAtSubmitAndLeaveNoJob() {
        refused(Jobs.LR_DSL, conf("\"max_iter\": -3", "", "y"), "lr_0", "max_iter", "at least 1");
        refused(Jobs.LR_DSL, conf("\"batch_size\": 0", "", "y"), "lr_0", "batch_size");
        refused(Jobs.LR_DSL, conf("\"penalty\": \"L3\"", "", "y"), "lr_0", "penalty");
        refused(Jobs.LR_DSL, conf("", "", "y").replace("\"with_label\": true", "\"with_label\": true, "
                + "\"missing_fill_method\": \"mode\""), "data_transform_0", "at role local", "missing_fill_method");
        String noTrainData = Jobs.LR_DSL.replace("{\"train_data\": [\"data_transform_0.data\"]}",
                "{\"validate_data\": [\"data_transform_0.data\"]}");
        refused(noTrainData, conf("", "", "y"), "lr_0", "train_data");
        String noInput = Jobs.LR_DSL.replace("\"input\": {\"data\": {\"train_data\": [\"data_transform_0.data\"]}},", "");
        assertThat(noInput).isNotEqualTo(Jobs.LR_DSL);
        refused(noInput, conf("", "", "y"), "lr_0");
    }

    @Test
    void unboundedOrBadRetriesAreRefusedAtSubmitAndLeaveNoJob() {
        refused(Jobs.LR_DSL, conf("", ", \"auto_retries\": 1000000000", "y"), "auto_retries", "at most 10");
        refused(Jobs.LR_DSL, conf("", ", \"auto_retry_delay\": -1", "y"), "auto_retry_delay");
        refused(Jobs.LR_DSL, conf("", ", \"auto_retry_delay\": \"soon\"", "y"), "auto_retry_delay");
    }

    @Test
    void aFailingTaskIsRetriedAutoRetriesTimesEachAfterTheDelay() {
        // the label column does not exist: data_transform_0 fails at run time, every try
        JsonNode r = submit(Jobs.LR_DSL, conf("\"max_iter\": 5", ", \"auto_retries\": 2, \"auto_retry_delay\": 1",
                "no_such_column"));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> END.contains(status(jobId)));
        assertThat(status(jobId)).isEqualTo("failed");

        JsonNode versions = node.http().post("/v1/job/task/query", Map.of("job_id", jobId,
                "component_name", "data_transform_0", "only_latest", false)).get("data");
        List<JsonNode> tries = new ArrayList<>();
        versions.forEach(tries::add);
        tries.sort((a, b) -> Integer.compare(a.get("f_task_version").asInt(), b.get("f_task_version").asInt()));
        assertThat(tries).extracting(t -> t.get("f_task_version").asInt()).containsExactly(0, 1, 2);
        assertThat(tries).extracting(t -> t.get("f_status").asText()).containsOnly("failed");
        assertThat(tries).extracting(t -> t.get("f_auto_retries").asInt()).containsExactly(2, 1, 0);
        for (int v = 1; v < tries.size(); v++) {
            long previousEnd = tries.get(v - 1).get("f_end_time").asLong();
            long start = tries.get(v).get("f_start_time").asLong();
            assertThat(previousEnd).as("end of try %d", v - 1).isPositive();
            assertThat(start - previousEnd).as("ms between try %d's end and try %d's start", v - 1, v)
                    .isGreaterThanOrEqualTo(1000);
        }
        assertThat(node.http().post("/v1/job/task/query", Map.of("job_id", jobId, "component_name", "lr_0"))
                .at("/data/0/f_status").asText()).isEqualTo("waiting");
    }
}
