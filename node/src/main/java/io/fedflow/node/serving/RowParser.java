package io.fedflow.node.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.builtin.DataTransform;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * DataTransform's model applied to one dense row: the model's header in its order, each value parsed as
 * DataTransform parses a table cell, missing and outlier values replaced by the model's fill values. A value that
 * is missing without an imputer, or not a number, fails the row naming the feature.
 */
final class RowParser {
    /** What counts as missing when the model lists nothing (DataTransform's default missing_impute). */
    private static final List<String> DEFAULT_MISSING =
            List.of("", "NA", "na", "null", "NULL", "NaN", "nan", "None", "none");

    private final List<String> header;
    private final Set<String> missing;
    private final boolean missingFill;
    private final double[] missingValues;
    private final boolean outlierReplace;
    private final Set<String> outlierText;
    private final Set<Double> outlierNumbers;
    private final double[] outlierValues;
    private final boolean intData;

    private RowParser(ServedComponent model) {
        JsonNode meta = model.meta();
        JsonNode param = model.param();
        if (!"dense".equals(meta.path("input_format").asText("dense").toLowerCase(Locale.ROOT))) {
            throw FlowException.argument("the DataTransform model of " + model.componentName() + " reads "
                    + meta.path("input_format").asText() + " input: only dense rows are served online");
        }
        this.header = new ArrayList<>();
        param.path("header").forEach(h -> header.add(h.asText()));
        if (header.isEmpty()) {
            throw FlowException.argument("the DataTransform model of " + model.componentName() + " has no header");
        }
        String dataType = meta.path("data_type").asText("float64");
        this.intData = dataType.startsWith("int") || "long".equals(dataType);
        JsonNode imputer = meta.path("imputer_meta");
        this.missingFill = imputer.path("is_imputer").asBoolean(false);
        List<String> listed = new ArrayList<>();
        imputer.path("missing_value").forEach(v -> listed.add(v.asText()));
        this.missing = new HashSet<>(listed.isEmpty() ? DEFAULT_MISSING : listed);
        this.missingValues = values(param.path("imputer_param").path("missing_replace_value"));
        JsonNode outlier = meta.path("outlier_meta");
        this.outlierReplace = outlier.path("is_outlier").asBoolean(false);
        this.outlierText = new HashSet<>();
        if (outlierReplace) {
            outlier.path("outlier_value").forEach(v -> outlierText.add(v.asText()));
        }
        this.outlierNumbers = new HashSet<>();
        for (String o : outlierText) {
            Double d = DataTransform.number(o);
            if (d != null) {
                outlierNumbers.add(d);
            }
        }
        this.outlierValues = values(param.path("outlier_param").path("outlier_replace_value"));
    }

    static RowParser of(ServedComponent model) {
        return new RowParser(model);
    }

    List<String> header() {
        return header;
    }

    /** The row of {@code raw} (a feature's text by name; null when absent) in the model's header order. */
    double[] parse(Function<String, String> raw, int failureBase) {
        double[] row = new double[header.size()];
        for (int j = 0; j < row.length; j++) {
            String name = header.get(j);
            String t = raw.apply(name);
            if (t == null || missing.contains(t) || missing.contains(t.trim())) {
                if (!missingFill) {
                    throw FlowException.withRetcode(failureBase + ServingCodes.FEATURE_ERROR, FailureKind.BAD_REQUEST,
                            "feature " + name + (t == null ? " is not given" : " is missing ('" + t + "')")
                                    + " and the model was trained without missing_fill");
                }
                row[j] = missingValues[j];
                continue;
            }
            Double d = DataTransform.number(t);
            if (d == null) {
                throw FlowException.withRetcode(failureBase + ServingCodes.FEATURE_ERROR, FailureKind.BAD_REQUEST,
                        "feature " + name + ": '" + t + "' is not a number");
            }
            if (intData && d != Math.rint(d)) {
                throw FlowException.withRetcode(failureBase + ServingCodes.FEATURE_ERROR, FailureKind.BAD_REQUEST,
                        "feature " + name + ": '" + t + "' is not an integer (the model's data_type)");
            }
            row[j] = outlierReplace && (outlierText.contains(t) || outlierNumbers.contains(d)) ? outlierValues[j] : d;
        }
        return row;
    }

    private double[] values(JsonNode byName) {
        double[] out = new double[header.size()];
        for (int j = 0; j < out.length; j++) {
            JsonNode v = byName.get(header.get(j));
            Double d = v == null ? null : v.isNumber() ? Double.valueOf(v.asDouble()) : DataTransform.number(v.asText());
            out[j] = d == null ? 0.0 : d;
        }
        return out;
    }
}
