package io.fedflow.node.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's PostgreSQL: an embedded one kept in the data directory, or an external one by URL;
 * pooled, migrated by Flyway on open.
 */
public final class Database implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Database.class);

    /** Schema holding the rows of uploaded tables, one PostgreSQL table each. */
    public static final String DATA_SCHEMA = "fedflow_data";

    private final EmbeddedPostgresSetup embedded;
    private final HikariDataSource pool;
    private final HikariDataSource asyncCommitPool;
    private final DSLContext dsl;
    private final DSLContext asyncCommitDsl;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final CommittedWrites committedWrites = new CommittedWrites();

    private Database(EmbeddedPostgresSetup embedded, String url, String user, String password) {
        this.embedded = embedded;
        this.jdbcUrl = url;
        this.user = user;
        this.password = password;
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        if (user != null) {
            hc.setUsername(user);
        }
        if (password != null) {
            hc.setPassword(password);
        }
        hc.setMaximumPoolSize(16);
        hc.setPoolName("fedflow");
        this.pool = new HikariDataSource(hc);
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        this.dsl = DSL.using(committedWrites.configuration(pool));
        // A few connections whose commits do not wait for the WAL flush, for the one write on the path
        // of every site call (its nonce): see asyncCommitDsl().
        HikariConfig ac = new HikariConfig();
        ac.setJdbcUrl(url);
        if (user != null) {
            ac.setUsername(user);
        }
        if (password != null) {
            ac.setPassword(password);
        }
        ac.setPoolName("fedflow-async-commit");
        ac.setMaximumPoolSize(4);
        ac.setMinimumIdle(1);
        ac.setConnectionInitSql("SET synchronous_commit TO OFF");
        this.asyncCommitPool = new HikariDataSource(ac);
        this.asyncCommitDsl = DSL.using(committedWrites.configuration(asyncCommitPool));
        // Kept out of the Flyway scripts because jOOQ generates its classes from them and this schema
        // holds only tables created at run time.
        dsl.execute("CREATE SCHEMA IF NOT EXISTS " + DATA_SCHEMA);
    }

    /**
     * An embedded PostgreSQL whose files live in {@code dir} and survive restarts; password-protected,
     * the node working in it as a role without superuser rights (see {@link EmbeddedPostgresSetup}).
     */
    public static Database embedded(Path dir) throws IOException {
        long t0 = System.nanoTime();
        EmbeddedPostgresSetup pg = EmbeddedPostgresSetup.start(dir);
        logger.info("embedded PostgreSQL in {} started in {} ms", dir, (System.nanoTime() - t0) / 1_000_000);
        try {
            return new Database(pg, pg.jdbcUrl(), pg.user(), pg.password());
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    public static Database external(String url, String user, String password) {
        return new Database(null, url, user, password);
    }

    public DSLContext dsl() {
        return dsl;
    }

    /**
     * Writes committed without waiting for the WAL flush (PostgreSQL's synchronous_commit off): visible
     * at once to every process of the site and kept across a node crash; only a crash of PostgreSQL's
     * host within its WAL writer delay (well under a second) could lose the last of them. For the seen
     * nonces, which every site call writes; never for job or table data.
     */
    public DSLContext asyncCommitDsl() {
        return asyncCommitDsl;
    }

    /**
     * The commits of this process's writes through every {@code DSLContext} over this database (this one's and
     * {@link #newPool}'s), for what must see them at once.
     */
    public CommittedWrites committedWrites() {
        return committedWrites;
    }

    public DataSource dataSource() {
        return pool;
    }

    /**
     * Another pool over the same database and credentials, owned by the caller: at most {@code maxSize}
     * connections, a few kept open, a borrower waiting at most {@code connectionTimeout} for one.
     */
    public ConnectionPool newPool(String name, int maxSize, Duration connectionTimeout) {
        HikariConfig c = new HikariConfig();
        pool.copyStateTo(c);
        c.setPoolName(name);
        c.setMaximumPoolSize(maxSize);
        c.setMinimumIdle(Math.min(2, maxSize));
        c.setConnectionTimeout(connectionTimeout.toMillis());
        c.setValidationTimeout(Math.min(c.getValidationTimeout(), connectionTimeout.toMillis()));
        return new ConnectionPool(new HikariDataSource(c), committedWrites);
    }

    /**
     * A connection of its own, outside every pool, owned by the caller: for a session held for good (the
     * transfer's LISTEN), which a pool would count as in use forever and warn about when it breaks.
     */
    public Connection openConnection() throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(jdbcUrl, p);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The port of the embedded PostgreSQL on loopback; empty for an external database. */
    public OptionalInt embeddedPort() {
        return embedded == null ? OptionalInt.empty() : OptionalInt.of(embedded.port());
    }

    @Override
    public void close() throws IOException {
        asyncCommitPool.close();
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
