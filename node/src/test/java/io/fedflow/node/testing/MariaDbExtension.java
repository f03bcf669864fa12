package io.fedflow.node.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real MariaDB server for a test class ({@code @RegisterExtension static final MariaDbExtension mariadb =
 * new MariaDbExtension();}): {@code mariadb-install-db} into a temporary directory, {@code mariadbd} on a
 * random loopback port with its socket and pid file inside that directory (so it collides with no other
 * server), started before the class and stopped after it. Root logs in over TCP without a password.
 * Without {@code mariadbd} on the machine the class fails, saying to install mariadb-server.
 */
public final class MariaDbExtension implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> SEARCH = List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin");
    /** Small InnoDB files and buffers: a test server holds a few tables of a few rows. */
    private static final List<String> SMALL = List.of("--innodb-log-file-size=4M",
            "--innodb-data-file-path=ibdata1:4M:autoextend");

    private Path dir;
    private Process server;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path mariadbd = find("mariadbd").orElseThrow(() -> new IllegalStateException(
                "mariadbd is not installed: the MySQL table tests need a real MariaDB server; install it with "
                        + "`apt-get install -y --no-install-recommends mariadb-server` (.ci/run does this)"));
        Path installDb = find("mariadb-install-db").orElseThrow(() -> new IllegalStateException(
                "mariadb-install-db is not installed: install mariadb-server"));
        dir = Files.createTempDirectory("fedflow-mariadb-");
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> install = new ArrayList<>(List.of(installDb.toString(), "--no-defaults",
                "--datadir=" + dir.resolve("data"), "--auth-root-authentication-method=normal", "--skip-test-db"));
        install.addAll(SMALL);
        if (root) {
            install.add("--user=root");
        }
        Process p = new ProcessBuilder(install).redirectErrorStream(true)
                .redirectOutput(dir.resolve("install.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("mariadb-install-db failed: " + Files.readString(dir.resolve("install.log")));
        }
        port = freePort();
        List<String> start = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults",
                "--datadir=" + dir.resolve("data"), "--socket=" + dir.resolve("mariadb.sock"),
                "--pid-file=" + dir.resolve("mariadb.pid"), "--port=" + port, "--bind-address=127.0.0.1",
                "--innodb-buffer-pool-size=16M", "--performance-schema=OFF", "--skip-log-bin",
                "--log-error=" + dir.resolve("error.log")));
        start.addAll(SMALL);
        if (root) {
            start.add("--user=root");
        }
        server = new ProcessBuilder(start).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile()).start();
        try {
            await("MariaDB on port " + port).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> {
                        if (!server.isAlive()) {
                            throw new AssertionError("mariadbd exited: " + log());
                        }
                        try (Connection c = root()) {
                            return c.isValid(2);
                        }
                    });
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    public int port() {
        return port;
    }

    /** A connection as root to no database in particular. */
    public Connection root() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "");
    }

    /** Runs statements as root, in order. */
    public void execute(String... sql) {
        try (Connection c = root(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A database and a user that may do anything in it (and nothing elsewhere). */
    public void createDatabase(String db, String user, String password) {
        execute("CREATE DATABASE IF NOT EXISTS `" + db + "`",
                "CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                "CREATE USER IF NOT EXISTS '" + user + "'@'localhost' IDENTIFIED BY '" + password + "'",
                "GRANT ALL ON `" + db + "`.* TO '" + user + "'@'%'",
                "GRANT ALL ON `" + db + "`.* TO '" + user + "'@'localhost'");
    }

    /** FATE's address object for a table of {@code db}, as a JSON text. */
    public String address(String user, String password, String db, String table) {
        return "{\"user\": \"" + user + "\", \"passwd\": \"" + password + "\", \"host\": \"127.0.0.1\", \"port\": "
                + port + ", \"db\": \"" + db + "\", \"name\": \"" + table + "\"}";
    }

    private void stop() {
        if (server != null) {
            server.destroy();
            try {
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dir = null;
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("error.log"));
        } catch (IOException e) {
            return "(no error log)";
        }
    }

    private static Optional<Path> find(String program) {
        List<String> places = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        places.addAll(SEARCH);
        for (String place : places) {
            if (place.isEmpty()) {
                continue;
            }
            Path candidate = Paths.get(place, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
