package io.fedflow.node.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.RowSink;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.proto.RetCode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MYSQL tables read in place through the MariaDB driver: connecting (with what each failure means for the
 * caller, the password never in an answer or a log line), a table's columns and count for a bind, and a
 * streamed scan for the jobs that read it.
 */
public final class MysqlTables {
    private static final Logger logger = LoggerFactory.getLogger(MysqlTables.class);
    /** Rows the driver fetches at a time while streaming: memory stays flat whatever the table's size. */
    private static final int FETCH_SIZE = 5000;
    /**
     * One answer for a closed port, a silent host and a refused login, as PostgreSQL binds answer: a bind must
     * not tell which hosts run a MySQL server (the node's log says which it was).
     */
    static final String CONNECT_FAILED = "check address failed: cannot connect or log in to the MySQL server at "
            + "address.host with address.user (the node's log says why)";
    private static final int ER_DBACCESS_DENIED = 1044;
    private static final int ER_ACCESS_DENIED = 1045;
    private static final int ER_BAD_DB = 1049;
    private static final int ER_NO_SUCH_TABLE = 1146;

    private final TableConnectors connectors;
    private final Duration connectTimeout;

    /** @param connectTimeout how long connecting and logging in may take (the bind connect timeout) */
    public MysqlTables(TableConnectors connectors, Duration connectTimeout) {
        this.connectors = connectors;
        this.connectTimeout = connectTimeout;
    }

    /** Reads an address object (credentials, or a connector's name) of a request or of a table's meta. */
    MysqlAddress address(JsonNode address, String field) {
        return MysqlAddress.of(address, connectors, field);
    }

    /** A connection to the address's database, each failure answered with retcode 100 and what to fix. */
    Connection connect(MysqlAddress a) {
        Properties p = new Properties();
        p.setProperty("user", a.user());
        p.setProperty("password", a.passwd());
        p.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toMillis())));
        // A server we do not run must not be able to ask the node for its files.
        p.setProperty("allowLocalInfile", "false");
        String url = "jdbc:mariadb://" + a.host() + ":" + a.port() + "/";
        Connection c;
        try {
            c = DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            logger.warn("MYSQL address {}: cannot connect{}: {}", a,
                    e.getErrorCode() == ER_ACCESS_DENIED ? " (login refused)" : "", a.scrub(e.getMessage()));
            throw refused(CONNECT_FAILED);
        }
        try {
            // The database by statement, not in the URL: its name needs no escaping rules of the URL's.
            c.setCatalog(a.db());
            return c;
        } catch (SQLException e) {
            close(c);
            if (e.getErrorCode() == ER_BAD_DB || e.getErrorCode() == ER_DBACCESS_DENIED) {
                throw refused("check address failed: database address.db '" + a.db() + "' does not exist or "
                        + "address.user '" + a.user() + "' may not use it");
            }
            logger.warn("MYSQL address {}: cannot use the database: {}", a, a.scrub(e.getMessage()));
            throw refused(CONNECT_FAILED);
        }
    }

    /** What a bind learns of the table: its columns in order and its row count. */
    record Inspection(List<String> columns, long count) {}

    Inspection inspect(MysqlAddress a) {
        if (a.name().isEmpty()) {
            throw FlowException.argument("required argument are missing: address.name (the MySQL table)");
        }
        try (Connection c = connect(a)) {
            List<String> columns = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + a.qualifiedName() + " LIMIT 0");
                 ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(md.getColumnLabel(i));
                }
            }
            long count;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + a.qualifiedName());
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                count = rs.getLong(1);
            }
            return new Inspection(columns, count);
        } catch (SQLException e) {
            throw failure(a, e, "check address failed");
        }
    }

    /** Streams the bound columns of a MYSQL table: id first, then the header's columns joined by the delimiter. */
    void scan(TStorageTableMetaRecord meta, RowSink sink) throws Exception {
        MysqlAddress a = address(Json.parse(meta.getFAddress().data()), "address");
        List<String> cols = BoundColumns.of(meta);
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < cols.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(MysqlAddress.quote(cols.get(i)));
        }
        sql.append(" FROM ").append(a.qualifiedName());
        String delimiter = meta.getFIdDelimiter();
        try (Connection c = connect(a);
             PreparedStatement ps = c.prepareStatement(sql.toString(), ResultSet.TYPE_FORWARD_ONLY,
                     ResultSet.CONCUR_READ_ONLY)) {
            // With a fetch size the MariaDB driver streams the result instead of loading all of it.
            ps.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = ps.executeQuery()) {
                StringBuilder value = new StringBuilder();
                int width = cols.size();
                while (rs.next()) {
                    sink.row(rs.getString(1), BoundColumns.value(rs, width, delimiter, value));
                }
            }
        } catch (SQLException e) {
            throw failure(a, e, "cannot read table " + meta.getFNamespace() + "." + meta.getFName());
        }
    }

    /** A statement's failure: a missing table said as such, anything else logged (scrubbed) and summarised. */
    FlowException failure(MysqlAddress a, SQLException e, String what) {
        if (e.getErrorCode() == ER_NO_SUCH_TABLE) {
            return refused(what + ": table " + a.db() + "." + a.name() + " does not exist on the MySQL server");
        }
        logger.warn("MYSQL {}: {}: {} (SQLSTATE {}, error {})", a, what, a.scrub(e.getMessage()), e.getSQLState(),
                e.getErrorCode());
        // Past the login the server's message is about the caller's table and data: worth showing, scrubbed.
        String said = a.scrub(e.getMessage()).replaceFirst("^\\(conn=\\d+\\) ", "");
        if (said.length() > 300) {
            said = said.substring(0, 300) + "...";
        }
        return refused(what + ": the MySQL server answered error " + e.getErrorCode()
                + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")") + ": " + said);
    }

    static FlowException refused(String message) {
        return new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.REFUSED, message, null);
    }

    static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a connection that failed to set up: nothing more to do
        }
    }
}
