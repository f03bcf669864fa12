package io.fedflow.node.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * One of the node's connection pools over its database, given to one part of the node (requests, the
 * scheduler and its tasks, the health check) so that one part using all its connections cannot make the
 * others wait. Made by {@link Database#newPool}.
 */
public final class ConnectionPool implements AutoCloseable {
    private final HikariDataSource pool;
    private final DSLContext dsl;

    ConnectionPool(HikariDataSource pool) {
        this.pool = pool;
        this.dsl = DSL.using(pool, SQLDialect.POSTGRES);
    }

    ConnectionPool(HikariDataSource pool, CommittedWrites writes) {
        this.pool = pool;
        this.dsl = DSL.using(writes.configuration(pool));
    }

    /**
     * A small pool over another PostgreSQL (not migrated: the model store), owned by the caller. Connections
     * are made when first needed, so that the node starts while that database is down.
     */
    public static ConnectionPool external(String name, String url, String user, String password, int maxSize) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        if (user != null) {
            c.setUsername(user);
        }
        if (password != null) {
            c.setPassword(password);
        }
        c.setPoolName(name);
        c.setMaximumPoolSize(maxSize);
        c.setMinimumIdle(0);
        c.setInitializationFailTimeout(-1);
        return new ConnectionPool(new HikariDataSource(c));
    }

    /** Hikari records its pool's meters (connections active, idle, pending, acquire time...) in {@code registry}. */
    public void bindMeters(MeterRegistry registry) {
        pool.setMetricRegistry(registry);
    }

    public String name() {
        return pool.getPoolName();
    }

    public DataSource dataSource() {
        return pool;
    }

    public DSLContext dsl() {
        return dsl;
    }

    public int maxSize() {
        return pool.getMaximumPoolSize();
    }

    /** Callers are waiting for a connection and none is free. */
    public boolean exhausted() {
        HikariPoolMXBean m = pool.getHikariPoolMXBean();
        return m != null && m.getThreadsAwaitingConnection() > 0 && m.getIdleConnections() == 0;
    }

    /** E.g. "8 of 8 connections in use, 3 waiting". */
    public String usage() {
        HikariPoolMXBean m = pool.getHikariPoolMXBean();
        if (m == null) {
            return "not started";
        }
        return m.getActiveConnections() + " of " + maxSize() + " connections in use, "
                + m.getThreadsAwaitingConnection() + " waiting";
    }

    @Override
    public void close() {
        pool.close();
    }
}
