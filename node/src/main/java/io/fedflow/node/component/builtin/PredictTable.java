package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.TableInput;
import java.util.List;

/**
 * FATE's prediction output: per row {@code label, predict_result, predict_score, predict_detail, type}
 * ("train", "validate" or "predict"). predict_detail is JSON with commas in it, so the table is written
 * tab-delimited, and its schema's header is joined by that delimiter.
 */
final class PredictTable {
    static final String DELIMITER = "\t";
    static final List<String> HEADER = List.of("label", "predict_result", "predict_score", "predict_detail", "type");

    private PredictTable() {}

    static ObjectNode schema(String sid) {
        ObjectNode schema = Params.JSON.createObjectNode();
        schema.put("sid", sid);
        schema.put("header", String.join(DELIMITER, HEADER));
        return schema;
    }

    static String row(String label, String result, double score, JsonNode detail, String type) {
        return String.join(DELIMITER, label, result, Double.toString(score), detail.toString(), type);
    }

    /** One prediction row as read back. */
    record Row(String id, String label, String result, String score, String type) {}

    /** Receives the rows of a prediction table one at a time. */
    @FunctionalInterface
    interface RowConsumer {
        void accept(Row row) throws Exception;
    }

    /** Streams a prediction table's rows (any delimiter; columns found by name in its header), none held. */
    static void scan(ComponentContext ctx, Params p, TableInput t, RowConsumer rows) {
        String delim = Inputs.delimiter(t);
        List<String> header = Inputs.header(t.schema(), delim);
        int label = header.indexOf("label");
        int result = header.indexOf("predict_result");
        int score = header.indexOf("predict_score");
        int type = header.indexOf("type");
        if (label < 0 || score < 0 && result < 0) {
            throw p.dataError("input " + t.source() + " is not a prediction table: its header is " + header
                    + ", expected " + HEADER);
        }
        int width = header.size();
        ctx.scan(t, (key, value) -> {
            String[] v = Inputs.split(value == null ? "" : value, delim);
            if (v.length != width) {
                throw p.dataError("input " + t.source() + ", row id " + key + " has " + v.length
                        + " values but the header has " + width);
            }
            rows.accept(new Row(key, v[label], result < 0 ? null : v[result], score < 0 ? null : v[score],
                    type < 0 ? "train" : v[type]));
        });
    }
}
