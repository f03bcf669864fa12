package io.fedflow.node.model;

import static io.fedflow.node.store.generated.Tables.T_MODEL_STORE;

import java.util.Optional;
import org.jooq.DSLContext;

/**
 * The model store of /v1/model/store and /v1/model/restore: export archives in table {@code t_model_store},
 * in the node's own database (made by migration V13) or in another PostgreSQL (where the table is created
 * if missing, since no migration runs there).
 */
public final class ArchiveStore {
    /** The table of migration V13, for a database the node does not migrate. */
    private static final String CREATE_TABLE = """
            CREATE TABLE IF NOT EXISTS t_model_store (
                f_party_model_id VARCHAR(512) NOT NULL,
                f_model_version  VARCHAR(128) NOT NULL,
                f_sha256         VARCHAR(64)  NOT NULL,
                f_size           BIGINT       NOT NULL,
                f_content        BYTEA        NOT NULL,
                f_create_time    BIGINT       NOT NULL,
                f_update_time    BIGINT       NOT NULL,
                PRIMARY KEY (f_party_model_id, f_model_version))""";

    private final DSLContext dsl;
    /** Whether the table is known to be there; an external store may be down when the node starts. */
    private volatile boolean tableReady;

    private ArchiveStore(DSLContext dsl, boolean tableReady) {
        this.dsl = dsl;
        this.tableReady = tableReady;
    }

    /** The store in the node's own database, whose table a migration made. */
    public static ArchiveStore own(DSLContext dsl) {
        return new ArchiveStore(dsl, true);
    }

    /** The store in another database: its table is created there at first use unless it exists. */
    public static ArchiveStore external(DSLContext dsl) {
        return new ArchiveStore(dsl, false);
    }

    private DSLContext dsl() {
        if (!tableReady) {
            dsl.execute(CREATE_TABLE);
            tableReady = true;
        }
        return dsl;
    }

    /** A stored archive. */
    public record Stored(byte[] content, String sha256) {}

    /**
     * Keeps an archive under a party model id and version; returns false (and writes nothing) when one is
     * there and {@code replace} is false.
     */
    public boolean put(String partyModelId, String modelVersion, byte[] content, String sha256, boolean replace,
                       long now) {
        var insert = dsl().insertInto(T_MODEL_STORE)
                .set(T_MODEL_STORE.F_PARTY_MODEL_ID, partyModelId)
                .set(T_MODEL_STORE.F_MODEL_VERSION, modelVersion)
                .set(T_MODEL_STORE.F_SHA256, sha256)
                .set(T_MODEL_STORE.F_SIZE, (long) content.length)
                .set(T_MODEL_STORE.F_CONTENT, content)
                .set(T_MODEL_STORE.F_CREATE_TIME, now)
                .set(T_MODEL_STORE.F_UPDATE_TIME, now);
        int rows = replace
                ? insert.onConflict(T_MODEL_STORE.F_PARTY_MODEL_ID, T_MODEL_STORE.F_MODEL_VERSION).doUpdate()
                        .set(T_MODEL_STORE.F_SHA256, sha256)
                        .set(T_MODEL_STORE.F_SIZE, (long) content.length)
                        .set(T_MODEL_STORE.F_CONTENT, content)
                        .set(T_MODEL_STORE.F_UPDATE_TIME, now)
                        .execute()
                : insert.onConflictDoNothing().execute();
        return rows > 0;
    }

    /** The size of a stored archive, read before the archive itself so that a huge one is never loaded. */
    public Optional<Long> size(String partyModelId, String modelVersion) {
        return dsl().select(T_MODEL_STORE.F_SIZE).from(T_MODEL_STORE)
                .where(T_MODEL_STORE.F_PARTY_MODEL_ID.eq(partyModelId),
                        T_MODEL_STORE.F_MODEL_VERSION.eq(modelVersion))
                .fetchOptional(T_MODEL_STORE.F_SIZE);
    }

    public Optional<Stored> get(String partyModelId, String modelVersion) {
        return dsl().select(T_MODEL_STORE.F_CONTENT, T_MODEL_STORE.F_SHA256).from(T_MODEL_STORE)
                .where(T_MODEL_STORE.F_PARTY_MODEL_ID.eq(partyModelId),
                        T_MODEL_STORE.F_MODEL_VERSION.eq(modelVersion))
                .fetchOptional(r -> new Stored(r.value1(), r.value2()));
    }
}
