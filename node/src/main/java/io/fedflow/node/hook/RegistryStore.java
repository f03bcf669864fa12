package io.fedflow.node.hook;

import static io.fedflow.node.store.generated.Tables.T_SERVER_REGISTRY_INFO;
import static io.fedflow.node.store.generated.Tables.T_SERVICE_REGISTRY_INFO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.wire.FateJson;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;

/** Registered servers and services in the node's PostgreSQL. */
public final class RegistryStore {
    private static final ObjectMapper JSON = FateJson.MAPPER;

    private final DSLContext dsl;
    private final Clock clock;

    public RegistryStore(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /** Adds or moves a server; the URLs of its services follow it, in the same transaction. */
    public void saveServer(ServerRegistration server) {
        long now = clock.millis();
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            t.insertInto(T_SERVER_REGISTRY_INFO)
                    .set(T_SERVER_REGISTRY_INFO.F_SERVER_NAME, server.name())
                    .set(T_SERVER_REGISTRY_INFO.F_HOST, server.host())
                    .set(T_SERVER_REGISTRY_INFO.F_PORT, server.port())
                    .set(T_SERVER_REGISTRY_INFO.F_PROTOCOL, server.protocol())
                    .set(T_SERVER_REGISTRY_INFO.F_CREATE_TIME, now)
                    .set(T_SERVER_REGISTRY_INFO.F_UPDATE_TIME, now)
                    .onConflict(T_SERVER_REGISTRY_INFO.F_SERVER_NAME).doUpdate()
                    .set(T_SERVER_REGISTRY_INFO.F_HOST, server.host())
                    .set(T_SERVER_REGISTRY_INFO.F_PORT, server.port())
                    .set(T_SERVER_REGISTRY_INFO.F_PROTOCOL, server.protocol())
                    .set(T_SERVER_REGISTRY_INFO.F_UPDATE_TIME, now)
                    .execute();
            for (Record r : t.selectFrom(T_SERVICE_REGISTRY_INFO)
                    .where(T_SERVICE_REGISTRY_INFO.F_SERVER_NAME.eq(server.name())).forUpdate().fetch()) {
                t.update(T_SERVICE_REGISTRY_INFO)
                        .set(T_SERVICE_REGISTRY_INFO.F_URL, server.urlOf(r.get(T_SERVICE_REGISTRY_INFO.F_PROTOCOL),
                                r.get(T_SERVICE_REGISTRY_INFO.F_URI)))
                        .set(T_SERVICE_REGISTRY_INFO.F_UPDATE_TIME, now)
                        .where(T_SERVICE_REGISTRY_INFO.F_SERVER_NAME.eq(server.name()),
                                T_SERVICE_REGISTRY_INFO.F_SERVICE_NAME.eq(r.get(T_SERVICE_REGISTRY_INFO.F_SERVICE_NAME)))
                        .execute();
            }
        });
    }

    public Optional<ServerRegistration> server(String name) {
        return dsl.selectFrom(T_SERVER_REGISTRY_INFO).where(T_SERVER_REGISTRY_INFO.F_SERVER_NAME.eq(name))
                .fetchOptional(RegistryStore::server);
    }

    public List<ServerRegistration> servers() {
        return dsl.selectFrom(T_SERVER_REGISTRY_INFO).orderBy(T_SERVER_REGISTRY_INFO.F_SERVER_NAME)
                .fetch(RegistryStore::server);
    }

    /** Deletes a server and its services; false when there was none. */
    public boolean deleteServer(String name) {
        return dsl.deleteFrom(T_SERVER_REGISTRY_INFO).where(T_SERVER_REGISTRY_INFO.F_SERVER_NAME.eq(name))
                .execute() == 1;
    }

    /** Adds or replaces the service of that server and name. */
    public void saveService(ServiceRegistration s) {
        long now = clock.millis();
        dsl.insertInto(T_SERVICE_REGISTRY_INFO)
                .set(T_SERVICE_REGISTRY_INFO.F_SERVER_NAME, s.serverName())
                .set(T_SERVICE_REGISTRY_INFO.F_SERVICE_NAME, s.serviceName())
                .set(T_SERVICE_REGISTRY_INFO.F_URI, s.uri())
                .set(T_SERVICE_REGISTRY_INFO.F_URL, s.url())
                .set(T_SERVICE_REGISTRY_INFO.F_METHOD, s.method())
                .set(T_SERVICE_REGISTRY_INFO.F_PROTOCOL, s.protocol())
                .set(T_SERVICE_REGISTRY_INFO.F_PARAMS, jsonb(s.params()))
                .set(T_SERVICE_REGISTRY_INFO.F_DATA, jsonb(s.data()))
                .set(T_SERVICE_REGISTRY_INFO.F_HEADERS, jsonb(s.headers()))
                .set(T_SERVICE_REGISTRY_INFO.F_CREATE_TIME, now)
                .set(T_SERVICE_REGISTRY_INFO.F_UPDATE_TIME, now)
                .onConflict(T_SERVICE_REGISTRY_INFO.F_SERVER_NAME, T_SERVICE_REGISTRY_INFO.F_SERVICE_NAME).doUpdate()
                .set(T_SERVICE_REGISTRY_INFO.F_URI, s.uri())
                .set(T_SERVICE_REGISTRY_INFO.F_URL, s.url())
                .set(T_SERVICE_REGISTRY_INFO.F_METHOD, s.method())
                .set(T_SERVICE_REGISTRY_INFO.F_PROTOCOL, s.protocol())
                .set(T_SERVICE_REGISTRY_INFO.F_PARAMS, jsonb(s.params()))
                .set(T_SERVICE_REGISTRY_INFO.F_DATA, jsonb(s.data()))
                .set(T_SERVICE_REGISTRY_INFO.F_HEADERS, jsonb(s.headers()))
                .set(T_SERVICE_REGISTRY_INFO.F_UPDATE_TIME, now)
                .execute();
    }

    /** The registrations of a service name, of one server when {@code serverName} is not null; oldest first. */
    public List<ServiceRegistration> services(String serviceName, String serverName) {
        var condition = T_SERVICE_REGISTRY_INFO.F_SERVICE_NAME.eq(serviceName);
        if (serverName != null) {
            condition = condition.and(T_SERVICE_REGISTRY_INFO.F_SERVER_NAME.eq(serverName));
        }
        return dsl.selectFrom(T_SERVICE_REGISTRY_INFO).where(condition)
                .orderBy(T_SERVICE_REGISTRY_INFO.F_UPDATE_TIME, T_SERVICE_REGISTRY_INFO.F_SERVER_NAME)
                .fetch(RegistryStore::service);
    }

    /** Every registration, least recently updated first. */
    public List<ServiceRegistration> allServices() {
        return dsl.selectFrom(T_SERVICE_REGISTRY_INFO)
                .orderBy(T_SERVICE_REGISTRY_INFO.F_UPDATE_TIME, T_SERVICE_REGISTRY_INFO.F_SERVER_NAME)
                .fetch(RegistryStore::service);
    }

    private static ServerRegistration server(Record r) {
        return new ServerRegistration(r.get(T_SERVER_REGISTRY_INFO.F_SERVER_NAME), r.get(T_SERVER_REGISTRY_INFO.F_HOST),
                r.get(T_SERVER_REGISTRY_INFO.F_PORT), r.get(T_SERVER_REGISTRY_INFO.F_PROTOCOL));
    }

    private static ServiceRegistration service(Record r) {
        return new ServiceRegistration(r.get(T_SERVICE_REGISTRY_INFO.F_SERVER_NAME),
                r.get(T_SERVICE_REGISTRY_INFO.F_SERVICE_NAME), r.get(T_SERVICE_REGISTRY_INFO.F_URI),
                r.get(T_SERVICE_REGISTRY_INFO.F_URL), r.get(T_SERVICE_REGISTRY_INFO.F_METHOD),
                r.get(T_SERVICE_REGISTRY_INFO.F_PROTOCOL), object(r.get(T_SERVICE_REGISTRY_INFO.F_PARAMS)),
                object(r.get(T_SERVICE_REGISTRY_INFO.F_DATA)), object(r.get(T_SERVICE_REGISTRY_INFO.F_HEADERS)),
                r.get(T_SERVICE_REGISTRY_INFO.F_CREATE_TIME), r.get(T_SERVICE_REGISTRY_INFO.F_UPDATE_TIME));
    }

    private static JSONB jsonb(JsonNode node) {
        return JSONB.valueOf(node.toString());
    }

    private static ObjectNode object(JSONB value) {
        if (value == null) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode node = JSON.readTree(value.data());
            return node instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        } catch (IOException e) {
            throw new IllegalStateException("t_service_registry_info holds JSON that does not parse", e);
        }
    }
}
