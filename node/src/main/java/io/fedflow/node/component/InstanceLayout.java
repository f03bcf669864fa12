package io.fedflow.node.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How an instances table lays out a row (see {@link Instances}): the label first when the schema says
 * {@code with_label}, then one number per header column, joined by the table's delimiter. Parsing a row at
 * a time is what lets a component stream a table instead of holding it.
 *
 * @param table "namespace.name", for error messages
 * @param featureNames the header's columns
 * @param withLabel whether each row starts with the label
 * @param labelName the label column's name, or null without a label
 * @param delimiter between the values of a row
 */
public record InstanceLayout(String table, List<String> featureNames, boolean withLabel, String labelName,
                             String delimiter) {
    public InstanceLayout {
        featureNames = List.copyOf(featureNames);
    }

    public static InstanceLayout of(TableInput table) {
        JsonNode schema = table.schema();
        String delimiter = table.delimiter() == null || table.delimiter().isEmpty() ? "," : table.delimiter();
        boolean withLabel = schema.path("with_label").asBoolean(false);
        String header = schema.path("header").asText("");
        List<String> names = header.isEmpty() ? List.of() : List.of(header.split(Pattern.quote(delimiter), -1));
        return new InstanceLayout(table.namespace() + "." + table.name(), names, withLabel,
                withLabel ? schema.path("label_name").asText("y") : null, delimiter);
    }

    /** How a component writes instances: comma-separated, the label first when there is one. */
    public static InstanceLayout output(List<String> featureNames, boolean withLabel, String labelName) {
        return new InstanceLayout("output", featureNames, withLabel, withLabel ? labelName : null, ",");
    }

    /** The schema of a table in this layout: sid, header, with_label and label_name. */
    public ObjectNode schema() {
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        schema.put("sid", "id");
        schema.put("header", String.join(delimiter, featureNames));
        schema.put("with_label", withLabel);
        if (withLabel) {
            schema.put("label_name", labelName);
        }
        return schema;
    }

    /** One row's stored text; whole numbers have no ".0", so a label reads "1" as FATE writes it. */
    public String format(double label, double[] features) {
        StringBuilder sb = new StringBuilder();
        if (withLabel) {
            sb.append(format(label));
        }
        for (int j = 0; j < features.length; j++) {
            if (j > 0 || withLabel) {
                sb.append(delimiter);
            }
            sb.append(format(features[j]));
        }
        return sb.toString();
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    public int width() {
        return featureNames.size();
    }

    /** Parses one stored row and hands it to {@code sink}; a row of the wrong width or a non-number is refused. */
    public void parse(String id, String value, InstanceSink sink) throws Exception {
        int width = featureNames.size();
        int offset = withLabel ? 1 : 0;
        if (width + offset == 0) {
            if (!value.isEmpty()) {
                throw wrongWidth(id, value);
            }
            sink.row(id, Double.NaN, new double[0]);
            return;
        }
        double[] x = new double[width];
        double label = Double.NaN;
        int cell = 0;
        int start = 0;
        int dl = delimiter.length();
        while (true) {
            int end = value.indexOf(delimiter, start);
            String text = end < 0 ? value.substring(start) : value.substring(start, end);
            if (cell >= width + offset) {
                throw wrongWidth(id, value);
            }
            if (cell < offset) {
                label = number(text, id, labelName);
            } else {
                x[cell - offset] = number(text, id, featureNames.get(cell - offset));
            }
            cell++;
            if (end < 0) {
                break;
            }
            start = end + dl;
        }
        if (cell != width + offset) {
            throw wrongWidth(id, value);
        }
        sink.row(id, label, x);
    }

    private FlowException wrongWidth(String id, String value) {
        int cells = value.split(Pattern.quote(delimiter), -1).length;
        return FlowException.data("table " + table + ": row " + id + " has " + cells + " values, expected "
                + (width() + (withLabel ? 1 : 0)));
    }

    private static double number(String s, String id, String column) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw FlowException.data("row " + id + ", column " + column + ": \"" + s + "\" is not a number");
        }
    }
}
