package io.fedflow.node.data;

import static io.fedflow.node.store.generated.Tables.T_STORAGE_CONNECTOR;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.Jsonb;
import java.util.Optional;
import org.jooq.DSLContext;

/** FATE's t_storage_connector: named connection settings of external databases. */
public final class ConnectorStore {
    /** A stored connector; {@code info} holds the password and stays inside the node. */
    record Connector(String name, String engine, JsonNode info) {}

    private final DSLContext dsl;

    public ConnectorStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Creates the connector, or replaces the engine and settings of the one of that name. */
    void save(String name, String engine, JsonNode info, long now) {
        dsl.insertInto(T_STORAGE_CONNECTOR)
                .set(T_STORAGE_CONNECTOR.F_NAME, name)
                .set(T_STORAGE_CONNECTOR.F_ENGINE, engine)
                .set(T_STORAGE_CONNECTOR.F_CONNECTOR_INFO, Jsonb.of(info))
                .set(T_STORAGE_CONNECTOR.F_CREATE_TIME, now)
                .set(T_STORAGE_CONNECTOR.F_UPDATE_TIME, now)
                .onConflict(T_STORAGE_CONNECTOR.F_NAME)
                .doUpdate()
                .set(T_STORAGE_CONNECTOR.F_ENGINE, engine)
                .set(T_STORAGE_CONNECTOR.F_CONNECTOR_INFO, Jsonb.of(info))
                .set(T_STORAGE_CONNECTOR.F_UPDATE_TIME, now)
                .execute();
    }

    Optional<Connector> find(String name) {
        return dsl.selectFrom(T_STORAGE_CONNECTOR)
                .where(T_STORAGE_CONNECTOR.F_NAME.eq(name))
                .fetchOptional()
                .map(r -> new Connector(r.getFName(), r.getFEngine(), Json.parse(r.getFConnectorInfo().data())));
    }
}
