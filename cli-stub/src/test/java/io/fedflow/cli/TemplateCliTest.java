package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.testing.NodeExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code flow template download} in-process against a real node. */
class TemplateCliTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    @TempDir
    Path dir;

    private static CliRun flow(String... args) {
        return CliRun.flow("127.0.0.1:" + node.httpPort(), args);
    }

    @Test
    void downloadExtractsTheExamplesIntoTheOutputPath() throws Exception {
        Path out = dir.resolve("templates");
        CliRun run = flow("template", "download", "-o", out.toString());
        assertThat(run.retcode()).as(run.toString()).isZero();
        assertThat(run.out().path("directory").asText()).isEqualTo(out.toString());
        assertThat(Files.readString(out.resolve("examples/local_job_dsl.json")))
                .isEqualTo(Files.readString(Path.of("../examples/local_job_dsl.json")));
        assertThat(out.resolve("examples/data/breast_partial_guest.csv")).exists();
        // nothing left beside it: the archive is removed once extracted
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("templates");
        }
    }

    @Test
    void minDataKeepsTheBreastPair() throws Exception {
        Path out = dir.resolve("min");
        assertThat(flow("template", "download", "--min-data", "1", "-o", out.toString()).retcode()).isZero();
        try (var s = Files.list(out.resolve("examples/data"))) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("breast_hetero_guest.csv", "breast_hetero_host.csv");
        }
    }

    @Test
    void outputPathIsRequired() {
        assertThat(FlowCli.commandLine().execute("template", "download")).isNotZero();
    }
}
