package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedflow.node.testing.NodeExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code flow job|task|component|resource|queue} run in-process against a real node running a real job. */
class JobCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();
    private static String server;
    private static String jobId;
    private static String watchErr;
    private static JsonNode watched;

    @TempDir
    static Path dir;

    private static CliRun flow(String... args) {
        return CliRun.flow(server, args);
    }

    @BeforeAll
    static void submitAndWatch() throws IOException {
        server = "127.0.0.1:" + node.httpPort();

        Random rnd = new Random(3);
        StringBuilder csv = new StringBuilder("id,y,x0,x1\n");
        for (int i = 0; i < 60; i++) {
            double x0 = rnd.nextGaussian();
            double x1 = rnd.nextGaussian();
            csv.append(String.format(Locale.ROOT, "%d,%d,%.4f,%.4f%n", i, x0 - x1 > 0 ? 1 : 0, x0, x1));
        }
        Files.writeString(dir.resolve("cli_job.csv"), csv);
        Files.writeString(dir.resolve("upload.json"), """
                {"file": "cli_job.csv", "id_delimiter": ",", "head": 1, "partition": 1,
                 "namespace": "cli", "table_name": "job_input"}""");
        CliRun up = flow("data", "upload", "-c", dir.resolve("upload.json").toString(), "--drop");
        assertThat(up.retcode()).as(up.out().toString()).isZero();

        Files.writeString(dir.resolve("dsl.json"), """
                {"components": {
                  "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
                  "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                       "output": {"data": ["data"], "model": ["model"]}},
                  "lr_0": {"module": "LR", "input": {"data": {"train_data": ["data_transform_0.data"]}},
                           "output": {"data": ["data"], "model": ["model"]}}}}""");
        Files.writeString(dir.resolve("conf.json"), """
                {"dsl_version": "2", "initiator": {"role": "local", "party_id": 0}, "role": {"local": [0]},
                 "job_parameters": {"common": {"task_cores": 1}},
                 "component_parameters": {
                   "common": {"lr_0": {"max_iter": 3}},
                   "role": {"local": {"0": {"reader_0": {"table": {"name": "job_input", "namespace": "cli"}},
                                            "data_transform_0": {"with_label": true, "label_name": "y"}}}}}}""");
        CliRun submit = flow("job", "submit", "-c", dir.resolve("conf.json").toString(), "-d",
                dir.resolve("dsl.json").toString());
        assertThat(submit.retcode()).as(submit.out().toString()).isZero();
        jobId = submit.out().path("jobId").asText();
        assertThat(submit.out().at("/data/model_info/model_version").asText()).isEqualTo(jobId);

        CliRun watch = flow("job", "query", "-j", jobId, "--watch");
        assertThat(watch.exit()).as(watch.out().toString()).isZero();
        watched = watch.out();
        watchErr = watch.err();
    }

    @Test
    void queryWatchPollsUntilTheJobEnds() {
        assertThat(watched.at("/data/0/f_status").asText()).isEqualTo("success");
        assertThat(watched.at("/data/0/f_progress").asInt()).isEqualTo(100);
        assertThat(watched.at("/data/0").has("f_dsl")).as("the CLI leaves the DSL out").isFalse();
        List<String> lines = watchErr.lines().toList();
        assertThat(lines).isNotEmpty();
        assertThat(lines.get(lines.size() - 1)).isEqualTo(jobId + " success 100%");
    }

    @Test
    void componentCommandsShowMetricsModelParametersAndList() {
        CliRun all = flow("component", "metric-all", "-j", jobId, "-r", "local", "-p", "0", "-cpn", "lr_0");
        assertThat(all.exit()).as(all.out().toString()).isZero();
        assertThat(all.out().at("/data/train/loss/meta/metric_type").asText()).isEqualTo("LOSS");
        assertThat(all.out().at("/data/train/loss/data")).hasSize(3);

        CliRun names = flow("tracking", "metrics", "-j", jobId, "-cpn", "lr_0");
        assertThat(names.out().at("/data/train/0").asText()).isEqualTo("loss");

        CliRun model = flow("component", "output-model", "-j", jobId, "-cpn", "lr_0");
        assertThat(model.out().at("/data/weight").has("x0")).as(model.out().toString()).isTrue();
        assertThat(model.out().at("/meta/module_name").asText()).isEqualTo("LR");

        CliRun params = flow("component", "parameters", "-j", jobId, "-cpn", "lr_0");
        assertThat(params.out().at("/data/ComponentParam/max_iter").asInt()).isEqualTo(3);

        CliRun list = flow("component", "list", "-j", jobId);
        assertThat(list.out().at("/data/components").toString())
                .isEqualTo("[\"reader_0\",\"data_transform_0\",\"lr_0\"]");

        CliRun summary = flow("component", "summary", "-j", jobId, "-cpn", "reader_0");
        assertThat(summary.out().at("/data/count").asInt()).isEqualTo(60);

        CliRun tables = flow("component", "output-data-table", "-j", jobId, "-cpn", "data_transform_0");
        assertThat(tables.out().at("/data/0/data_name").asText()).isEqualTo("data");

        CliRun missing = flow("component", "parameters", "-j", jobId, "-cpn", "nope");
        assertThat(missing.retcode()).isEqualTo(101);
        assertThat(missing.exit()).isEqualTo(1);
    }

    @Test
    void outputDataIsDownloadedAndExtracted() throws IOException {
        CliRun r = flow("component", "output-data", "-j", jobId, "-r", "local", "-p", "0", "-cpn", "data_transform_0",
                "-o", dir.resolve("out").toString(), "-l", "5");
        assertThat(r.exit()).as(r.out().toString()).isZero();
        Path extracted = dir.resolve("out").resolve("job_" + jobId + "_data_transform_0_local_0_output_data");
        assertThat(r.out().path("directory").asText()).isEqualTo(extracted.toString());
        assertThat(Files.readAllLines(extracted.resolve("data.csv"))).hasSize(6).first().isEqualTo("id,y,x0,x1");
        assertThat(JSON.readTree(extracted.resolve("data.meta").toFile()).path("header")).hasSize(4);
        try (Stream<Path> left = Files.list(dir.resolve("out"))) {
            assertThat(left).as("the archive is removed after extraction").containsExactly(extracted);
        }

        CliRun none = flow("component", "output-data", "-j", jobId, "-r", "local", "-p", "0", "-cpn", "nope",
                "-o", dir.resolve("out2").toString());
        assertThat(none.retcode()).isEqualTo(100);
    }

    @Test
    void jobLogConfigAndTasks() throws IOException {
        CliRun log = flow("job", "log", "-j", jobId, "-o", dir.toString());
        assertThat(log.exit()).as(log.out().toString()).isZero();
        Path logs = dir.resolve("job_" + jobId + "_log");
        assertThat(log.out().path("directory").asText()).isEqualTo(logs.toString());
        assertThat(Files.readString(logs.resolve(jobId).resolve("fate_flow_schedule.log"))).contains("job success");

        CliRun config = flow("job", "config", "-j", jobId, "-r", "local", "-p", "0", "-o", dir.toString());
        assertThat(config.exit()).as(config.out().toString()).isZero();
        Path conf = dir.resolve("job_" + jobId + "_config");
        assertThat(JSON.readTree(conf.resolve("dsl.json").toFile()).at("/components/lr_0/module").asText())
                .isEqualTo("LR");
        assertThat(JSON.readTree(conf.resolve("runtime_conf.json").toFile()).at("/initiator/role").asText())
                .isEqualTo("local");
        assertThat(config.out().path("data").has("dsl")).isFalse();

        CliRun view = flow("job", "view", "-j", jobId);
        assertThat(view.out().at("/data/dataset/local/0/reader_0").asText()).isEqualTo("cli.job_input");

        CliRun tasks = flow("task", "query", "-j", jobId, "-cpn", "lr_0");
        assertThat(tasks.out().at("/data/0/f_status").asText()).isEqualTo("success");
        CliRun list = flow("task", "list", "-j", jobId, "-l", "2");
        assertThat(list.out().at("/data/tasks")).hasSize(2);

        CliRun jobs = flow("job", "list", "-l", "1");
        assertThat(jobs.out().at("/data/jobs")).hasSize(1);

        CliRun unknown = flow("job", "log", "-j", "20200101000000000000", "-o", dir.toString());
        assertThat(unknown.retcode()).isEqualTo(101);
        assertThat(dir.resolve("job_20200101000000000000_log")).doesNotExist();
    }

    @Test
    void parameterUpdateChangesTheEndedJobsConf() throws IOException {
        // FATE's CLI sends the conf's keys with the job id beside them
        Files.writeString(dir.resolve("update.json"), """
                {"job_parameters": {"common": {"auto_retries": 2}},
                 "component_parameters": {"common": {"lr_0": {"alpha": 0.02}}}}""");
        CliRun update = flow("job", "parameter-update", "-j", jobId, "-c", dir.resolve("update.json").toString());
        assertThat(update.exit()).as(update.out().toString()).isZero();
        assertThat(update.out().at("/data/component_parameters/common/lr_0/alpha").asDouble()).isEqualTo(0.02);
        assertThat(update.out().at("/data/component_parameters/common/lr_0/max_iter").asInt()).isEqualTo(3);
        CliRun config = flow("job", "config", "-j", jobId, "-r", "local", "-p", "0", "-o",
                dir.resolve("updated").toString());
        JsonNode conf = JSON.readTree(dir.resolve("updated").resolve("job_" + jobId + "_config")
                .resolve("runtime_conf.json").toFile());
        assertThat(config.exit()).isZero();
        assertThat(conf.at("/component_parameters/common/lr_0/alpha").asDouble()).isEqualTo(0.02);
        assertThat(conf.at("/job_parameters/common/auto_retries").asInt()).isEqualTo(2);

        CliRun unknown = flow("job", "parameter-update", "-j", "20200101000000000000", "-c",
                dir.resolve("update.json").toString());
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.retcode()).isEqualTo(101);
        assertThat(unknown.out().path("retmsg").asText()).contains("20200101000000000000");
        CliRun noConf = flow("job", "parameter-update", "-j", jobId, "-c", dir.resolve("none.json").toString());
        assertThat(noConf.retcode()).isEqualTo(101);
        assertThat(noConf.out().path("retmsg").asText()).contains("none.json");
    }

    @Test
    void queryOfAWaitingJobSaysWhatItWaitsFor() throws IOException {
        // a job holding every core of the node, long enough for the second one to wait behind it
        Files.writeString(dir.resolve("holder.json"), Files.readString(dir.resolve("conf.json"))
                .replace("\"task_cores\": 1", "\"task_cores\": " + node.config().cores())
                .replace("\"max_iter\": 3", "\"max_iter\": 1000000, \"tol\": 0.0, \"batch_size\": 10"));
        CliRun holder = flow("job", "submit", "-c", dir.resolve("holder.json").toString(), "-d",
                dir.resolve("dsl.json").toString());
        assertThat(holder.retcode()).as(holder.out().toString()).isZero();
        String holderId = holder.out().path("jobId").asText();
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode row = flow("job", "query", "-j", holderId).out().at("/data/0");
            assertThat(row.path("f_status").asText()).as(row.toString()).isEqualTo("running");
        });
        CliRun second = flow("job", "submit", "-c", dir.resolve("conf.json").toString(), "-d",
                dir.resolve("dsl.json").toString());
        String secondId = second.out().path("jobId").asText();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                CliRun query = flow("job", "query", "-j", secondId);
                assertThat(query.out().at("/data/0/f_status").asText())
                        .as(query.out() + "\n" + flow("job", "query", "-j", holderId).out()).isEqualTo("waiting");
                assertThat(query.out().at("/data/0/f_waiting_for").asText()).as(query.out().toString())
                        .contains("cores");
            });
        } finally {
            flow("job", "stop", "-j", holderId);
            flow("job", "stop", "-j", secondId);
        }
    }

    @Test
    void dslResourcesQueueAndRerun() throws IOException {
        CliRun dsl = flow("job", "dsl", "--train-dsl", dir.resolve("dsl.json").toString(), "--cpn-list",
                "reader_0,data_transform_0,lr_0");
        assertThat(dsl.exit()).as(dsl.out().toString()).isZero();
        assertThat(dsl.out().at("/data/components/lr_0/input/model/0").asText()).isEqualTo("pipeline.lr_0.model");

        CliRun resources = flow("resource", "query");
        assertThat(resources.exit()).as(resources.out().toString()).isZero();
        CliRun queue = flow("queue", "clean");
        assertThat(queue.exit()).as(queue.out().toString()).isZero();

        CliRun nothing = flow("job", "rerun", "-j", jobId, "-cpn", "lr_0");
        assertThat(nothing.retcode()).as("every chosen component succeeded").isEqualTo(103);
        CliRun stop = flow("job", "stop", "-j", jobId);
        assertThat(stop.retcode()).as("the job already ended").isEqualTo(103);
    }
}
