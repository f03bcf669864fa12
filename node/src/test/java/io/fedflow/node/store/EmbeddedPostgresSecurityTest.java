package io.fedflow.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.Uploads;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL is no open door: a local user without the password gets in neither by TCP nor
 * by the socket, the node's own role cannot read server files, and a data directory an older node made
 * (trust, superuser) is locked down on its next start with its data intact.
 */
class EmbeddedPostgresSecurityTest {
    @TempDir
    Path tmp;

    static NodeConfig embeddedConfig(Path dataDir) {
        return NodeConfig.builder("9999", dataDir).build();
    }

    @Test
    void aNewDataDirectoryAdmitsOnlyThePasswordAndTheNodeIsNoSuperuser() throws Exception {
        Path dataDir = tmp.resolve("node");
        try (Node node = Node.start(embeddedConfig(dataDir))) {
            int port = node.database().embeddedPort().orElseThrow();
            Path priv = EmbeddedPostgresSetup.privateDir(dataDir.resolve("pg"));
            assertLockedDown(priv, port);

            String nodePassword = Files.readString(priv.resolve(EmbeddedPostgresSetup.NODE_PASSWORD_FILE)).strip();
            Path keyFile;
            try (Stream<Path> keys = Files.list(node.config().keysDir())) {
                keyFile = keys.filter(Files::isRegularFile).findFirst().orElseThrow().toAbsolutePath();
            }
            try (Connection c = connect(port, EmbeddedPostgresSetup.NODE_ROLE, nodePassword);
                 Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).isFalse();
                }
                assertThatThrownBy(() -> s.executeQuery("SELECT pg_read_file('" + keyFile + "')"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
                assertThatThrownBy(() -> s.executeQuery("SELECT rolpassword FROM pg_authid"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            }
        }
    }

    @Test
    void aDataDirectoryMadeTheOldWayIsUpgradedOnTheNextStartWithItsTables() throws Exception {
        Path dataDir = tmp.resolve("old");
        // The old way: zonky's defaults (initdb -A trust, superuser postgres, socket in /tmp) with the node
        // connected as postgres, as Database.embedded did before.
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("pg"))
                .setCleanDataDirectory(false).start()) {
            NodeConfig cfg = NodeConfig.builder("9999", dataDir).dbUrl(old.getJdbcUrl("postgres", "postgres"))
                    .dbUser("postgres").build();
            try (Node node = Node.start(cfg)) {
                Uploads.csv(new FlowHttp(node.httpPort()), "old", "t", "id,x\n1,2\n2,3\n");
            }
            // the hole being closed: any local user is superuser there, no password asked
            connect(old.getPort(), "postgres", null).close();
        }
        assertThat(Files.readString(dataDir.resolve("pg/pg_hba.conf"))).contains("trust");

        try (Node node = Node.start(embeddedConfig(dataDir))) {
            int port = node.database().embeddedPort().orElseThrow();
            assertLockedDown(EmbeddedPostgresSetup.privateDir(dataDir.resolve("pg")), port);
            assertThat(Files.readString(dataDir.resolve("pg/pg_hba.conf"))).doesNotContain("trust");
            FlowHttp http = new FlowHttp(node.httpPort());
            JsonNode info = http.post("/v1/table/table_info", Map.of("namespace", "old", "table_name", "t"));
            assertThat(info.at("/data/count").asInt()).as(info.toString()).isEqualTo(2);
            // the node's role owns what the superuser made: the rows read and new uploads work
            JsonNode download = http.post("/v1/data/download", Map.of("namespace", "old", "table_name", "t",
                    "output_path", "t.csv"));
            assertThat(download.get("retcode").asInt()).as(download.toString()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(node.config().exportDir().resolve("t.csv"))
                    && Files.readString(node.config().exportDir().resolve("t.csv")).equals("id,x\n1,2\n2,3\n"));
            Uploads.csv(http, "new", "t", "id,x\n1,2\n");
        }
    }

    /** Passwords 0600 in a 0700 directory; no way in without one, by TCP or by the Unix socket. */
    static void assertLockedDown(Path priv, int port) throws IOException {
        assertThat(Files.getPosixFilePermissions(priv)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        for (String f : new String[] {EmbeddedPostgresSetup.SUPERUSER_PASSWORD_FILE,
                EmbeddedPostgresSetup.NODE_PASSWORD_FILE}) {
            assertThat(Files.getPosixFilePermissions(priv.resolve(f)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        for (String user : new String[] {"postgres", EmbeddedPostgresSetup.NODE_ROLE}) {
            assertThatThrownBy(() -> connect(port, user, null).close()).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect(port, user, "").close()).isInstanceOf(SQLException.class);
            assertThat(socketAuthenticationRequest(priv.resolve(".s.PGSQL." + port), user))
                    .as("authentication request on the socket for " + user).isEqualTo(10); // SASL, not 0 (ok)
        }
    }

    static Connection connect(int port, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    /**
     * Speaks the start of PostgreSQL's protocol on its Unix socket (the JDBC driver has no socket
     * support): the code of the server's first authentication request, 0 meaning "in, no password".
     */
    static int socketAuthenticationRequest(Path socket, String user) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        out.writeInt(196608); // protocol 3.0
        for (String s : new String[] {"user", user, "database", "postgres"}) {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.writeByte(0);
        }
        out.writeByte(0);
        ByteBuffer msg = ByteBuffer.allocate(4 + body.size()).putInt(4 + body.size()).put(body.toByteArray()).flip();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            while (msg.hasRemaining()) {
                ch.write(msg);
            }
            ByteBuffer in = ByteBuffer.allocate(9);
            while (in.hasRemaining() && ch.read(in) >= 0) {
                // until the type, length and code are in
            }
            in.flip();
            assertThat((char) in.get()).as("message type").isEqualTo('R');
            in.getInt();
            return in.getInt();
        }
    }
}
