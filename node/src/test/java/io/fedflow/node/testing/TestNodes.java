package io.fedflow.node.testing;

import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real nodes for tests: one embedded PostgreSQL per test JVM, a fresh database and data directory per
 * node, the server on a random loopback port.
 */
public final class TestNodes {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestNodes() {}

    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return postgres;
    }

    /** A new empty database in the shared PostgreSQL; returns its JDBC URL. */
    public static String newDatabase() {
        String name = "fedflow_test_" + DATABASES.incrementAndGet();
        try (Connection c = postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return postgres().getJdbcUrl("postgres", name);
    }

    public static Node start(String partyId) {
        try {
            Path dir = Files.createTempDirectory("fedflow-node-" + partyId + "-");
            return start(NodeConfig.builder(partyId, dir).dbUrl(newDatabase()).dbUser("postgres").build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Node start(NodeConfig config) {
        try {
            return Node.start(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
