package io.fedflow.node.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.RowSink;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.Database;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.proto.RetCode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jooq.impl.DSL;

/**
 * Reads a table's rows in order with a server-side cursor, whether the rows are ours (uploaded) or
 * someone else's PostgreSQL or MySQL table (bound), so memory stays flat however large the table.
 */
public final class TableRows {
    private static final int FETCH_SIZE = 5000;

    private final DataSource ownDatabase;
    private final BindAddresses addresses;
    private final MysqlTables mysql;

    public TableRows(DataSource ownDatabase, BindAddresses addresses, MysqlTables mysql) {
        this.ownDatabase = ownDatabase;
        this.addresses = addresses;
        this.mysql = mysql;
    }

    /** The header line's columns (id column first), empty when the table has no header. */
    public static List<String> header(TStorageTableMetaRecord meta) {
        List<String> cols = new ArrayList<>();
        if (!meta.getFHaveHead()) {
            return cols;
        }
        JsonNode schema = Json.parse(meta.getFSchema().data());
        cols.add(schema.path("sid").asText("id"));
        String header = schema.path("header").asText("");
        if (!header.isEmpty()) {
            for (String c : header.split(Pattern.quote(meta.getFIdDelimiter()), -1)) {
                cols.add(c);
            }
        }
        return cols;
    }

    public void scan(TStorageTableMetaRecord meta, RowSink sink) {
        scan(meta, sink, "f_line");
    }

    /**
     * Streams one of this node's tables (a component's output) ordered by id: by UTF-8 bytes, i.e. Unicode
     * code point, whatever the database's collation, so that every party reads the same ids in the same order.
     * PostgreSQL sorts on disk past its work_mem: memory stays flat here too.
     */
    public void scanByKey(TStorageTableMetaRecord meta, RowSink sink) {
        if (!TableCatalog.STORE_FEDFLOW.equals(meta.getFStoreType())) {
            throw FlowException.data("table " + meta.getFNamespace() + "." + meta.getFName() + " is stored in "
                    + meta.getFStoreType() + ": only this node's own tables (components' outputs) are read by id");
        }
        scan(meta, sink, "f_key COLLATE \"C\", f_line");
    }

    private void scan(TStorageTableMetaRecord meta, RowSink sink, String ownOrder) {
        JsonNode address = Json.parse(meta.getFAddress().data());
        try {
            if (TableCatalog.STORE_FEDFLOW.equals(meta.getFStoreType())) {
                try (Connection c = ownDatabase.getConnection()) {
                    String sql = "SELECT f_key, f_value FROM "
                            + DSL.name(Database.DATA_SCHEMA, address.path("table").asText()) + " ORDER BY " + ownOrder;
                    scan(c, sql, 2, "", sink);
                }
            } else if (TableCatalog.STORE_MYSQL.equals(meta.getFStoreType())) {
                mysql.scan(meta, sink);
            } else {
                try (Connection c = addresses.connect(address, ownDatabase)) {
                    List<String> cols = BoundColumns.of(meta);
                    StringBuilder sql = new StringBuilder("SELECT ");
                    for (int i = 0; i < cols.size(); i++) {
                        sql.append(i == 0 ? "" : ", ").append(DSL.name(cols.get(i)));
                    }
                    sql.append(" FROM ").append(TableBinder.qualifiedName(address));
                    scan(c, sql.toString(), cols.size(), meta.getFIdDelimiter(), sink);
                }
            }
        } catch (FlowException e) {
            throw e;
        } catch (Exception e) {
            String what = "cannot read table " + meta.getFNamespace() + "." + meta.getFName();
            if (DatabaseFailures.isDatabase(e)) {
                throw DatabaseFailures.of(RetCode.DATA_ERROR, what, e);
            }
            throw new FlowException(RetCode.DATA_ERROR, FailureKind.REFUSED,
                    what + ": " + e.getMessage(), e);
        }
    }

    private static void scan(Connection c, String sql, int width, String delimiter, RowSink sink) throws Exception {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false); // PostgreSQL only streams with a cursor inside a transaction
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = ps.executeQuery()) {
                StringBuilder value = new StringBuilder();
                while (rs.next()) {
                    if (width == 2 && delimiter.isEmpty()) {
                        sink.row(rs.getString(1), rs.getString(2));
                    } else {
                        sink.row(rs.getString(1), BoundColumns.value(rs, width, delimiter, value));
                    }
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
    }

    static Connection open(String url, String user, String password, Duration timeout)
            throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        // A host that accepts the connection and then says nothing would otherwise hold the call forever.
        String seconds = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
        p.setProperty("connectTimeout", seconds);
        p.setProperty("loginTimeout", seconds);
        return DriverManager.getConnection(url, p);
    }
}
