package io.fedflow.node.data;

import static io.fedflow.node.store.generated.Tables.T_DATA_TABLE_TRACKING;
import static io.fedflow.node.store.generated.Tables.T_STORAGE_TABLE_META;
import static io.fedflow.node.store.generated.Tables.T_TABLE_READ;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Paging;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.Database;
import io.fedflow.node.store.Jsonb;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.proto.RetCode;
import java.time.Clock;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Table meta (FATE's t_storage_table_meta), deletion and lineage. */
public final class TableCatalog {
    /** Rows of an uploaded table live in a PostgreSQL table of ours, one row per line (key, value). */
    public static final String STORE_FEDFLOW = "FEDFLOW";
    /** A bound table: someone else's PostgreSQL table, read in place. */
    public static final String STORE_TABLE = "TABLE";
    /** A bound MYSQL table (or one the data writer made), read in place through the MariaDB driver. */
    public static final String STORE_MYSQL = "MYSQL";
    public static final String ENGINE = "POSTGRES";

    private final DSLContext dsl;
    private final Clock clock;

    public TableCatalog(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    public Optional<TStorageTableMetaRecord> find(TableId id) {
        return find(dsl, id);
    }

    static Optional<TStorageTableMetaRecord> find(DSLContext ctx, TableId id) {
        return ctx.selectFrom(T_STORAGE_TABLE_META)
                .where(T_STORAGE_TABLE_META.F_NAMESPACE.eq(id.namespace()), T_STORAGE_TABLE_META.F_NAME.eq(id.name()))
                .fetchOptional();
    }

    public TStorageTableMetaRecord require(TableId id) {
        return find(id).orElseThrow(() -> FlowException.notFound("no find table: table " + id + " does not exist"));
    }

    /**
     * Every table this node knows, newest first, one page: {@code {count, tables: [{namespace, table_name,
     * count, engine, store_type, partitions, origin, enable, job_id, create_time}]}}.
     */
    public ObjectNode list(Paging paging) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("count", dsl.fetchCount(T_STORAGE_TABLE_META));
        ArrayNode tables = o.putArray("tables");
        var m = T_STORAGE_TABLE_META;
        dsl.select(m.F_NAMESPACE, m.F_NAME, m.F_COUNT, m.F_ENGINE, m.F_STORE_TYPE, m.F_PARTITIONS, m.F_ORIGIN,
                        m.F_DISABLE, m.F_JOB_ID, m.F_CREATE_TIME).from(m)
                .orderBy(m.F_CREATE_TIME.desc(), m.F_NAMESPACE, m.F_NAME)
                .limit(paging.limit()).offset(paging.offset())
                .forEach(r -> tables.addObject().put("namespace", r.get(m.F_NAMESPACE))
                        .put("table_name", r.get(m.F_NAME)).put("count", r.get(m.F_COUNT))
                        .put("engine", r.get(m.F_ENGINE)).put("store_type", r.get(m.F_STORE_TYPE))
                        .put("partitions", r.get(m.F_PARTITIONS)).put("origin", r.get(m.F_ORIGIN))
                        .put("enable", !r.get(m.F_DISABLE)).put("job_id", r.get(m.F_JOB_ID))
                        .put("create_time", r.get(m.F_CREATE_TIME)));
        return o;
    }

    /** FATE's table_info: always answers, with exist 0 for an unknown table. */
    public ObjectNode info(TableId id) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("table_name", id.name());
        o.put("namespace", id.namespace());
        Optional<TStorageTableMetaRecord> meta = find(id);
        if (meta.isEmpty()) {
            o.put("exist", 0);
            o.put("count", 0);
            o.putNull("partition");
            o.putNull("schema");
            o.put("enable", true);
            o.putNull("origin");
            o.putNull("extend_sid");
            o.putNull("auto_increasing_sid");
            o.putNull("address");
            return o;
        }
        TStorageTableMetaRecord r = meta.get();
        o.put("exist", 1);
        o.put("count", r.getFCount());
        o.put("partition", r.getFPartitions());
        o.set("schema", Json.parse(r.getFSchema().data()));
        o.put("enable", !r.getFDisable());
        o.put("origin", r.getFOrigin());
        o.put("extend_sid", r.getFExtendSid());
        o.put("auto_increasing_sid", r.getFAutoIncreasingSid());
        o.set("address", maskedAddress(r));
        o.put("engine", r.getFEngine());
        o.put("store_type", r.getFStoreType());
        o.put("id_delimiter", r.getFIdDelimiter());
        o.put("have_head", r.getFHaveHead());
        o.put("create_time", r.getFCreateTime());
        return o;
    }

    static ObjectNode maskedAddress(TStorageTableMetaRecord r) {
        ObjectNode address = (ObjectNode) Json.parse(r.getFAddress().data());
        for (String secret : new String[] {"passwd", "password"}) {
            if (address.has(secret)) {
                address.put(secret, "******");
            }
        }
        return address;
    }

    /** Deletes a table's meta and, for tables we hold, its rows, in one transaction. */
    public ObjectNode delete(TableId id) {
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            TStorageTableMetaRecord r = t.selectFrom(T_STORAGE_TABLE_META)
                    .where(T_STORAGE_TABLE_META.F_NAMESPACE.eq(id.namespace()),
                           T_STORAGE_TABLE_META.F_NAME.eq(id.name()))
                    .forUpdate().fetchOne();
            if (r == null) {
                throw FlowException.notFound("no find table: table " + id + " does not exist");
            }
            dropStorage(t, r);
            r.delete();
        });
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("table_name", id.name());
        o.put("namespace", id.namespace());
        return o;
    }

    /**
     * A table a job or a download may read: it exists and is not disabled. {@code reader} names who asks, for the
     * message.
     */
    public TStorageTableMetaRecord requireReadable(TableId id, String reader) {
        TStorageTableMetaRecord r = require(id);
        refuseDisabled(r, reader);
        return r;
    }

    /** Refuses a disabled table to {@code reader}. */
    public static void refuseDisabled(TStorageTableMetaRecord r, String reader) {
        if (Boolean.TRUE.equals(r.getFDisable())) {
            throw FlowException.data(reader + ": table " + r.getFNamespace() + "." + r.getFName()
                    + " is disabled (flow table enable -n " + r.getFNamespace() + " -t " + r.getFName()
                    + " makes it readable again)");
        }
    }

    /**
     * FATE's table disable/enable: flags every table matching the given name and/or namespace; answers
     * [{table_name, namespace}], or 101 "no find table" when none matches. An empty filter matches no table, as
     * FATE's StorageTableMeta.query_table_meta ("not allow query all table"): never every table of the node.
     */
    public ArrayNode setDisabled(String namespace, String name, boolean disable) {
        if (namespace.isEmpty() && name.isEmpty()) {
            throw FlowException.notFound("no find table: an empty filter matches no table (give table_name and/or "
                    + "namespace)");
        }
        var filter = DSL.noCondition();
        if (!namespace.isEmpty()) {
            filter = filter.and(T_STORAGE_TABLE_META.F_NAMESPACE.eq(namespace));
        }
        if (!name.isEmpty()) {
            filter = filter.and(T_STORAGE_TABLE_META.F_NAME.eq(name));
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        dsl.update(T_STORAGE_TABLE_META)
                .set(T_STORAGE_TABLE_META.F_DISABLE, disable)
                .set(T_STORAGE_TABLE_META.F_UPDATE_TIME, clock.millis())
                .where(filter)
                .returning(T_STORAGE_TABLE_META.F_NAME, T_STORAGE_TABLE_META.F_NAMESPACE)
                .fetch()
                .sortAsc(T_STORAGE_TABLE_META.F_NAMESPACE)
                .forEach(r -> out.addObject().put("table_name", r.getFName()).put("namespace", r.getFNamespace()));
        if (out.isEmpty()) {
            throw FlowException.notFound("no find table: no table matches namespace '" + namespace
                    + "' table_name '" + name + "'");
        }
        return out;
    }

    /** FATE's disable/delete: deletes every disabled table (rows and meta) in one transaction; 101 when none is. */
    public ArrayNode deleteDisabled() {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            for (TStorageTableMetaRecord r : t.selectFrom(T_STORAGE_TABLE_META)
                    .where(T_STORAGE_TABLE_META.F_DISABLE.isTrue())
                    .orderBy(T_STORAGE_TABLE_META.F_NAMESPACE, T_STORAGE_TABLE_META.F_NAME)
                    .forUpdate().fetch()) {
                dropStorage(t, r);
                r.delete();
                out.addObject().put("table_name", r.getFName()).put("namespace", r.getFNamespace());
            }
        });
        if (out.isEmpty()) {
            throw FlowException.notFound("no find table: no table is disabled");
        }
        return out;
    }

    /** Drops the rows we hold for {@code meta}; a bound table's data belongs to someone else and stays. */
    static void dropStorage(DSLContext t, TStorageTableMetaRecord meta) {
        if (STORE_FEDFLOW.equals(meta.getFStoreType())) {
            JsonNode address = Json.parse(meta.getFAddress().data());
            t.execute("DROP TABLE IF EXISTS " + DSL.name(Database.DATA_SCHEMA, address.path("table").asText()));
        }
    }

    /** Tables this table was made from: [] when it came from outside (upload, bind). */
    public ArrayNode trackingSource(TableId id) {
        if (find(id).isEmpty()) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, "table " + id + " does not exist");
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        dsl.selectFrom(T_DATA_TABLE_TRACKING)
                .where(T_DATA_TABLE_TRACKING.F_TABLE_NAMESPACE.eq(id.namespace()),
                       T_DATA_TABLE_TRACKING.F_TABLE_NAME.eq(id.name()),
                       T_DATA_TABLE_TRACKING.F_PARENT_TABLE_NAME.isNotNull())
                .orderBy(T_DATA_TABLE_TRACKING.F_TABLE_ID)
                .forEach(r -> {
                    ObjectNode o = out.addObject();
                    o.put("parent_table_name", r.getFParentTableName());
                    o.put("parent_table_namespace", r.getFParentTableNamespace());
                    o.put("source_table_name", r.getFSourceTableName());
                    o.put("source_table_namespace", r.getFSourceTableNamespace());
                });
        return out;
    }

    /** Jobs that read this table. */
    public ObjectNode trackingJob(TableId id) {
        if (find(id).isEmpty()) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, "table " + id + " does not exist");
        }
        ArrayNode jobs = JsonNodeFactory.instance.arrayNode();
        dsl.selectDistinct(T_TABLE_READ.F_JOB_ID).from(T_TABLE_READ)
                .where(T_TABLE_READ.F_TABLE_NAMESPACE.eq(id.namespace()), T_TABLE_READ.F_TABLE_NAME.eq(id.name()))
                .orderBy(T_TABLE_READ.F_JOB_ID)
                .forEach(r -> jobs.add(r.value1()));
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("count", jobs.size());
        o.set("job", jobs);
        return o;
    }

    public void recordRead(TableId id, String jobId, String componentName) {
        dsl.insertInto(T_TABLE_READ)
                .set(T_TABLE_READ.F_TABLE_NAMESPACE, id.namespace())
                .set(T_TABLE_READ.F_TABLE_NAME, id.name())
                .set(T_TABLE_READ.F_JOB_ID, jobId)
                .set(T_TABLE_READ.F_COMPONENT_NAME, componentName)
                .set(T_TABLE_READ.F_CREATE_TIME, clock.millis())
                .execute();
    }

    static void recordProduced(DSLContext t, TableId id, TableId parent, String jobId, long now) {
        t.insertInto(T_DATA_TABLE_TRACKING)
                .set(T_DATA_TABLE_TRACKING.F_TABLE_NAMESPACE, id.namespace())
                .set(T_DATA_TABLE_TRACKING.F_TABLE_NAME, id.name())
                .set(T_DATA_TABLE_TRACKING.F_PARENT_TABLE_NAMESPACE, parent == null ? null : parent.namespace())
                .set(T_DATA_TABLE_TRACKING.F_PARENT_TABLE_NAME, parent == null ? null : parent.name())
                .set(T_DATA_TABLE_TRACKING.F_SOURCE_TABLE_NAMESPACE, parent == null ? null : parent.namespace())
                .set(T_DATA_TABLE_TRACKING.F_SOURCE_TABLE_NAME, parent == null ? null : parent.name())
                .set(T_DATA_TABLE_TRACKING.F_JOB_ID, jobId)
                .set(T_DATA_TABLE_TRACKING.F_CREATE_TIME, now)
                .execute();
    }

    /** What a new table's meta row holds. */
    record NewMeta(TableId id, JsonNode address, String storeType, int partitions, String delimiter,
                   boolean haveHead, boolean extendSid, boolean autoIncreasingSid, JsonNode schema, long count,
                   JsonNode partOfData, String origin, String jobId) {}

    /** Inserts a table's meta row and its lineage (made by {@code jobId} from {@code parent}). */
    static void insertMeta(DSLContext t, NewMeta m, TableId parent, long now) {
        t.insertInto(T_STORAGE_TABLE_META)
                .set(T_STORAGE_TABLE_META.F_NAME, m.id().name())
                .set(T_STORAGE_TABLE_META.F_NAMESPACE, m.id().namespace())
                .set(T_STORAGE_TABLE_META.F_ADDRESS, Jsonb.of(m.address()))
                .set(T_STORAGE_TABLE_META.F_ENGINE, STORE_MYSQL.equals(m.storeType()) ? STORE_MYSQL : ENGINE)
                .set(T_STORAGE_TABLE_META.F_STORE_TYPE, m.storeType())
                .set(T_STORAGE_TABLE_META.F_OPTIONS, Jsonb.of(JsonNodeFactory.instance.objectNode()))
                .set(T_STORAGE_TABLE_META.F_PARTITIONS, m.partitions())
                .set(T_STORAGE_TABLE_META.F_ID_DELIMITER, m.delimiter())
                .set(T_STORAGE_TABLE_META.F_HAVE_HEAD, m.haveHead())
                .set(T_STORAGE_TABLE_META.F_EXTEND_SID, m.extendSid())
                .set(T_STORAGE_TABLE_META.F_AUTO_INCREASING_SID, m.autoIncreasingSid())
                .set(T_STORAGE_TABLE_META.F_SCHEMA, Jsonb.of(m.schema()))
                .set(T_STORAGE_TABLE_META.F_COUNT, m.count())
                .set(T_STORAGE_TABLE_META.F_PART_OF_DATA, Jsonb.of(m.partOfData()))
                .set(T_STORAGE_TABLE_META.F_ORIGIN, m.origin())
                .set(T_STORAGE_TABLE_META.F_JOB_ID, m.jobId())
                .set(T_STORAGE_TABLE_META.F_CREATE_TIME, now)
                .set(T_STORAGE_TABLE_META.F_UPDATE_TIME, now)
                .execute();
        recordProduced(t, m.id(), parent, m.jobId(), now);
    }

    /** Work that must succeed for a registration to commit (another database's commit). */
    interface BeforeCommit {
        void run() throws Exception;
    }

    /**
     * Registers a table whose rows live outside the node (the data writer's copy), made from {@code parent}:
     * refused when the name is taken. {@code beforeCommit} runs last inside the transaction, so when it fails
     * no meta is left.
     */
    void registerExternal(NewMeta meta, TableId parent, BeforeCommit beforeCommit) {
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            lock(t, meta.id());
            if (find(t, meta.id()).isPresent()) {
                throw alreadyExists(meta.id());
            }
            insertMeta(t, meta, parent, clock.millis());
            beforeCommit.run();
        });
    }

    static FlowException alreadyExists(TableId id) {
        return new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.REFUSED, "output table " + id
                + " already exists; name another output_namespace/output_name", null);
    }

    /** The address of one of our row tables. */
    static ObjectNode ownAddress(TableId id, String physical) {
        ObjectNode address = JsonNodeFactory.instance.objectNode();
        address.put("name", id.name()).put("namespace", id.namespace())
                .put("schema", Database.DATA_SCHEMA).put("table", physical);
        return address;
    }

    /** Takes the per-table lock that serialises every writer of {@code id} until the transaction ends. */
    static void lock(DSLContext t, TableId id) {
        t.select(DSL.field("pg_advisory_xact_lock(hashtext({0}))", DSL.val(id.namespace() + "\u0001" + id.name())))
                .fetch();
    }
}
