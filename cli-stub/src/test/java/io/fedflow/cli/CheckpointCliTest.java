package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code flow checkpoint list|get} run in-process against a real node and a local LR job saving checkpoints. */
class CheckpointCliTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();
    private static String server;
    private static String jobId;

    @BeforeAll
    static void trainWithCheckpoints() {
        server = "127.0.0.1:" + node.httpPort();
        assertThat(LocalJobs.uploadBreast(node.http()).get("retcode").asInt()).isZero();
        JsonNode submitted = node.http().post("/v1/job/submit", "{\"job_dsl\": " + LocalJobs.DSL
                + ", \"job_runtime_conf\": " + LocalJobs.conf(LocalJobs.TABLE, "\"max_iter\": 5, \"early_stop\": "
                + "\"abs\", \"tol\": 0, \"callback_param\": {\"callbacks\": [\"ModelCheckpoint\"], \"save_freq\": 2}",
                "") + "}");
        assertThat(submitted.get("retcode").asInt()).as(submitted.toString()).isZero();
        jobId = submitted.get("jobId").asText();
        Awaitility.await().atMost(Duration.ofMinutes(3)).until(
                () -> LocalJobs.query(node.http(), jobId).at("/data/0/f_status").asText(), "success"::equals);
        // the registry records the model as the job ends: checkpoint calls resolve the version through it
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> node.http().post("/v1/model/query",
                Map.of("model_version", jobId)).get("retcode").asInt() == 0);
    }

    private static CliRun flow(String... args) {
        return CliRun.flow(server, args);
    }

    private static String[] model(String component, String... more) {
        String[] base = {"-r", "local", "-p", "0", "-mid", "local-0#model", "-mv", jobId, "-cpn", component};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    private static String[] command(String verb, String[] args) {
        String[] all = new String[args.length + 2];
        all[0] = "checkpoint";
        all[1] = verb;
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    @Test
    void listAndGetRunFatesFlagsEndToEnd() {
        CliRun list = flow(command("list", model("lr_0")));
        assertThat(list.exit()).as(list.out() + " " + list.err()).isZero();
        assertThat(list.out().get("data").findValuesAsText("step_index")).containsExactly("0", "2", "4");

        CliRun byIndex = flow(command("get", model("lr_0", "--step-index", "2")));
        assertThat(byIndex.exit()).as(byIndex.out() + " " + byIndex.err()).isZero();
        assertThat(byIndex.out().at("/data/models/LogisticRegressionParam/iters").asInt()).isEqualTo(3);
        CliRun byName = flow("checkpoint", "get", "--role", "local", "--party-id", "0", "--model-id", "local-0#model",
                "--model-version", jobId, "--component-name", "lr_0", "--step-name", "step_name");
        assertThat(byName.exit()).as(byName.out() + " " + byName.err()).isZero();
        assertThat(byName.out().at("/data/step_index").asInt()).isEqualTo(4);
    }

    @Test
    void refusalsExitNonZero() {
        CliRun noStep = flow(command("get", model("lr_0")));
        assertThat(noStep.exit()).isEqualTo(2);
        assertThat(noStep.err()).contains("--step-index", "--step-name");
        CliRun both = flow(command("get", model("lr_0", "--step-index", "2", "--step-name", "step_name")));
        assertThat(both.exit()).isEqualTo(2);

        CliRun missingStep = flow(command("get", model("lr_0", "--step-index", "3")));
        assertThat(missingStep.exit()).isEqualTo(1);
        assertThat(missingStep.retcode()).isEqualTo(404);
        assertThat(missingStep.out().get("retmsg").asText()).contains("step_index 3");
        CliRun unknownComponent = flow(command("list", model("lr_7")));
        assertThat(unknownComponent.retcode()).isEqualTo(404);
        assertThat(unknownComponent.out().get("retmsg").asText()).contains("lr_7");

        CliRun missingFlag = flow("checkpoint", "list", "-r", "local", "-p", "0", "-mv", jobId, "-cpn", "lr_0");
        assertThat(missingFlag.exit()).isEqualTo(2);
        assertThat(missingFlag.err()).contains("--model-id");
    }
}
