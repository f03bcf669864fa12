package io.fedflow.node.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.BoardLinks;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.WriterRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * FATE's data writer: copies a table of the node into a MYSQL database (a new table there, or rows replaced
 * by id in an existing one, as FATE's REPLACE INTO does) and registers the copy as a MYSQL table of the node,
 * made from the source. It runs inside the request as a one-task local job ({@code writer_0}, module Writer),
 * as downloads do. The rows go in one MariaDB transaction and the meta in one PostgreSQL transaction that
 * commits only after it: a failure leaves neither rows nor meta behind (and drops the table if it made it).
 */
public final class DataWriter {
    static final String COMPONENT = "writer_0";
    private static final int BATCH = 1000;

    private final TableCatalog catalog;
    private final TableRows rows;
    private final MysqlTables mysql;
    private final LocalJobs jobs;
    private final NodeConfig config;
    private final BoardLinks board;

    public DataWriter(TableCatalog catalog, TableRows rows, MysqlTables mysql, LocalJobs jobs, NodeConfig config,
                      BoardLinks board) {
        this.board = board;
        this.catalog = catalog;
        this.rows = rows;
        this.mysql = mysql;
        this.jobs = jobs;
        this.config = config;
    }

    /** What a write needs once its request is checked. */
    private record Prepared(TableId source, TStorageTableMetaRecord meta, List<String> columns, TableId output,
                            MysqlAddress target) {}

    /** The copy a write made: its name in the catalog and its row count. */
    public record Written(TableId output, long count) {}

    /** Checks the request and names the output (in {@code jobId}'s namespace unless the request names one). */
    private Prepared prepare(WriterRequest req, String jobId, String component) {
        if (req.getNamespace().isEmpty() || req.getTableName().isEmpty()) {
            throw FlowException.argument("required argument are missing: "
                    + (req.getNamespace().isEmpty() ? "namespace" : "table_name"));
        }
        if (req.getStorageEngine().isBlank()) {
            throw FlowException.argument("required argument are missing: storage_engine");
        }
        if (!req.getStorageEngine().trim().toUpperCase(Locale.ROOT).equals(TableCatalog.STORE_MYSQL)) {
            throw FlowException.argument("storage_engine " + req.getStorageEngine() + " is not supported; use MYSQL");
        }
        if (!req.hasAddress()) {
            throw FlowException.argument("required argument are missing: address");
        }
        TableId source = new TableId(req.getNamespace(), req.getTableName());
        TStorageTableMetaRecord meta = catalog.requireReadable(source, "data writer");
        List<String> columns = TableRows.header(meta);
        if (columns.isEmpty()) {
            throw FlowException.argument("table " + source + " has no header: the writer needs its column names");
        }
        String outName = first(req.getOutputName(), req.getOutputTableName(),
                UUID.randomUUID().toString().replace("-", ""));
        TableId output = new TableId(first(req.getOutputNamespace(), "output_data_" + jobId + "_" + component + "_0"),
                outName);
        if (catalog.find(output).isPresent()) {
            throw TableCatalog.alreadyExists(output);
        }
        ObjectNode given = FateJson.toJson(req.getAddress());
        if (given.path("name").asText("").isBlank()) {
            given.put("name", output.name());
        }
        return new Prepared(source, meta, columns, output, mysql.address(given, "address"));
    }

    /** The Writer module of a submitted DSL: the same write, as one task of an existing job. */
    public Written writeForJob(WriterRequest req, String jobId, String component) {
        Prepared p = prepare(req, jobId, component);
        catalog.recordRead(p.source(), jobId, component);
        return new Written(p.output(), copy(p.meta(), p.columns(), p.target(), p.output(), p.source(), jobId));
    }

    /** Writes the table; answers FATE's submit fields and puts the job's id in {@code jobIdOut}. */
    public ObjectNode write(WriterRequest req, StringBuilder jobIdOut) {
        String jobId = jobs.nextJobId();
        Prepared p = prepare(req, jobId, COMPONENT);
        TableId source = p.source();
        TableId output = p.output();
        MysqlAddress target = p.target();
        jobIdOut.append(jobId);
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        params.put("namespace", source.namespace()).put("table_name", source.name())
                .put("storage_engine", TableCatalog.STORE_MYSQL).put("output_namespace", output.namespace())
                .put("output_name", output.name());
        // The job's conf is answered by job/query and job/config: never with the password.
        params.set("address", target.masked());
        long count = DataJobs.run(jobs, jobId, COMPONENT, "Writer", params, null, () -> {
            catalog.recordRead(source, jobId, COMPONENT);
            return copy(p.meta(), p.columns(), target, output, source, jobId);
        });
        ObjectNode d = DataJobs.submitAnswer(config, board, jobId, source);
        d.put("count", count);
        d.put("output_name", output.name());
        d.put("output_namespace", output.namespace());
        return d;
    }

