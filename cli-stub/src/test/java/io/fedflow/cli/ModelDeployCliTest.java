package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flow model deploy|get-predict-dsl|get-predict-conf|get-model-info} run in-process against a real node
 * with a trained local LR model, with FATE's flags.
 */
class ModelDeployCliTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL_ID = "local-0#model";
    private static String server;
    private static String trainJob;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainAModel() {
        server = "127.0.0.1:" + node.httpPort();
        trainJob = LocalJobs.trainBreast(node.http());
        // the registry records the model as the job ends: wait until it is there
        Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> node.http().post("/v1/model/query",
                Map.of("model_version", trainJob)).get("retcode").asInt() == 0);
    }

    private static CliRun flow(String... args) {
        return CliRun.flow(server, args);
    }

    private static String deploy(String... extra) {
        String[] args = Stream.concat(Stream.of("model", "deploy", "--model-id", MODEL_ID, "--model-version",
                trainJob), Stream.of(extra)).toArray(String[]::new);
        return CliRun.ok(flow(args)).out().at("/data/model_version").asText();
    }

    private JsonNode onlyFile(Path output, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(output)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
            assertThat(found).hasSize(1);
            assertThat(found.get(0).getFileName().toString()).matches(prefix + "_\\d{14}\\.json");
            return JSON.readTree(found.get(0).toFile());
        }
    }

    @Test
    void deployFromACpnListThenWriteThePredictDslAndConf() throws IOException {
        String child = deploy("--cpn-list", "reader_0, data_transform_0,feature_scale_0, lr_0");
        Path out = dir.resolve("out");
        CliRun dsl = CliRun.ok(flow("model", "get-predict-dsl", "--model-id", MODEL_ID, "--model-version", child, "-o",
                out.toString()));
        assertThat(dsl.out().get("retmsg").asText()).startsWith("Query predict dsl successfully. File path is: ");
        JsonNode written = onlyFile(out, "predict_dsl");
        assertThat(written.at("/components/lr_0/input/model/0").asText()).isEqualTo("pipeline.lr_0.model");
        assertThat(written.get("components").size()).isEqualTo(4);

        CliRun.ok(flow("model", "get-predict-conf", "--model-id", MODEL_ID, "--model-version", child, "-o",
                out.toString()));
        JsonNode conf = onlyFile(out, "predict_conf");
        assertThat(conf.at("/job_parameters/common/model_version").asText()).isEqualTo(child);
        assertThat(conf.at("/component_parameters/role/local/0/reader_0/table/name").asText())
                .isEqualTo("name_to_be_filled_0");
    }

    @Test
    void deployFromACpnFileOrAPredictDslFile() throws IOException {
        Path cpns = Files.writeString(dir.resolve("cpns.txt"), "[data_transform_0,\nfeature_scale_0,\nlr_0]\n");
        String fromFile = deploy("--cpn-path", cpns.toString());
        JsonNode dsl = node.http().post("/v1/model/get/predict/dsl", Map.of("model_id", MODEL_ID,
                "model_version", fromFile)).get("data");
        assertThat(dsl.get("components").size()).isEqualTo(3);
        Path predictDsl = Files.writeString(dir.resolve("predict_dsl.json"), dsl.toString());
        String fromDsl = deploy("--dsl-path", predictDsl.toString());
        assertThat(node.http().post("/v1/model/get/predict/dsl", Map.of("model_id", MODEL_ID,
                "model_version", fromDsl)).get("data")).isEqualTo(dsl);
    }

    @Test
    void getModelInfoSendsFatesElevenFields() {
        String child = deploy("--cpn-list", "lr_0");
        JsonNode row = CliRun.ok(flow("model", "get-model-info", "--model-id", MODEL_ID, "--model-version", child)).out()
                .at("/data/0");
        assertThat(row.size()).isEqualTo(11);
        assertThat(row.get("f_parent").asBoolean()).isFalse();
        assertThat(row.at("/f_parent_info/parent_version").asText()).isEqualTo(trainJob);
        assertThat(row.get("f_size").asLong()).isPositive();
        assertThat(row.get("f_create_date").asText()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
        JsonNode detail = CliRun.ok(flow("model", "get-model-info", "--model-version", child, "-r", "local", "-p", "0",
                "--detail")).out().at("/data/0");
        assertThat(detail.has("f_inference_dsl")).isTrue();
    }

    @Test
    void refusals() {
        CliRun step = flow("model", "deploy", "--model-id", MODEL_ID, "--model-version", trainJob,
                "--cpn-step-index", "lr_0:3");
        // the model was trained without checkpoints: step 3 is not there (404, FATE's), and no child is kept
        assertThat(step.exit()).isEqualTo(1);
        assertThat(step.retcode()).isEqualTo(404);
        assertThat(step.out().get("retmsg").asText()).contains("lr_0");
        CliRun badStep = flow("model", "deploy", "--model-id", MODEL_ID, "--model-version", trainJob,
                "--cpn-step-index", "lr_0:three");
        assertThat(badStep.retcode()).isEqualTo(101);
        assertThat(badStep.out().get("retmsg").asText()).contains("lr_0:three");
        CliRun unknown = flow("model", "deploy", "--model-id", MODEL_ID, "--model-version", trainJob,
                "--cpn-list", "lr_0,lr_9");
        assertThat(unknown.retcode()).isEqualTo(101);
        assertThat(unknown.out().get("retmsg").asText()).contains("lr_9");
        CliRun noModel = flow("model", "get-predict-dsl", "--model-id", MODEL_ID, "--model-version",
                "202612040000000000001", "-o", dir.toString());
        assertThat(noModel.retcode()).isEqualTo(210);
        assertThat(noModel.out().get("retmsg").asText()).contains("No model found");
    }
}
