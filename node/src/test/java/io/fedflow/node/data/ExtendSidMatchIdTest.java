package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload with extend_sid keeps the file's id column as data (FATE's Upload); FATE's DataTransform takes it
 * back out of the features with with_match_id (the first column, or match_id_name). Real local jobs over such
 * a table: with with_match_id the model's features are the file's features; without it the id column is read
 * as a feature and the job fails naming it, as FATE's would.
 */
class ExtendSidMatchIdTest {
    private static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "lr_0": {"module": "LR", "input": {"data": {"train_data": ["data_transform_0.data"]}},
                       "output": {"data": ["data"], "model": ["model"]}}}}""";
    private static final Set<String> END = Set.of("success", "failed", "canceled", "timeout");

    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    @TempDir
    static Path dir;

    @BeforeAll
    static void uploadWithExtendSid() throws Exception {
        Random rnd = new Random(7);
        StringBuilder csv = new StringBuilder("id,y,x0,x1\n");
        for (int i = 0; i < 40; i++) {
            double x0 = rnd.nextGaussian();
            double x1 = rnd.nextGaussian();
            csv.append(String.format(Locale.ROOT, "r%d,%d,%.4f,%.4f%n", i, x0 + x1 > 0 ? 1 : 0, x0, x1));
        }
        Path f = Files.writeString(dir.resolve("sid.csv"), csv);
        JsonNode up = FlowHttp.JSON.readTree(node.http().pythonUpload(f, "{\"head\": 1, \"partition\": 1, "
                + "\"namespace\": \"sid\", \"table_name\": \"ext\", \"id_delimiter\": \",\", \"extend_sid\": true}")
                .body());
        assertThat(up.get("retcode").asInt()).as(up.toString()).isZero();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> node.http().post("/v1/table/table_info",
                Map.of("namespace", "sid", "table_name", "ext")).at("/data/count").asLong() == 40);
    }

    private static String run(String dataTransformParams) {
        String conf = """
                {"dsl_version": 2, "initiator": {"role": "local", "party_id": 0}, "role": {"local": [0]},
                 "job_parameters": {"common": {"task_cores": 1}},
                 "component_parameters": {
                   "common": {"lr_0": {"max_iter": 2}},
                   "role": {"local": {"0": {"reader_0": {"table": {"name": "ext", "namespace": "sid"}},
                                            "data_transform_0": {"with_label": true, "label_name": "y" %s}}}}}}"""
                .formatted(dataTransformParams);
        JsonNode submitted = node.http().post("/v1/job/submit", "{\"job_dsl\": " + DSL + ", \"job_runtime_conf\": "
                + conf + "}");
        assertThat(submitted.get("retcode").asInt()).as(submitted.toString()).isZero();
        String jobId = submitted.get("jobId").asText();
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> END.contains(status(jobId)));
        return jobId;
    }

    private static String status(String jobId) {
        return node.http().post("/v1/job/query", Map.of("job_id", jobId)).at("/data/0/f_status").asText();
    }

    private static String dataTransformError(String jobId) {
        return node.http().post("/v1/job/task/query", Map.of("job_id", jobId, "component_name", "data_transform_0"))
                .at("/data/0/f_error_report").asText();
    }

    @Test
    void withMatchIdTheFirstColumnIsNotAFeature() {
        String jobId = run(", \"with_match_id\": true");
        assertThat(status(jobId)).as(dataTransformError(jobId)).isEqualTo("success");
        JsonNode model = node.http().post("/v1/tracking/component/output/model", Map.of("job_id", jobId, "role",
                "local", "party_id", "0", "component_name", "data_transform_0"));
        assertThat(model.at("/data/header").toString()).isEqualTo("[\"x0\",\"x1\"]");
        assertThat(model.at("/data/match_id_name").asText()).isEqualTo("id");
        assertThat(model.at("/data/sid_name").asText()).isEqualTo("extend_sid");
        JsonNode lr = node.http().post("/v1/tracking/component/output/model", Map.of("job_id", jobId, "role",
                "local", "party_id", "0", "component_name", "lr_0"));
        assertThat(lr.at("/data/weight").has("x0")).as(lr.toString()).isTrue();
        assertThat(lr.at("/data/weight").has("id")).isFalse();
    }

    @Test
    void matchIdNameChoosesTheColumn() {
        String jobId = run(", \"with_match_id\": true, \"match_id_name\": \"x1\"");
        // x1 is then the match id and "id" a feature: its values are not numbers
        assertThat(status(jobId)).isEqualTo("failed");
        assertThat(dataTransformError(jobId)).contains("column id", "'r");
    }

    @Test
    void withoutMatchIdTheIdColumnIsReadAsAFeature() {
        String jobId = run("");
        assertThat(status(jobId)).isEqualTo("failed");
        assertThat(dataTransformError(jobId)).contains("column id", "is not a number");
    }

    @Test
    void anUnknownMatchIdNameIsRefusedNamingIt() {
        String jobId = run(", \"with_match_id\": true, \"match_id_name\": \"nope\"");
        assertThat(status(jobId)).isEqualTo("failed");
        assertThat(dataTransformError(jobId)).contains("match_id_name", "nope");
        String onLabel = run(", \"with_match_id\": true, \"match_id_name\": \"y\"");
        assertThat(dataTransformError(onLabel)).contains("match_id_name", "label column");
    }
}
