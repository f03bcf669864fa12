package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code flow model export|import} (and their --to-database, --from-database) in-process against a real node. */
class ModelArchiveCliTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();
    private static String server;
    private static String version;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainAModel() {
        server = "127.0.0.1:" + node.httpPort();
        version = LocalJobs.trainBreast(node.http());
    }

    @Test
    void exportWritesTheArchiveAndImportTakesItBack() throws IOException {
        Path conf = conf("\"force_update\": 0");
        CliRun exported = CliRun.ok(CliRun.flow(server, "model", "export", "-c", conf.toString(), "-o",
                dir.resolve("out").toString()));
        Path file = Path.of(exported.out().at("/data/file").asText());
        assertThat(file.getFileName().toString()).isEqualTo("local#0#" + LocalJobs.MODEL_ID + "_" + version + ".zip");
        assertThat(Files.size(file)).isPositive();

        Path importConf = conf("\"file\": \"out/" + file.getFileName() + "\", \"force_update\": 0");
        CliRun exists = CliRun.flow(server, "model", "import", "-c", importConf.toString());
        assertThat(exists.exit()).isEqualTo(1);
        assertThat(exists.out().get("retmsg").asText()).contains("already exists");
        Path forced = conf("\"file\": \"out/" + file.getFileName() + "\", \"force_update\": 1");
        CliRun.ok(CliRun.flow(server, "model", "import", "-c", forced.toString()));
    }

    @Test
    void toDatabaseStoresAndFromDatabaseRestores() throws IOException {
        CliRun.ok(CliRun.flow(server, "model", "export", "-c", conf("\"force_update\": true").toString(),
                "--to-database"));
        CliRun again = CliRun.flow(server, "model", "export", "-c", conf("\"force_update\": false").toString(),
                "--to-database");
        assertThat(again.retcode()).isEqualTo(100);
        CliRun.ok(CliRun.flow(server, "model", "import", "-c", conf("\"force_update\": true").toString(),
                "--from-database"));
    }

    @Test
    void refusals() throws IOException {
        CliRun noOutput = CliRun.flow(server, "model", "export", "-c", conf("\"force_update\": 0").toString());
        assertThat(noOutput.retcode()).isEqualTo(101);
        assertThat(noOutput.out().get("retmsg").asText()).contains("output_path");
        Path unknown = dir.resolve("unknown.json");
        Files.writeString(unknown, "{\"role\": \"local\", \"party_id\": 0, \"model_id\": \"" + LocalJobs.MODEL_ID
                + "\", \"model_version\": \"202612040000000000005\"}");
        CliRun missing = CliRun.flow(server, "model", "export", "-c", unknown.toString(), "-o", dir.toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.out().get("retmsg").asText()).contains("202612040000000000005", "does not exist");
    }

    private Path conf(String extra) throws IOException {
        Path conf = Files.createTempFile(dir, "model", ".json");
        Files.writeString(conf, "{\"role\": \"local\", \"party_id\": 0, \"model_id\": \"" + LocalJobs.MODEL_ID
                + "\", \"model_version\": \"" + version + "\", " + extra + "}");
        return conf;
    }

}
