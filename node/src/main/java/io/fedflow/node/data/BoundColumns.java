package io.fedflow.node.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The columns a bound table is read by (its id column, then its header's columns) and how one result row
 * becomes the id and the delimited value every reader of a table gets, whichever database holds it.
 */
final class BoundColumns {
    private BoundColumns() {}

    /** The id column first, then the header's columns, as the table's schema names them. */
    static List<String> of(TStorageTableMetaRecord meta) {
        JsonNode schema = Json.parse(meta.getFSchema().data());
        List<String> cols = new ArrayList<>();
        cols.add(schema.path("sid").asText());
        String header = schema.path("header").asText("");
        if (!header.isEmpty()) {
            cols.addAll(List.of(header.split(Pattern.quote(meta.getFIdDelimiter()))));
        }
        return cols;
    }

    /** Columns 2..width of the current row joined by {@code delimiter} (NULL as empty), in {@code buf}. */
    static String value(ResultSet rs, int width, String delimiter, StringBuilder buf) throws SQLException {
        buf.setLength(0);
        for (int i = 2; i <= width; i++) {
            if (i > 2) {
                buf.append(delimiter);
            }
            String v = rs.getString(i);
            buf.append(v == null ? "" : v);
        }
        return buf.toString();
    }
}
