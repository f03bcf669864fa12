package io.fedflow.node.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.Database;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.proto.RetCode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.impl.DSL;

/**
 * Rows of a table read by id rather than scanned: what online inference needs of a host's table. Our own
 * (uploaded) tables get an index on their id column the first time they are read so ({@link #index}); a bound
 * table is read with {@code WHERE <sid> = ANY(...)} and its indexes are its owner's.
 */
public final class TableKeys {
    private final DataSource ownDatabase;
    private final BindAddresses addresses;
    private final TableCatalog catalog;

    public TableKeys(DataSource ownDatabase, BindAddresses addresses, TableCatalog catalog) {
        this.ownDatabase = ownDatabase;
        this.addresses = addresses;
        this.catalog = catalog;
    }

    /** A table read by id: its feature columns (the id column left out), its delimiter, and its meta. */
    public record KeyedTable(TableId id, List<String> columns, String delimiter, TStorageTableMetaRecord meta) {}

    /** The table, indexed by id when it is ours; refused when it does not exist or has no header. */
    public KeyedTable index(TableId id) {
        TStorageTableMetaRecord meta = catalog.find(id).orElseThrow(() -> FlowException.notFound(
                "table " + id.namespace() + "." + id.name() + " does not exist"));
        List<String> header = TableRows.header(meta);
        if (header.size() < 2) {
            throw FlowException.argument("table " + id.namespace() + "." + id.name()
                    + " has no header: its features cannot be found by name");
        }
        if (TableCatalog.STORE_MYSQL.equals(meta.getFStoreType())) {
            // Read by id through the MariaDB driver is not built: say so rather than try PostgreSQL on it.
            throw FlowException.argument("table " + id.namespace() + "." + id.name() + " is a MYSQL table, which "
                    + "online inference cannot read by id; upload or copy it into a table of the node");
        }
        if (TableCatalog.STORE_FEDFLOW.equals(meta.getFStoreType())) {
            String physical = Json.parse(meta.getFAddress().data()).path("table").asText();
            try (Connection c = ownDatabase.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "CREATE INDEX IF NOT EXISTS " + DSL.name(physical + "_key") + " ON "
                            + DSL.name(Database.DATA_SCHEMA, physical) + " (f_key)")) {
                ps.execute();
            } catch (Exception e) {
                throw failure(meta, e);
            }
        }
        return new KeyedTable(id, List.copyOf(header.subList(1, header.size())), meta.getFIdDelimiter(), meta);
    }

    /**
     * The value (the feature columns joined by the table's delimiter) of each id the table holds; ids it does
     * not hold are absent. An id held twice answers its last line, as FATE's table keyed by id would hold it
     * (an upload keeps every line, see the README).
     */
    public Map<String, String> values(KeyedTable table, List<String> ids) {
        TStorageTableMetaRecord meta = table.meta();
        JsonNode address = Json.parse(meta.getFAddress().data());
        Map<String, String> out = new HashMap<>();
        try {
            if (TableCatalog.STORE_FEDFLOW.equals(meta.getFStoreType())) {
                try (Connection c = ownDatabase.getConnection()) {
                    read(c, "SELECT f_key, f_value FROM " + DSL.name(Database.DATA_SCHEMA,
                            address.path("table").asText()) + " WHERE f_key = ANY(?) ORDER BY f_line", ids, 2,
                            "", out);
                }
            } else {
                List<String> header = TableRows.header(meta);
                StringBuilder sql = new StringBuilder("SELECT ");
                for (int i = 0; i < header.size(); i++) {
                    sql.append(i == 0 ? "" : ", ").append(DSL.name(header.get(i)));
                }
                sql.append(" FROM ").append(TableBinder.qualifiedName(address)).append(" WHERE ")
                        .append(DSL.name(header.get(0))).append("::text = ANY(?)");
                try (Connection c = addresses.connect(address, ownDatabase)) {
                    read(c, sql.toString(), ids, header.size(), meta.getFIdDelimiter(), out);
                }
            }
        } catch (FlowException e) {
            throw e;
        } catch (Exception e) {
            throw failure(meta, e);
        }
        return out;
    }

    /** Puts each row's value under its id; rows come in line order, so the last of an id is put last. */
    private static void read(Connection c, String sql, List<String> ids, int width, String delimiter,
                             Map<String, String> out) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Array keys = c.createArrayOf("text", ids.toArray());
            ps.setArray(1, keys);
            try (ResultSet rs = ps.executeQuery()) {
                StringBuilder value = new StringBuilder();
                while (rs.next()) {
                    if (width == 2 && delimiter.isEmpty()) {
                        out.put(rs.getString(1), rs.getString(2));
                        continue;
                    }
                    out.put(rs.getString(1), BoundColumns.value(rs, width, delimiter, value));
                }
            }
        }
    }

    private static FlowException failure(TStorageTableMetaRecord meta, Exception e) {
        String what = "cannot read table " + meta.getFNamespace() + "." + meta.getFName() + " by id";
        if (DatabaseFailures.isDatabase(e)) {
            return DatabaseFailures.of(RetCode.DATA_ERROR, what, e);
        }
        return new FlowException(RetCode.DATA_ERROR, FailureKind.REFUSED, what + ": " + e.getMessage(), e);
    }
}
