package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.testing.NodeExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code flow server versions|reload} and {@code flow provider ...} run in-process against a real node. */
class ProviderCliTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static CliRun flow(String... args) {
        return CliRun.flow("127.0.0.1:" + node.httpPort(), args);
    }

    @Test
    void serverVersionsAndReload() {
        assertThat(CliRun.ok(flow("server", "versions")).out().at("/data/FATE").asText()).isEqualTo("1.11.2");
        CliRun.ok(flow("server", "reload"));
    }

    @Test
    void providerListAndComponents() {
        assertThat(CliRun.ok(flow("provider", "list")).out().at("/data/fate/default/version").asText()).isEqualTo("1.11.2");
        assertThat(CliRun.ok(flow("provider", "list", "-n", "fate")).out().at("/data/1.11.2/components/lr/module").asText())
                .isEqualTo("LR");
        assertThat(CliRun.ok(flow("provider", "list-components")).out().at("/data/intersection/roles").toString())
                .contains("guest", "host");
        CliRun unknown = flow("provider", "list", "-n", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.retcode()).isEqualTo(100);
    }

    @Test
    void providerRegisterIsRefused(@TempDir Path dir) throws IOException {
        Path conf = Files.writeString(dir.resolve("provider.json"),
                "{\"name\": \"fate\", \"version\": \"1.11.3\", \"path\": \"/data/projects/fate/python\"}");
        CliRun refused = flow("provider", "register", "-c", conf.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.retcode()).isEqualTo(103);
        assertThat(refused.out().get("retmsg").asText()).contains("built into the node");
    }
}
