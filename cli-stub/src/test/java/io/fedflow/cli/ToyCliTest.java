package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.SitesExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flow test toy} in-process against two real sites (guest 9999, host 10000 with the breast halves). */
class ToyCliTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();

    @TempDir
    Path dir;

    /** Exit code and stdout: toy prints FATE's status lines, not one envelope. */
    private record Run(int exit, String out) {}

    private static Run toy(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = FlowCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        List<String> all = new ArrayList<>(List.of("--server",
                "127.0.0.1:" + sites.site("9999").node().httpPort(), "test", "toy"));
        all.addAll(List.of(args));
        return new Run(cli.execute(all.toArray(String[]::new)), out.toString());
    }

    @Test
    void theToyJobRunsAtBothSitesAndItsLogsAreDownloaded() throws Exception {
        Run run = toy("-gid", "9999", "-hid", "10000", "--timeout", "120", "--task-cores", "1",
                "-o", dir.toString());
        assertThat(run.exit()).as(run.out()).isZero();
        String jobId = run.out().lines().filter(l -> l.startsWith("toy test job ")).findFirst().orElseThrow()
                .split(" ")[3];
        assertThat(run.out()).contains("toy test job " + jobId + " is success",
                "guest 9999 and host 10000 ran Reader, DataTransform and Intersection together");
        assertThat(FederatedSites.awaitStatus(sites.http("10000"), jobId, Duration.ofSeconds(30),
                FederatedSites.END)).isEqualTo("success");
        Path logs = dir.resolve("job_" + jobId + "_log");
        assertThat(run.out()).contains("job logs: " + logs);
        try (var files = Files.walk(logs)) {
            assertThat(files.filter(Files::isRegularFile)).isNotEmpty();
        }
        // the intersection ran at the guest: its output is a table of the guest's site
        var out = sites.http("9999").post("/v1/tracking/component/output/data/table", Map.of("job_id", jobId,
                "role", "guest", "party_id", "9999", "component_name", "intersection_0"));
        assertThat(out.get("retcode").asInt()).as(out.toString()).isZero();
    }

    @Test
    void aHostThatIsNotAPeerIsRefusedAtSubmitWithTheEnvelope() throws Exception {
        Run run = toy("-gid", "9999", "-hid", "55555", "--timeout", "5", "-o", dir.toString());
        assertThat(run.exit()).isEqualTo(1);
        var envelope = new ObjectMapper().readTree(run.out());
        assertThat(envelope.get("retcode").asInt()).isNotZero();
        assertThat(envelope.get("retmsg").asText()).contains("55555");
    }

    @Test
    void guestAndHostAreRequired() {
        assertThat(toy("-gid", "9999").exit()).isNotZero();
    }
}
