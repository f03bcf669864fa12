package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code flow model load|bind|infer} in-process against two real sites with a trained HeteroLR model. */
class ServingCliTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();
    static final TestNode guest = sites.site("9999");
    static String server;
    static String jobId;

    @BeforeAll
    static void train() {
        server = "127.0.0.1:" + guest.node().httpPort();
        JsonNode r = Jobs.submit(guest.http(), Jobs.HETERO_LR_DSL, Jobs.heteroLrConf(3, ""));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        jobId = r.get("jobId").asText();
        assertThat(FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofMinutes(5), FederatedSites.END))
                .isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(sites.http("10000"), jobId, Duration.ofSeconds(30),
                FederatedSites.END)).isEqualTo("success");
    }

    private static CliRun flow(String... args) {
        return CliRun.flow(server, args);
    }

    @Test
    void loadByJobIdBindThenInferOneRowAndACsv() throws Exception {
        CliRun load = flow("model", "load", "-j", jobId);
        assertThat(load.exit()).as(load.out().toString()).isZero();
        assertThat(load.out().at("/data/host/10000").asInt()).isZero();
        String modelId = guest.http().post("/v1/job/query", Map.of("job_id", jobId))
                .at("/data/0/f_runtime_conf_on_party/job_parameters/common/model_id").asText();
        Path conf = Files.createTempFile("bind", ".json");
        Files.writeString(conf, """
                {"service_id": "cli-breast", "initiator": {"role": "guest", "party_id": 9999},
                 "role": {"guest": [9999], "host": [10000], "arbiter": [10000]},
                 "job_parameters": {"model_id": "%s", "model_version": "%s"}}""".formatted(modelId, jobId));
        CliRun bind = flow("model", "bind", "-c", conf.toString());
        assertThat(bind.exit()).as(bind.out().toString()).isZero();
        assertThat(bind.out().get("retmsg").asText()).isEqualTo("service id is cli-breast");

        List<String> lines = Files.readAllLines(Path.of("../examples/data/breast_hetero_guest.csv"));
        String[] names = lines.get(0).split(",");
        String[] row = lines.get(1).split(",");
        StringBuilder features = new StringBuilder("{");
        for (int j = 2; j < names.length; j++) {
            features.append(j > 2 ? ", " : "").append('"').append(names[j]).append("\": ").append(row[j]);
        }
        CliRun one = flow("model", "infer", "-s", "cli-breast", "--feature-data", features + "}", "--id", row[0]);
        assertThat(one.exit()).as(one.out().toString()).isZero();
        double score = one.out().at("/data/score").asDouble();
        assertThat(score).isBetween(0.0, 1.0);

        Path csv = Files.createTempFile("rows", ".csv");
        Files.write(csv, lines.subList(0, 51));
        CliRun many = flow("model", "infer", "-s", "cli-breast", "--csv", csv.toString(), "--batch-size", "20",
                "--verbose");
        assertThat(many.exit()).as(many.out().toString()).isZero();
        assertThat(many.out().at("/data/count").asInt()).isEqualTo(50);
        assertThat(many.out().at("/data/results/0/score").asDouble()).isEqualTo(score);
        assertThat(many.err()).contains("SCORING");

        CliRun unknown = flow("model", "infer", "-s", "nobody", "--feature-data", features + "}", "--id", row[0]);
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.retcode()).isEqualTo(1104);
        CliRun neither = flow("model", "load");
        assertThat(neither.retcode()).isEqualTo(101);
    }
}
