package io.fedflow.node.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.v1.ConnectorRequest;
import java.time.Clock;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * FATE's storage connectors: named connection settings (host, port, db, user, passwd) of a MYSQL server
 * that table binds and the data writer may name instead of carrying credentials. A query answers the
 * settings with the password masked; the password leaves the node only towards the database itself.
 */
public final class TableConnectors {
    static final String MYSQL = "MYSQL";
    private static final int MAX_NAME = 100;

    private final ConnectorStore store;
    private final Clock clock;

    public TableConnectors(ConnectorStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Creates the connector, or replaces the settings of an existing one of that name (as FATE does). */
    public ObjectNode create(ConnectorRequest req) {
        String name = requireName(req.getConnectorName());
        if (req.getEngine().isBlank()) {
            throw FlowException.argument("required argument are missing: engine");
        }
        String engine = req.getEngine().trim().toUpperCase(Locale.ROOT);
        if (!engine.equals(MYSQL)) {
            throw FlowException.argument("engine " + req.getEngine() + " is not supported for connectors; use MYSQL");
        }
        if (!req.hasConnectorInfo()) {
            throw FlowException.argument("required argument are missing: connector_info");
        }
        JsonNode info = FateJson.toJson(req.getConnectorInfo());
        ObjectNode clean = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = info.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!MysqlAddress.CONNECTION_FIELDS.contains(e.getKey())) {
                throw FlowException.argument("connector_info." + e.getKey() + " is not a MYSQL connection setting "
                        + "(host, port, db, user, passwd)");
            }
            if (e.getValue().isContainerNode()) {
                throw FlowException.argument("connector_info." + e.getKey() + " must be a string or a number");
            }
            // One spelling inside the node: FATE's passwd.
            clean.set(e.getKey().equals("password") ? "passwd" : e.getKey(), e.getValue());
        }
        if (clean.has("port")) {
            clean.put("port", MysqlAddress.port(clean.get("port"), "connector_info"));
        }
        // The same checks a bind runs on the settings it would use (host present and well formed, port in range).
        ObjectNode probe = clean.deepCopy().put("db", clean.path("db").asText("-"));
        MysqlAddress.of(probe, this, "connector_info");
        store.save(name, engine, clean, clock.millis());
        return JsonNodeFactory.instance.objectNode();
    }

    /** The connector's settings as FATE's query answers them, with the password masked. */
    public ObjectNode query(String connectorName) {
        String name = requireName(connectorName);
        ObjectNode info = load(name).deepCopy();
        for (String secret : new String[] {"passwd", "password"}) {
            if (info.has(secret)) {
                info.put(secret, MysqlAddress.MASK);
            }
        }
        return info;
    }

    /** The stored settings, password included, for connecting (never for an answer). */
    ObjectNode settings(String connectorName) {
        return load(connectorName);
    }

    private ObjectNode load(String name) {
        ConnectorStore.Connector c = store.find(name).orElseThrow(() -> FlowException.notFound(
                "no find connector: connector_name " + name + " does not exist (flow table connector-create makes it)"));
        return (ObjectNode) c.info();
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw FlowException.argument("required argument are missing: connector_name");
        }
        if (name.length() > MAX_NAME) {
            throw FlowException.argument("connector_name is longer than " + MAX_NAME + " characters");
        }
        return name;
    }
}
