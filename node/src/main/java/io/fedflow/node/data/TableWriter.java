package io.fedflow.node.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fedflow.node.store.Database;
import java.sql.SQLException;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Writes a new table of ours (rows, meta and lineage) in one transaction: a component's output either
 * appears whole or not at all.
 */
public final class TableWriter {
    private final DSLContext dsl;
    private final Clock clock;

    public TableWriter(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /** Receives the rows of the table being written. */
    @FunctionalInterface
    public interface Rows {
        void writeTo(Sink sink) throws Exception;
    }

    @FunctionalInterface
    public interface Sink {
        void row(String key, String value) throws Exception;
    }

    /**
     * Creates {@code id} (replacing nothing: the name must be new), fills it from {@code rows}, records
     * its meta with {@code parent} as lineage, then runs {@code alsoInTransaction} before committing.
     * Returns the number of rows.
     */
    public long create(TableId id, JsonNode schema, String delimiter, String origin, String jobId, TableId parent,
                       Rows rows, Consumer<DSLContext> alsoInTransaction) {
        String physical = "t_" + UUID.randomUUID().toString().replace("-", "");
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            TableCatalog.lock(t, id);
            String qualified = DSL.name(Database.DATA_SCHEMA, physical).toString();
            t.execute("CREATE TABLE " + qualified + " (f_line BIGINT NOT NULL, f_key TEXT NOT NULL, "
                    + "f_value TEXT NOT NULL)");
            ArrayNode part = JsonNodeFactory.instance.arrayNode();
            long count = t.connectionResult(conn -> {
                try (CopyWriter copy = new CopyWriter(conn, qualified)) {
                    rows.writeTo((key, value) -> {
                        long n = copy.row(key, value);
                        if (n <= 100) {
                            part.addArray().add(key).add(value);
                        }
                    });
                    copy.finish();
                    return copy.count();
                } catch (RuntimeException | SQLException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.execute("CREATE INDEX ON " + qualified + " (f_line)");
            TableCatalog.insertMeta(t, new TableCatalog.NewMeta(id, TableCatalog.ownAddress(id, physical),
                    TableCatalog.STORE_FEDFLOW, 1, delimiter, true, false, false, schema, count, part, origin, jobId),
                    parent, clock.millis());
            alsoInTransaction.accept(t);
            return count;
        });
    }
}
