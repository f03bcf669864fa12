package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.store.EmbeddedPostgresSetup;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.TestNodes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Table bind is no window into the node's own database: PostgreSQL's catalogs and the node's bookkeeping
 * cannot be bound, nor can the embedded database be reached by its port, and failed connections all read
 * the same so binds cannot tell open, closed and silent ports apart.
 */
class TableBindSecurityTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().ownEmbeddedDatabase()
            .configure(b -> b.limits(Limits.builder().bindConnectTimeout(Duration.ofSeconds(1)).build())).build();
    static Path dir;
    static int ownPort;

    @BeforeAll
    static void start() throws Exception {
        dir = node.dataDir();
        ownPort = node.node().database().embeddedPort().orElseThrow();
        // The operator's own table in the node's database, made as the superuser and shared with the node.
        Properties p = new Properties();
        p.setProperty("user", EmbeddedPostgresSetup.SUPERUSER);
        p.setProperty("password", Files.readString(EmbeddedPostgresSetup.privateDir(dir.resolve("pg"))
                .resolve("superuser.password")).strip());
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + ownPort + "/postgres", p);
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA warehouse");
            s.execute("CREATE TABLE warehouse.people (pid TEXT, age INT)");
            s.execute("INSERT INTO warehouse.people VALUES ('p1', 30), ('p2', 41)");
            s.execute("GRANT USAGE ON SCHEMA warehouse TO " + EmbeddedPostgresSetup.NODE_ROLE);
            s.execute("GRANT SELECT ON warehouse.people TO " + EmbeddedPostgresSetup.NODE_ROLE);
        }
    }

    static JsonNode bind(String name, String address) {
        return node.http().post("/v1/table/bind", "{\"engine\": \"POSTGRES\", \"namespace\": \"sec\", \"name\": \"" + name
                + "\", \"address\": " + address + ", \"head\": 1}");
    }

    static void assertRefused(String name, String address, String field) {
        JsonNode r = bind(name, address);
        assertThat(r.get("retcode").asInt()).as(address + " -> " + r).isEqualTo(101);
        assertThat(r.get("retmsg").asText()).as(address).contains(field);
        assertThat(node.http().post("/v1/table/table_info", Map.of("namespace", "sec", "table_name", name))
                .at("/data/exist").asInt()).as(address).isZero();
    }

    @Test
    void catalogsAndTheNodesOwnSchemasCannotBeBound() {
        assertRefused("authid", "{\"schema\": \"pg_catalog\", \"name\": \"pg_authid\"}", "address.schema");
        assertRefused("shadow", "{\"schema\": \"pg_catalog\", \"name\": \"pg_shadow\"}", "address.schema");
        assertRefused("settings", "{\"schema\": \"pg_catalog\", \"name\": \"pg_settings\"}", "address.schema");
        assertRefused("settings2", "{\"schema\": \"PG_CATALOG\", \"name\": \"pg_settings\"}", "address.schema");
        assertRefused("toast", "{\"schema\": \"pg_toast\", \"name\": \"pg_toast_1260\"}", "address.schema");
        assertRefused("info", "{\"schema\": \"information_schema\", \"name\": \"tables\"}", "address.schema");
        assertRefused("meta", "{\"schema\": \"public\", \"name\": \"t_storage_table_meta\"}", "address.schema");
        assertRefused("rows", "{\"schema\": \"fedflow_data\", \"name\": \"anything\"}", "address.schema");
        // without a schema the name would be looked up through search_path, catalogs first
        assertRefused("noschema", "{\"name\": \"pg_authid\"}", "address.schema");
        assertRefused("noschema2", "{\"name\": \"pg_settings\"}", "address.schema");
    }

    @Test
    void theNodesOwnDatabaseCannotBeReachedByItsPort() throws Exception {
        String superuser = Files.readString(EmbeddedPostgresSetup.privateDir(dir.resolve("pg"))
                .resolve("superuser.password")).strip();
        for (String host : new String[] {"127.0.0.1", "localhost", "127.0.0.2", "0.0.0.0", "::1", "[::1]",
                InetAddress.getLocalHost().getHostName()}) {
            assertRefused("own", "{\"host\": \"" + host + "\", \"port\": " + ownPort + ", \"user\": \"postgres\", "
                    + "\"passwd\": \"" + superuser + "\", \"schema\": \"pg_catalog\", \"name\": \"pg_authid\"}",
                    "address.host");
        }
        assertRefused("url", "{\"host\": \"127.0.0.1:" + ownPort + "/postgres?x=\", \"schema\": \"warehouse\", "
                + "\"name\": \"people\"}", "address.host");
    }

    @Test
    void failedConnectionsAllAnswerTheSame() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        // A port that accepts and never answers, as a host that drops packets would leave a bind waiting.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            JsonNode refused = bind("closed", "{\"host\": \"127.0.0.1\", \"port\": " + closedPort
                    + ", \"schema\": \"s\", \"name\": \"t\"}");
            JsonNode timedOut = bind("silent", "{\"host\": \"127.0.0.1\", \"port\": " + silent.getLocalPort()
                    + ", \"schema\": \"s\", \"name\": \"t\"}");
            JsonNode unknown = bind("unknown", "{\"host\": \"no-such-host.invalid\", \"schema\": \"s\", "
                    + "\"name\": \"t\"}");
            assertThat(refused.get("retcode").asInt()).isEqualTo(100);
            assertThat(refused.get("retmsg").asText()).isEqualTo(BindAddresses.CONNECT_FAILED);
            assertThat(timedOut.get("retcode")).isEqualTo(refused.get("retcode"));
            assertThat(timedOut.get("retmsg")).isEqualTo(refused.get("retmsg"));
            assertThat(unknown.get("retmsg")).isEqualTo(refused.get("retmsg"));
        }
    }

    @Test
    void tablesOfTheOperatorsSchemasAndOtherDatabasesStillBind() throws Exception {
        JsonNode own = bind("people", "{\"schema\": \"warehouse\", \"name\": \"people\"}");
        assertThat(own.get("retcode").asInt()).as(own.toString()).isZero();
        assertThat(node.http().post("/v1/table/table_info", Map.of("namespace", "sec", "table_name", "people"))
                .at("/data/count").asInt()).isEqualTo(2);

        EmbeddedPostgres other = TestNodes.postgres();
        try (Connection c = other.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS elsewhere");
            s.execute("CREATE TABLE IF NOT EXISTS elsewhere.things (id TEXT, v INT)");
            s.execute("INSERT INTO elsewhere.things VALUES ('a', 1)");
        }
        JsonNode remote = bind("things", "{\"host\": \"127.0.0.1\", \"port\": " + other.getPort()
                + ", \"user\": \"postgres\", \"db\": \"postgres\", \"schema\": \"elsewhere\", \"name\": \"things\"}");
        assertThat(remote.get("retcode").asInt()).as(remote.toString()).isZero();
        assertThat(node.http().post("/v1/table/table_info", Map.of("namespace", "sec", "table_name", "things"))
                .at("/data/count").asInt()).isEqualTo(1);
    }
}
