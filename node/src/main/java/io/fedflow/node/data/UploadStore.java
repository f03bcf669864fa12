package io.fedflow.node.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.store.Database;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.v1.UploadConf;
import java.io.InputStream;
import java.time.Clock;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The SQL of an upload: in one transaction, the new table created and filled with COPY, the old one dropped
 * when {@code drop=1}, and its meta written, so a failed upload leaves nothing behind.
 */
public final class UploadStore {
    private final DSLContext dsl;
    private final Limits limits;
    private final Clock clock;

    public UploadStore(DSLContext dsl, Limits limits, Clock clock) {
        this.dsl = dsl;
        this.limits = limits;
        this.clock = clock;
    }

    Optional<TStorageTableMetaRecord> find(TableId id) {
        return TableCatalog.find(dsl, id);
    }

    /**
     * Loads {@code file} into the table {@code physical} under the name the conf gives; {@code phases} receives
     * System.nanoTime() when the COPY ended and when the index was built.
     */
    CsvLoader.Result load(UploadService.ValidConf valid, String physical, InputStream file, String jobId,
                          long[] phases) {
        TableId id = valid.table();
        UploadConf conf = valid.conf();
        SampleIds ids = SampleIds.of(conf.getExtendSid(), conf.getAutoIncreasingSid(), clock);
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            TableCatalog.lock(t, id);
            Optional<TStorageTableMetaRecord> existing = TableCatalog.find(t, id);
            if (existing.isPresent()) {
                if (conf.getDrop() == 0) {
                    throw UploadService.alreadyExists();
                }
                TableCatalog.dropStorage(t, existing.get());
                existing.get().delete();
            }
            String qualified = DSL.name(Database.DATA_SCHEMA, physical).toString();
            t.execute("CREATE TABLE " + qualified + " (f_line BIGINT NOT NULL, f_key TEXT NOT NULL, "
                    + "f_value TEXT NOT NULL)");
            CsvLoader.Result r = t.connectionResult(conn ->
                    CsvLoader.load(conn, qualified, file, valid.delimiter(), conf.getHead() == 1, ids, limits));
            phases[0] = System.nanoTime();
            t.execute("CREATE INDEX ON " + qualified + " (f_line)");
            phases[1] = System.nanoTime();
            long now = clock.millis();
            ObjectNode schema = JsonNodeFactory.instance.objectNode();
            if (!r.columns().isEmpty()) {
                // with generated ids every column of the header is data, as FATE's schema says
                schema.put("sid", ids.generated() ? SampleIds.EXTEND_SID_NAME : r.columns().get(0));
                schema.put("header", String.join(valid.delimiter(),
                        r.columns().subList(ids.generated() ? 0 : 1, r.columns().size())));
            }
            if (conf.hasSchema()) {
                FateJson.toJson(conf.getSchema()).fields().forEachRemaining(e -> schema.set(e.getKey(), e.getValue()));
            }
            TableCatalog.insertMeta(t, new TableCatalog.NewMeta(id, TableCatalog.ownAddress(id, physical),
                    TableCatalog.STORE_FEDFLOW, conf.getPartition(), valid.delimiter(), conf.getHead() == 1,
                    conf.getExtendSid(), conf.getAutoIncreasingSid(), schema, r.count(), r.partOfData(), "upload",
                    jobId), null, now);
            return r;
        });
    }
}
