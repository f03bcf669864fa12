package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.Component;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.Param;
import io.fedflow.node.component.ParamType;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.core.FlowException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FATE's Reader: copies the stored table its {@code table} parameter names ({name, namespace}) into the
 * component's output "data", keeping the table's schema and delimiter.
 */
public final class Reader implements Component {
    public static final ComponentDefinition DEFINITION = new ComponentDefinition("Reader", List.of(),
            Map.of("table", Param.object().field("name", ParamType.STRING).field("namespace", ParamType.STRING)),
            Set.of("guest", "host", "local"), Reader::new);

    /** Distinct sample values kept per column for the data_info meta, as FATE's Reader shows them. */
    private static final int SAMPLE_ROWS = 100;
    private static final int SAMPLE_VALUES = 5;

    @Override
    public void run(ComponentContext ctx) {
        Params p = new Params(ctx);
        JsonNode table = p.node("table");
        if (table == null) {
            throw p.bad("table", "is missing: set {\"name\": ..., \"namespace\": ...} for role " + ctx.role()
                    + " party " + ctx.partyId());
        }
        if (!table.isObject()) {
            throw p.bad("table", "must be an object {\"name\": ..., \"namespace\": ...}, got " + table);
        }
        String name = field(p, table, "name");
        String namespace = field(p, table, "namespace");

        TableInput stored = ctx.storedTable(namespace, name);
        if (stored == null) {
            throw FlowException.notFound(p.who() + ": table " + namespace + "." + name + " does not exist");
        }
        String delimiter = Inputs.delimiter(stored);
        List<String> header = new ArrayList<>();
        header.add(Inputs.sid(stored.schema()));
        header.addAll(Inputs.header(stored.schema(), delimiter));
        List<Set<String>> samples = new ArrayList<>();
        header.forEach(h -> samples.add(new LinkedHashSet<>()));

        long[] count = {0};
        ctx.writeTable("data", stored.schema(), stored.delimiter(), out -> ctx.scan(stored, (key, value) -> {
            if (count[0] < SAMPLE_ROWS) {
                sample(samples, 0, key);
                String[] cols = value == null ? new String[0] : Inputs.split(value, delimiter);
                for (int i = 0; i < cols.length && i + 1 < samples.size(); i++) {
                    sample(samples, i + 1, cols[i]);
                }
            }
            out.row(key, value);
            if (++count[0] % 10_000 == 0) {
                ctx.checkCancelled();
            }
        }));

        ObjectNode tableNode = Params.JSON.createObjectNode().put("name", name).put("namespace", namespace);
        ObjectNode info = Params.JSON.createObjectNode();
        info.put("name", "reader");
        info.put("table_name", name);
        info.put("count", count[0]);
        ObjectNode tableInfo = info.putObject("table_info");
        for (int i = 0; i < header.size(); i++) {
            tableInfo.put(header.get(i), String.join(",", samples.get(i)));
        }
        ctx.setMetricMeta("reader_namespace", "reader_name", "data_info", info);

        ObjectNode summary = Params.JSON.createObjectNode();
        summary.put("count", count[0]);
        summary.set("table", tableNode);
        ctx.setSummary(summary);
        ctx.log("Reader copied " + count[0] + " rows of " + namespace + "." + name);
    }

    private static String field(Params p, JsonNode table, String field) {
        JsonNode v = table.get(field);
        if (v == null || v.isNull() || !v.isTextual() && !v.isNumber() || v.asText().isBlank()) {
            throw p.bad("table", "needs a non-empty \"" + field + "\", got " + table);
        }
        return v.asText();
    }

    private static void sample(List<Set<String>> samples, int col, String value) {
        Set<String> s = samples.get(col);
        if (s.size() < SAMPLE_VALUES) {
            s.add(value);
        }
    }
}
