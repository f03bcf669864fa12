package io.fedflow.node.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.store.Database;
import io.fedflow.proto.RetCode;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a bound table may live. Without {@code host}: the node's own database, in a schema the caller
 * names, never PostgreSQL's catalogs (password hashes, settings) nor the node's bookkeeping. With
 * {@code host}: any PostgreSQL but the node's embedded one; and a connection that fails says only that it
 * failed (the reason goes to the node's log), so binds cannot map which ports of which hosts answer.
 * Checked when a table is bound and again each time its rows are read.
 */
public final class BindAddresses {
    private static final Logger logger = LoggerFactory.getLogger(BindAddresses.class);

    /** The node's bookkeeping (Flyway's tables in public), uploaded rows, and the SQL standard's catalog. */
    private static final Set<String> NODE_SCHEMAS = Set.of("public", Database.DATA_SCHEMA, "information_schema");
    /** A host name or IP literal; nothing that could carry more of a JDBC URL (ports, parameters). */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[?[0-9A-Fa-f:.]+]?");
    static final String CONNECT_FAILED = "check address failed: cannot connect to the database at address.host "
            + "(the node's log says why)";

    private final OptionalInt ownDatabasePort;
    private final Duration connectTimeout;

    /**
     * @param ownDatabasePort the embedded PostgreSQL's port, which {@code host} binds may not reach
     * @param connectTimeout how long a {@code host} bind may take to connect and log in
     */
    public BindAddresses(OptionalInt ownDatabasePort, Duration connectTimeout) {
        this.ownDatabasePort = ownDatabasePort;
        this.connectTimeout = connectTimeout;
    }

    /** Refuses, with retcode 101 naming the field, an address no bind may use. */
    void check(JsonNode address) {
        if (host(address).isEmpty()) {
            checkSchema(address);
        } else {
            target(address);
        }
    }

    /** A connection to the database an address names: the node's own when it gives no host. */
    Connection connect(JsonNode address, DataSource ownDatabase) throws SQLException {
        if (host(address).isEmpty()) {
            checkSchema(address);
            return ownDatabase.getConnection();
        }
        String url = target(address);
        String password = address.hasNonNull("passwd") ? address.get("passwd").asText()
                : address.path("password").asText(null);
        try {
            return TableRows.open(url, address.path("user").asText(null), password, connectTimeout);
        } catch (SQLException e) {
            logger.warn("bind address {}: cannot connect: {}", url, e.getMessage());
            throw new FlowException(RetCode.EXCEPTION_ERROR, CONNECT_FAILED);
        }
    }

    private static String host(JsonNode address) {
        return address.path("host").asText("").trim();
    }

    private static void checkSchema(JsonNode address) {
        String schema = address.path("schema").asText("");
        if (schema.isBlank()) {
            throw FlowException.argument("address.schema is required when address.host is not given: name the "
                    + "schema of the table in the node's database");
        }
        String s = schema.toLowerCase(Locale.ROOT);
        if (s.startsWith("pg_") || NODE_SCHEMAS.contains(s)) {
            throw FlowException.argument("address.schema " + schema + " belongs to PostgreSQL or to the node "
                    + "itself and cannot be bound");
        }
    }

    /** The JDBC URL of a {@code host} address, its host resolved once and checked against the node's own. */
    private String target(JsonNode address) {
        String host = host(address);
        if (!HOST.matcher(host).matches()) {
            throw FlowException.argument("address.host must be a host name or an IP address, got " + host);
        }
        int port = address.path("port").asInt(5432);
        if (port < 1 || port > 65535) {
            throw FlowException.argument("address.port must be between 1 and 65535, got "
                    + address.path("port").asText());
        }
        InetAddress resolved;
        try {
            InetAddress[] all = InetAddress.getAllByName(host.replace("[", "").replace("]", ""));
            for (InetAddress a : all) {
                if (ownDatabasePort.isPresent() && ownDatabasePort.getAsInt() == port && isThisMachine(a)) {
                    throw FlowException.argument("address.host and address.port name the node's own database, "
                            + "which cannot be bound");
                }
            }
            resolved = all[0];
        } catch (UnknownHostException e) {
            logger.warn("bind address {}: cannot resolve: {}", host, e.getMessage());
            throw new FlowException(RetCode.EXCEPTION_ERROR, CONNECT_FAILED);
        }
        String db = address.hasNonNull("db") ? address.get("db").asText() : address.path("database").asText("postgres");
        // The resolved address, not the name: what was checked is what is connected to.
        String literal = resolved instanceof Inet6Address ? "[" + resolved.getHostAddress() + "]"
                : resolved.getHostAddress();
        return "jdbc:postgresql://" + literal + ":" + port + "/" + URLEncoder.encode(db, StandardCharsets.UTF_8);
    }

    private static boolean isThisMachine(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return true; // cannot tell: treat as ours
        }
    }
}
