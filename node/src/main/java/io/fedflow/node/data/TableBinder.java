package io.fedflow.node.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.BindTableRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * FATE's table bind: registers an existing PostgreSQL or MySQL table by address (no copy), after checking
 * that it can be reached and has the named columns. Jobs read it in place.
 */
public final class TableBinder {
    private final DSLContext dsl;
    private final DataSource ownDatabase;
    private final BindAddresses addresses;
    private final MysqlTables mysql;
    private final Clock clock;

    public TableBinder(DSLContext dsl, DataSource ownDatabase, BindAddresses addresses, MysqlTables mysql,
                       Clock clock) {
        this.dsl = dsl;
        this.ownDatabase = ownDatabase;
        this.addresses = addresses;
        this.mysql = mysql;
        this.clock = clock;
    }

    public ObjectNode bind(BindTableRequest req) {
        TableId id = new TableId(req.getNamespace(), req.getName());
        String engine = req.getEngine().toUpperCase(Locale.ROOT);
        if (engine.isEmpty()) {
            throw FlowException.argument("required argument are missing: engine");
        }
        boolean isMysql = engine.equals(TableCatalog.STORE_MYSQL);
        if (!isMysql && !engine.equals("POSTGRES") && !engine.equals("POSTGRESQL")) {
            throw FlowException.argument("engine " + req.getEngine() + " is not supported; use POSTGRES or MYSQL");
        }
        if (!req.hasAddress()) {
            throw FlowException.argument("required argument are missing: address");
        }
        String delimiter = req.getIdDelimiter().isEmpty() ? "," : req.getIdDelimiter();
        Inspected table = isMysql ? inspectMysql(req) : inspectPostgres(req);
        List<String> columns = table.columns();
        long count = table.count();
        String where = table.where();
        ObjectNode address = table.address();
        String idColumn = first(req.getIdColumn(), req.getIdName(),
                req.hasSchema() ? FateJson.toJson(req.getSchema()).path("sid").asText("") : "");
        if (idColumn.isEmpty()) {
            idColumn = columns.get(0);
        }
        if (!columns.contains(idColumn)) {
            throw FlowException.argument("id column " + idColumn + " (id_name) is not a column of " + where
                    + " " + columns);
        }
        List<String> features = new ArrayList<>();
        String featureSpec = first(req.getFeatureColumn(), req.getFeatureName(), "");
        if (featureSpec.isEmpty()) {
            for (String col : columns) {
                if (!col.equals(idColumn)) {
                    features.add(col);
                }
            }
        } else {
            for (String f : featureSpec.split(",")) {
                String col = f.trim();
                if (!columns.contains(col)) {
                    throw FlowException.argument("feature column " + col + " (feature_column) is not a column of "
                            + where + " " + columns);
                }
                features.add(col);
            }
        }
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        if (req.hasSchema()) {
            schema.setAll(FateJson.toJson(req.getSchema()));
        }
        schema.put("sid", idColumn);
        schema.put("header", String.join(delimiter, features));
        long now = clock.millis();
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            TableCatalog.lock(t, id);
            Optional<TStorageTableMetaRecord> existing = TableCatalog.find(t, id);
            if (existing.isPresent()) {
                if (req.getDrop() == 0) {
                    throw new FlowException(RetCode.EXCEPTION_ERROR, "table " + id
                            + " already exists; add drop: 1 to replace it");
                }
                TableCatalog.dropStorage(t, existing.get());
                existing.get().delete();
            }
            TableCatalog.insertMeta(t, new TableCatalog.NewMeta(id, address, table.storeType(),
                    req.getPartitions() > 0 ? req.getPartitions() : 1, delimiter, !req.hasHead() || req.getHead() == 1,
                    false, false, schema, count, JsonNodeFactory.instance.arrayNode(),
                    req.getOrigin().isEmpty() ? "table_bind" : req.getOrigin(), null), null, now);
        });
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("table_name", id.name());
        o.put("namespace", id.namespace());
        return o;
    }

    /** What a bind learned of the table it registers, and the address its meta keeps. */
    private record Inspected(ObjectNode address, String storeType, List<String> columns, long count, String where) {}

    private Inspected inspectPostgres(BindTableRequest req) {
        ObjectNode address = FateJson.toJson(req.getAddress());
        if (!address.hasNonNull("name") && address.hasNonNull("table")) {
            address.set("name", address.get("table"));
        }
        if (!address.hasNonNull("name") || address.path("name").asText().isBlank()) {
            throw FlowException.argument("address.name (the PostgreSQL table) is required");
        }
        addresses.check(address);
        List<String> columns = new ArrayList<>();
        long count;
        try (Connection c = addresses.connect(address, ownDatabase);
             PreparedStatement ps = c.prepareStatement("SELECT * FROM " + qualifiedName(address) + " LIMIT 0");
             ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                columns.add(md.getColumnName(i));
            }
            try (PreparedStatement cs = c.prepareStatement("SELECT count(*) FROM " + qualifiedName(address));
                 ResultSet crs = cs.executeQuery()) {
                crs.next();
                count = crs.getLong(1);
            }
        } catch (SQLException e) {
            throw DatabaseFailures.of("check address failed: cannot read table " + qualifiedName(address), e);
        }
        return new Inspected(address, TableCatalog.STORE_TABLE, columns, count, qualifiedName(address));
    }

    /** FATE's check_address for MYSQL: the server answers, the login works, the table is there. */
    private Inspected inspectMysql(BindTableRequest req) {
        MysqlAddress a = mysql.address(FateJson.toJson(req.getAddress()), "address");
        MysqlTables.Inspection found = mysql.inspect(a);
        return new Inspected(a.stored(), TableCatalog.STORE_MYSQL, found.columns(), found.count(),
                a.db() + "." + a.name());
    }

    static String qualifiedName(JsonNode address) {
        String schema = address.path("schema").asText("");
        String table = address.path("name").asText();
        return (schema.isEmpty() ? DSL.name(table) : DSL.name(schema, table)).toString();
    }

    private static String first(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isEmpty()) {
                return c;
            }
        }
        return "";
    }
}
