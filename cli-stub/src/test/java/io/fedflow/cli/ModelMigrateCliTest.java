package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code flow model migrate -c conf} run in-process against a real node holding a local model. */
class ModelMigrateCliTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();
    private static String server;
    private static String jobId;

    @BeforeAll
    static void trainALocalModel() {
        server = "127.0.0.1:" + node.httpPort();
        jobId = LocalJobs.trainBreast(node.http());
    }

    private static Path conf(String json) throws IOException {
        Path conf = Files.createTempFile("migrate", ".json");
        Files.writeString(conf, json);
        return conf;
    }

    @Test
    void migratesTheModelFromFatesConfFile() throws IOException {
        Path conf = conf("""
                {"migrate_initiator": {"role": "local", "party_id": 1}, "role": {"local": [0]},
                 "migrate_role": {"local": [1]}, "model_id": "local-0#model", "model_version": "%s",
                 "execute_party": {"local": [0]}, "job_parameters": {"federated_mode": "SINGLE"},
                 "unify_model_version": "cli_migrated"}""".formatted(jobId));
        CliRun run = CliRun.flow(server, "model", "migrate", "-c", conf.toString());
        assertThat(run.exit()).as(run.out() + " " + run.err()).isZero();
        assertThat(run.out().at("/data/local/0").asInt()).isZero();
        assertThat(run.out().at("/data/detail/local/0/retmsg").asText()).contains("local-1#model", "cli_migrated");
        JsonNode row = node.http().post("/v1/model/query", Map.of("model_id", "local-1#model",
                "model_version", "cli_migrated")).at("/data/0");
        assertThat(row.get("f_party_id").asText()).isEqualTo("1");
        assertThat(row.at("/f_parent_info/parent_version").asText()).isEqualTo(jobId);
    }

    @Test
    void aConfWithoutAModelVersionIsRefusedByName() throws IOException {
        Path conf = conf("""
                {"migrate_initiator": {"role": "local", "party_id": 1}, "role": {"local": [0]},
                 "migrate_role": {"local": [1]}, "model_id": "local-0#model",
                 "execute_party": {"local": [0]}, "job_parameters": {}}""");
        CliRun run = CliRun.flow(server, "model", "migrate", "-c", conf.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.retcode()).isEqualTo(101);
        assertThat(run.out().get("retmsg").asText()).contains("model_version");
    }
}
