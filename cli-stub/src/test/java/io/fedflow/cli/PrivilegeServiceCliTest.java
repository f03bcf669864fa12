package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.testing.NodeExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code flow privilege ...} (FATE 1.9+'s grant confs) and {@code flow service ...} in-process against a real node. */
class PrivilegeServiceCliTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    @TempDir
    Path dir;

    private static CliRun flow(String... args) {
        return CliRun.flow("127.0.0.1:" + node.httpPort(), args);
    }

    private Path conf(String name, String json) throws IOException {
        return Files.writeString(dir.resolve(name), json);
    }

    @Test
    void grantQueryAndDeleteAsFatesCli() throws IOException {
        // FATE's examples/permission/grant.json: the party as a number, components as a comma string
        Path grant = conf("grant.json", "{\"party_id\": 10000, \"component\": \"reader,dataio\", "
                + "\"dataset\": [{\"namespace\": \"experiment\", \"name\": \"breast_hetero_host\"}]}");
        CliRun.ok(flow("privilege", "grant", "-c", grant.toString()));

        CliRun granted = CliRun.ok(flow("privilege", "query", "-p", "10000"));
        assertThat(granted.out().at("/data/component").toString()).contains("reader", "dataio");
        assertThat(granted.out().at("/data/dataset/0/namespace").asText()).isEqualTo("experiment");
        assertThat(granted.out().at("/data/dataset/0/name").asText()).isEqualTo("breast_hetero_host");

        CliRun.ok(flow("privilege", "delete", "-c", conf("delete.json",
                "{\"party_id\": \"10000\", \"component\": \"reader\"}").toString()));
        CliRun left = CliRun.ok(flow("privilege", "query", "-p", "10000"));
        assertThat(left.out().at("/data/component").toString()).doesNotContain("reader").contains("dataio");
        assertThat(left.out().at("/data/dataset/0/name").asText()).isEqualTo("breast_hetero_host");
    }

    @Test
    void privilegeRefusals() throws IOException {
        CliRun unknownComponent = flow("privilege", "grant", "-c",
                conf("magic.json", "{\"party_id\": 10000, \"component\": \"magic\"}").toString());
        assertThat(unknownComponent.exit()).isEqualTo(1);
        assertThat(unknownComponent.retcode()).isEqualTo(100);
        assertThat(unknownComponent.out().path("retmsg").asText()).contains("magic");

        CliRun noParty = flow("privilege", "grant", "-c", conf("noparty.json", "{\"component\": \"reader\"}")
                .toString());
        assertThat(noParty.retcode()).isEqualTo(100);
        assertThat(noParty.out().path("retmsg").asText()).contains("party_id");

        CliRun missingConf = flow("privilege", "grant", "-c", dir.resolve("absent.json").toString());
        assertThat(missingConf.retcode()).isEqualTo(101);
        assertThat(missingConf.out().path("retmsg").asText()).contains("absent.json");

        assertThat(CliRun.text("--server", "127.0.0.1:" + node.httpPort(), "privilege", "query").exit())
                .as("-p is required").isEqualTo(2);
    }

    @Test
    void serviceRegistryShowsAndRegistersAndQueryFindsTheServices() throws IOException {
        // FATE's batch form: servers with the services they offer
        Path batch = conf("registry.json", "{\"DATA_API\": {\"host\": \"127.0.0.1\", \"port\": 8080, "
                + "\"api\": {\"upload\": {\"uri\": \"/v1/upload\", \"method\": \"POST\"}, "
                + "\"query\": {\"uri\": \"/v1/query\"}}}}");
        CliRun registered = CliRun.ok(flow("service", "registry", "-c", batch.toString()));
        assertThat(registered.out().at("/data/DATA_API/host").asText()).isEqualTo("127.0.0.1");

        // FATE's `flow service registry`: the registered servers
        CliRun shown = CliRun.ok(flow("service", "registry"));
        assertThat(shown.out().at("/data/DATA_API/port").asInt()).isEqualTo(8080);

        // one service on a registered server
        CliRun.ok(flow("service", "registry", "-c", conf("one.json", "{\"server_name\": \"DATA_API\", "
                + "\"service_name\": \"download\", \"uri\": \"/v1/download\", \"method\": \"GET\"}").toString()));
        CliRun upload = CliRun.ok(flow("service", "query", "-n", "upload"));
        assertThat(upload.out().at("/data/service_info/0/f_url").asText()).contains("127.0.0.1:8080/v1/upload");
        CliRun download = CliRun.ok(flow("service", "query", "-n", "download", "-s", "DATA_API"));
        assertThat(download.out().at("/data/service_info/0/f_method").asText()).isEqualTo("GET");
        assertThat(CliRun.ok(flow("service", "query", "-n", "permission")).out().at("/data/service_info")).isEmpty();
    }

    @Test
    void serviceRefusals() throws IOException {
        CliRun noServer = flow("service", "registry", "-c", conf("orphan.json", "{\"server_name\": \"NOPE\", "
                + "\"service_name\": \"upload\", \"uri\": \"/u\"}").toString());
        assertThat(noServer.exit()).isEqualTo(1);
        assertThat(noServer.retcode()).isEqualTo(101);
        assertThat(noServer.out().path("retmsg").asText()).contains("NOPE", "not registered");

        CliRun badHost = flow("service", "registry", "-c", conf("badhost.json",
                "{\"S\": {\"host\": \"not a host\", \"port\": 1, \"api\": {}}}").toString());
        assertThat(badHost.retcode()).isEqualTo(101);
        assertThat(badHost.out().path("retmsg").asText()).contains("not a host");

        assertThat(CliRun.text("--server", "127.0.0.1:" + node.httpPort(), "service", "query").exit())
                .as("-n is required").isEqualTo(2);
    }
}