    /** The rows into MariaDB (uncommitted), the meta into PostgreSQL, then both commits, MariaDB's first. */
    private long copy(TStorageTableMetaRecord meta, List<String> columns, MysqlAddress target, TableId output,
                      TableId source, String jobId) {
        Connection c = mysql.connect(target);
        boolean created = false;
        try {
            created = createIfMissing(c, target, columns);
            c.setAutoCommit(false);
            long count = insertRows(c, meta, columns, target);
            ObjectNode schema = (ObjectNode) Json.parse(meta.getFSchema().data());
            // The rows commit last inside the meta's transaction: if they cannot, the meta does not either.
            catalog.registerExternal(new TableCatalog.NewMeta(output, target.stored(), TableCatalog.STORE_MYSQL,
                    meta.getFPartitions(), meta.getFIdDelimiter(), true, meta.getFExtendSid(),
                    meta.getFAutoIncreasingSid(), schema, count, JsonNodeFactory.instance.arrayNode(), "writer",
                    jobId), source, c::commit);
            return count;
        } catch (RuntimeException | SQLException e) {
            rollback(c);
            if (created) {
                drop(c, target);
            }
            if (e instanceof FlowException fe) {
                throw fe;
            }
            if (e instanceof SQLException sql) {
                throw mysql.failure(target, sql, "data writer: cannot write " + target.db() + "." + target.name());
            }
            if (DatabaseFailures.isDatabase(e)) {
                throw DatabaseFailures.of(RetCode.OPERATING_ERROR, "data writer: cannot register " + output, e);
            }
            throw (RuntimeException) e;
        } finally {
            MysqlTables.close(c);
        }
    }

    /** FATE's table shape: the id as primary key, one text column per header column. */
    private static boolean createIfMissing(Connection c, MysqlAddress target, List<String> columns)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
            ps.setString(1, target.db());
            ps.setString(2, target.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        }
        StringBuilder sql = new StringBuilder("CREATE TABLE ").append(target.qualifiedName()).append(" (")
                .append(MysqlAddress.quote(columns.get(0))).append(" VARCHAR(255) NOT NULL");
        for (String col : columns.subList(1, columns.size())) {
            sql.append(", ").append(MysqlAddress.quote(col)).append(" TEXT");
        }
        sql.append(", PRIMARY KEY (").append(MysqlAddress.quote(columns.get(0))).append(")) ENGINE=InnoDB");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.execute();
        }
        return true;
    }

    private long insertRows(Connection c, TStorageTableMetaRecord meta, List<String> columns, MysqlAddress target)
            throws SQLException {
        StringBuilder sql = new StringBuilder("REPLACE INTO ").append(target.qualifiedName()).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(MysqlAddress.quote(columns.get(i)));
        }
        sql.append(") VALUES (").append("?, ".repeat(columns.size() - 1)).append("?)");
        String delimiter = Pattern.quote(meta.getFIdDelimiter());
        int width = columns.size() - 1;
        long[] count = {0};
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            rows.scan(meta, (key, value) -> {
                String[] values = width == 0 && value.isEmpty() ? new String[0] : value.split(delimiter, -1);
                if (values.length != width) {
                    throw FlowException.data("data writer: row " + key + " of " + meta.getFNamespace() + "."
                            + meta.getFName() + " has " + values.length + " values where the header names " + width);
                }
                ps.setString(1, key);
                for (int i = 0; i < width; i++) {
                    ps.setString(i + 2, values[i]);
                }
                ps.addBatch();
                if (++count[0] % BATCH == 0) {
                    try {
                        ps.executeBatch();
                    } catch (SQLException e) {
                        // Said here: the scan around this would report it as a failure to read the source.
                        throw mysql.failure(target, e, "data writer: cannot write " + target.db() + "."
                                + target.name());
                    }
                }
            });
            ps.executeBatch();
        }
        return count[0];
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is closed next; an open transaction ends with it
        }
    }

    private static void drop(Connection c, MysqlAddress target) {
        try (PreparedStatement ps = c.prepareStatement("DROP TABLE IF EXISTS " + target.qualifiedName())) {
            ps.execute();
        } catch (SQLException ignored) {
            // best effort: the table was made by this failed write and holds no committed row
        }
    }

    private static String first(String... candidates) {
        for (String s : candidates) {
            if (s != null && !s.isBlank()) {
                return s;
            }
        }
        return "";
    }
}
