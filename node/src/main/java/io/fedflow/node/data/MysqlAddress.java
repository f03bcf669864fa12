package io.fedflow.node.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a MYSQL table lives: a server, a database, the user and password to log in with, and the table's
 * {@code name}. Built from FATE's address object, either with the credentials in it or with a
 * {@code connector_name} whose stored settings supply them. Its {@link #toString()} never shows the password.
 */
public record MysqlAddress(String host, int port, String db, String user, String passwd, String name,
                           String connectorName) {
    static final int DEFAULT_PORT = 3306;
    /** The connection settings a connector holds (FATE's MysqlAddress.connector); {@code password} is an alias. */
    static final Set<String> CONNECTION_FIELDS = Set.of("host", "port", "db", "user", "passwd", "password");
    /** A host name or IP literal; nothing that could carry more of a JDBC URL (ports, options, more hosts). */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[?[0-9A-Fa-f:.]+]?");
    static final String MASK = "******";

    /**
     * Reads FATE's address object; with {@code connector_name}, the stored settings of {@code connectors} fill
     * what the address leaves out. {@code field} names the object in messages ({@code address}).
     */
    static MysqlAddress of(JsonNode address, TableConnectors connectors, String field) {
        if (address == null || !address.isObject()) {
            throw FlowException.argument("required argument are missing: " + field);
        }
        String connectorName = text(address, "connector_name");
        JsonNode settings = address;
        if (!connectorName.isEmpty()) {
            ObjectNode merged = connectors.settings(connectorName).deepCopy();
            address.fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
            settings = merged;
        }
        String host = text(settings, "host");
        if (host.isEmpty()) {
            throw FlowException.argument("required argument are missing: " + field + ".host (or "
                    + field + ".connector_name)");
        }
        if (!HOST.matcher(host).matches()) {
            throw FlowException.argument(field + ".host must be a host name or an IP address, got " + host);
        }
        int port = port(settings.get("port"), field);
        String db = text(settings, "db");
        if (db.isEmpty()) {
            throw FlowException.argument("required argument are missing: " + field + ".db");
        }
        String passwd = settings.hasNonNull("passwd") ? settings.get("passwd").asText()
                : settings.hasNonNull("password") ? settings.get("password").asText() : "";
        return new MysqlAddress(host, port, db, text(settings, "user"), passwd, text(address, "name"),
                connectorName);
    }

    static int port(JsonNode port, String field) {
        if (port == null || port.isNull() || port.asText().isEmpty()) {
            return DEFAULT_PORT;
        }
        int p;
        try {
            p = Integer.parseInt(port.asText().trim());
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 1 || p > 65535) {
            throw FlowException.argument(field + ".port must be between 1 and 65535, got " + port.asText());
        }
        return p;
    }

    private static String text(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? "" : v.asText().trim();
    }

    MysqlAddress withName(String tableName) {
        return new MysqlAddress(host, port, db, user, passwd, tableName, connectorName);
    }

    /**
     * What the table's meta keeps: with a connector, only its name and the table (the credentials stay in the
     * connector, and changing it moves every table bound through it); otherwise FATE's address object.
     */
    ObjectNode stored() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (!connectorName.isEmpty()) {
            return o.put("connector_name", connectorName).put("name", name);
        }
        return o.put("user", user).put("passwd", passwd).put("host", host).put("port", port).put("db", db)
                .put("name", name);
    }

    /** {@link #stored()} with the password masked: for what answers and job records show. */
    ObjectNode masked() {
        ObjectNode o = stored();
        if (o.has("passwd")) {
            o.put("passwd", MASK);
        }
        return o;
    }

    /** {@code db.name} as MariaDB quotes identifiers. */
    String qualifiedName() {
        return quote(db) + "." + quote(name);
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** Hides the password wherever a driver's message might echo it. */
    String scrub(String message) {
        if (message == null) {
            return "";
        }
        return passwd.isEmpty() ? message : message.replace(passwd, MASK);
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + db + "." + name
                + (connectorName.isEmpty() ? "" : " (connector " + connectorName + ")");
    }
}
