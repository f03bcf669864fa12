package io.fedflow.node.testing;

import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.store.Database;
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
 * node, the server on a random loopback port. A node's database is a copy of a template that the first call
 * migrated, as a node's first start migrates an empty one ({@link Database#external}: Flyway, then the data
 * schema): PostgreSQL copies a database in 0.1 to 0.3 s where the 19 migrations took 1 to 2 s per node (on
 * the loaded 2-core CI machine), and the copy holds everything they made (tables, indexes, functions,
 * triggers, rows, Flyway's history), so the node's own Flyway finds it up to date. MigratedTemplateTest
 * compares a copy with a database migrated from empty.
 */
public final class TestNodes {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final String TEMPLATE = "fedflow_test_template";
    private static EmbeddedPostgres postgres;
    private static boolean templateMigrated;

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

    /**
     * A new database in the shared PostgreSQL, migrated as a node's first start leaves it (a copy of the
     * template); returns its JDBC URL.
     */
    public static String newDatabase() {
        String name = "fedflow_test_" + DATABASES.incrementAndGet();
        execute("CREATE DATABASE " + name + " TEMPLATE " + migratedTemplate());
        return postgres().getJdbcUrl("postgres", name);
    }

    /** A new empty database in the shared PostgreSQL, for what migrates it itself; returns its JDBC URL. */
    public static String newEmptyDatabase() {
        String name = "fedflow_test_" + DATABASES.incrementAndGet();
        execute("CREATE DATABASE " + name);
        return postgres().getJdbcUrl("postgres", name);
    }

    /**
     * The template, migrated on first use. Nothing stays connected to it (a copy needs it alone): its pools are
     * closed before the first copy, and only this class knows its name.
     */
    private static synchronized String migratedTemplate() {
        if (!templateMigrated) {
            execute("CREATE DATABASE " + TEMPLATE);
            try {
                Database.external(postgres().getJdbcUrl("postgres", TEMPLATE), "postgres", null).close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            templateMigrated = true;
        }
        return TEMPLATE;
    }

    private static void execute(String sql) {
        try (Connection c = postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
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
