package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.testing.MariaDbExtension;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.Uploads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code flow table connector-create|connector-query|add} and {@code flow data writer} against a node and MariaDB. */
class MysqlCliTest {
    @RegisterExtension
    static final MariaDbExtension mariadb = new MariaDbExtension();
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    @TempDir
    Path dir;

    private static CliRun flow(String... args) {
        return CliRun.flow("127.0.0.1:" + node.httpPort(), args);
    }

    private Path conf(String name, String json) throws Exception {
        return Files.writeString(dir.resolve(name), json);
    }

    @Test
    void connectorAddAndWriterAsFatesCli() throws Exception {
        mariadb.createDatabase("cli_db", "cli", "cli-Pa55");
        mariadb.execute("CREATE TABLE cli_db.src (id VARCHAR(10) PRIMARY KEY, x0 DOUBLE)",
                "INSERT INTO cli_db.src VALUES ('a', 1.5), ('b', 2.5)");

        CliRun created = flow("table", "connector-create", "-c", conf("connector.json", "{\"connector_name\": "
                + "\"cli_conn\", \"engine\": \"MYSQL\", \"connector_info\": {\"user\": \"cli\", \"passwd\": "
                + "\"cli-Pa55\", \"host\": \"127.0.0.1\", \"port\": " + mariadb.port() + ", \"db\": \"cli_db\"}}")
                .toString());
        assertThat(created.retcode()).as(created.toString()).isZero();
        CliRun queried = flow("table", "connector-query", "--connector-name", "cli_conn");
        assertThat(queried.retcode()).isZero();
        assertThat(queried.out().at("/data/passwd").asText()).isEqualTo("******");
        assertThat(queried.out().at("/data/db").asText()).isEqualTo("cli_db");
        CliRun unknown = flow("table", "connector-query", "--connector-name", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.retcode()).isEqualTo(101);

        CliRun added = flow("table", "add", "-c", conf("add.json", "{\"engine\": \"MYSQL\", \"namespace\": "
                + "\"cli_mysql\", \"name\": \"src\", \"head\": 1, \"id_delimiter\": \",\", \"id_name\": \"id\", "
                + "\"address\": {\"connector_name\": \"cli_conn\", \"name\": \"src\"}}").toString());
        assertThat(added.retcode()).as(added.toString()).isZero();
        assertThat(flow("table", "info", "-t", "src", "-n", "cli_mysql").out().at("/data/count").asInt())
                .isEqualTo(2);

        Uploads.csv(node.http(), "cli_up", "t", "id,x0\nk,7\nl,8\n");
        CliRun written = flow("data", "writer", "-c", conf("writer.json", "{\"namespace\": \"cli_up\", "
                + "\"table_name\": \"t\", \"storage_engine\": \"MYSQL\", \"address\": {\"connector_name\": "
                + "\"cli_conn\", \"name\": \"written\"}, \"output_namespace\": \"cli_out\", \"output_name\": "
                + "\"written\"}").toString());
        assertThat(written.retcode()).as(written.toString()).isZero();
        assertThat(written.out().path("jobId").asText()).isNotEmpty();
        try (Connection c = mariadb.root(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM cli_db.written")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }

        CliRun refused = flow("data", "writer", "-c", conf("bad.json", "{\"namespace\": \"cli_up\", "
                + "\"table_name\": \"t\", \"address\": {\"connector_name\": \"cli_conn\"}}").toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.retcode()).isEqualTo(101);
        assertThat(refused.out().path("retmsg").asText()).contains("storage_engine");
    }
}
