package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.TableInput;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Picking input tables by DSL key, splitting headers, passing data through. */
final class Inputs {
    private Inputs() {}

    /** The first table under the first of {@code keys} that has one, or null. */
    static TableInput first(ComponentContext ctx, String... keys) {
        for (String key : keys) {
            List<TableInput> tables = ctx.inputData(key);
            if (tables != null && !tables.isEmpty()) {
                return tables.get(0);
            }
        }
        return null;
    }

    /** The single table under the first of {@code keys} that has any; more than one is refused. */
    static TableInput single(ComponentContext ctx, Params p, String... keys) {
        for (String key : keys) {
            List<TableInput> tables = ctx.inputData(key);
            if (tables != null && !tables.isEmpty()) {
                if (tables.size() > 1) {
                    throw p.refuse("takes one input table under \"" + key + "\", got " + tables.size());
                }
                return tables.get(0);
            }
        }
        return null;
    }

    static String delimiter(TableInput t) {
        return t.delimiter() == null || t.delimiter().isEmpty() ? "," : t.delimiter();
    }

    /** The schema's header split by {@code delimiter}; empty when the table has none. */
    static List<String> header(JsonNode schema, String delimiter) {
        List<String> out = new ArrayList<>();
        if (schema == null) {
            return out;
        }
        JsonNode h = schema.get("header");
        if (h == null || h.isNull()) {
            return out;
        }
        if (h.isArray()) {
            h.forEach(e -> out.add(e.asText().trim()));
            return out;
        }
        String text = h.asText();
        if (text.isEmpty()) {
            return out;
        }
        for (String c : split(text, delimiter)) {
            out.add(c.trim());
        }
        return out;
    }

    static String[] split(String value, String delimiter) {
        return value.split(Pattern.quote(delimiter), -1);
    }

    static String sid(JsonNode schema) {
        if (schema == null) {
            return "id";
        }
        String sid = schema.path("sid").asText("");
        if (sid.isEmpty()) {
            sid = schema.path("sid_name").asText("");
        }
        return sid.isEmpty() ? "id" : sid;
    }

    /** FATE's pass_data when need_run is false: the input goes out unchanged as "data". */
    static void passThrough(ComponentContext ctx, TableInput in) {
        if (in == null) {
            ctx.log("need_run is false and there is no input: nothing to pass on");
            return;
        }
        ctx.log("need_run is false: passing " + in.source() + " through unchanged");
        ctx.writeTable("data", in.schema(), in.delimiter(), out -> ctx.scan(in, out::row));
    }
}
