package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.Component;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.InputRule;
import io.fedflow.node.component.InstanceLayout;
import io.fedflow.node.component.ModelInput;
import io.fedflow.node.component.Param;
import io.fedflow.node.component.ParamSpec;
import io.fedflow.node.component.ParamType;
import io.fedflow.node.component.TableInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * FATE's DataTransform (alias DataIO): turns a raw table (Reader's output) into numeric instances.
 *
 * <p>Dense input: the header comes from the schema, split by the table's delimiter; with {@code with_label}
 * the column named {@code label_name} (case-insensitive) is the label and the rest are features. Values in
 * {@code missing_impute} are missing: with {@code missing_fill} they are filled per {@code missing_fill_method}
 * (designated/min/max/mean/median), otherwise they fail the task naming the row and column. Values in
 * {@code outlier_impute} are replaced likewise when {@code outlier_replace} is set.
 *
 * <p>Sparse input (svm-light): each value is {@code [label] idx:val idx:val ...}; width is the largest
 * index + 1 and features are named x0..xN. Tag input is refused.
 *
 * <p>With an input model (predict jobs) the model's settings, header and fill values are used instead of
 * fitting them again.
 *
 * <p>The table is never held: each row is written as it is parsed. What must be known before the first row
 * is written takes scans of its own, with state bounded by the columns: the statistics of computed fills
 * (min, max and mean in one scan, an exact median in a few more: {@link ColumnStatistics}), a headerless
 * table's width, a sparse table's width (its largest index) when there is no model.
 */
public final class DataTransform implements Component {
    public static final ComponentDefinition DEFINITION;

    static {
        // FATE's DataTransformParam, with the values this runtime reads
        String[] fillMethods = {"designated", "min", "max", "mean", "median"};
        Map<String, ParamSpec> params = new LinkedHashMap<>();
        params.put("input_format", Param.string().oneOf("dense", "sparse"));
        params.put("delimitor", Param.string().where(v -> !v.asText().isEmpty(), "a non-empty string"));
        params.put("data_type", Param.string().oneOf("float64", "float", "double", "int", "int64", "long"));
        params.put("exclusive_data_type", ParamType.OBJECT);
        params.put("tag_with_value", ParamType.BOOL);
        params.put("tag_value_delimitor", ParamType.STRING);
        params.put("missing_fill", ParamType.BOOL);
        params.put("default_value", ParamType.ANY);
        params.put("missing_fill_method", Param.string().oneOf(fillMethods));
        params.put("missing_impute", ParamType.LIST);
        params.put("outlier_replace", ParamType.BOOL);
        params.put("outlier_replace_method", Param.string().oneOf(fillMethods));
        params.put("outlier_impute", ParamType.LIST);
        params.put("outlier_replace_value", ParamType.ANY);
        params.put("with_label", ParamType.BOOL);
        params.put("label_name", ParamType.STRING);
        params.put("label_type", Param.string().oneOf("int", "int64", "long", "float", "float64"));
        params.put("output_format", Param.string().oneOf("dense", "sparse"));
        params.put("need_run", ParamType.BOOL);
        params.put("with_match_id", ParamType.BOOL);
        params.put("match_id_name", ParamType.STRING);
        params.put("match_id_index", Param.integer().atLeast(0));
        DEFINITION = new ComponentDefinition("DataTransform", List.of("DataIO"), Map.copyOf(params),
                Set.of("guest", "host", "local"), DataTransform::new, InputRule.anyOf(
                        "one input table under input.data.data", InputRule.data("data", "train_data",
                                "test_data", "eval_data", "validate_data")));
    }

    /** What counts as missing when {@code missing_impute} is not set. */
    static final List<String> DEFAULT_MISSING =
            List.of("", "NA", "na", "null", "NULL", "NaN", "nan", "None", "none");

    private static final String[] FILL_METHODS = {"designated", "min", "max", "mean", "median"};
    private static final byte OK = 0;
    private static final byte MISSING = 1;
    private static final byte OUTLIER = 2;

    @Override
    public void run(ComponentContext ctx) {
        Params p = new Params(ctx);
        TableInput in = Inputs.single(ctx, p, "data", "train_data", "test_data", "eval_data", "validate_data");
        if (!p.bool("need_run", true)) {
            Inputs.passThrough(ctx, in);
            return;
        }
        if (in == null) {
            throw p.refuse("needs one input table under \"data\" (e.g. reader_0.data)");
        }
        List<ModelInput> models = ctx.inputModels("model");
        ModelInput model = models == null || models.isEmpty() ? null : models.get(0);
        Settings s = model == null ? Settings.fromParams(p) : Settings.fromModel(p, model);
        if (model == null) {
            ignoredParams(ctx, p);
        } else {
            ctx.log("transforming with the model of " + model.component() + " (its settings, header and fill values)");
        }

        Parsed out = "sparse".equals(s.inputFormat) ? transformSparse(ctx, p, in, s) : transformDense(ctx, p, in, s);
        ObjectNode param = Params.JSON.createObjectNode();
        param.set("header", strings(out.names));
        param.put("sid_name", Inputs.sid(in.schema()));
        param.put("label_name", out.labelName == null ? "" : out.labelName);
        param.put("with_label", out.labelName != null);
        if (out.matchIdName != null) {
            param.put("match_id_name", out.matchIdName);
        }
        ObjectNode imputer = param.putObject("imputer_param");
        imputer.set("missing_replace_value", columnMap(out.names, out.missingFill));
        imputer.set("missing_value_ratio", columnMap(out.names, out.missingRatio));
        ObjectNode outlier = param.putObject("outlier_param");
        outlier.set("outlier_replace_value", columnMap(out.names, out.outlierFill));
        outlier.set("outlier_value_ratio", columnMap(out.names, out.outlierRatio));

        ObjectNode meta = Params.JSON.createObjectNode();
        meta.put("input_format", s.inputFormat);
        meta.put("delimitor", s.delimiter == null ? Inputs.delimiter(in) : s.delimiter);
        meta.put("data_type", s.dataType);
        meta.put("with_label", s.withLabel);
        meta.put("label_name", s.labelName);
        meta.put("label_type", s.labelType);
        meta.put("output_format", s.outputFormat);
        meta.put("with_match_id", s.withMatchId);
        ObjectNode imputerMeta = meta.putObject("imputer_meta");
        imputerMeta.put("is_imputer", s.missingFill);
        imputerMeta.put("strategy", s.missingMethod);
        imputerMeta.set("missing_value", strings(s.missingImpute));
        ObjectNode outlierMeta = meta.putObject("outlier_meta");
        outlierMeta.put("is_outlier", s.outlierReplace);
        outlierMeta.put("strategy", s.outlierMethod);
        outlierMeta.set("outlier_value", strings(s.outlierImpute));
        meta.put("need_run", true);
        ctx.saveModel("model", param, meta);

        ObjectNode summary = Params.JSON.createObjectNode();
        summary.put("count", out.count);
        summary.put("feature_num", out.names.size());
        summary.put("with_label", out.labelName != null);
        if (out.labelName != null) {
            summary.put("label_name", out.labelName);
            ObjectNode lc = summary.putObject("label_counts");
            out.labelCounts.forEach(lc::put);
        }
        if (s.missingFill && out.missingFill != null) {
            ObjectNode info = summary.putObject("missing_fill_info");
            info.set("missing_value", strings(s.missingImpute));
            info.set("missing_impute_value", columnMap(out.names, out.missingFill));
            info.set("missing_impute_rate", columnMap(out.names, out.missingRatio));
        }
        if (s.outlierReplace && out.outlierFill != null) {
            ObjectNode info = summary.putObject("outlier_replace_info");
            info.set("outlier_value", strings(s.outlierImpute));
            info.set("outlier_replace_value", columnMap(out.names, out.outlierFill));
            info.set("outlier_replace_rate", columnMap(out.names, out.outlierRatio));
        }
        ctx.setSummary(summary);
        ctx.log("DataTransform made " + out.count + " instances with " + out.names.size() + " features"
                + (out.labelName != null ? " and label " + out.labelName : "") + " in " + out.scans + " scan"
                + (out.scans == 1 ? "" : "s") + " of its input");
    }

    // ---------------------------------------------------------------------------------------------------
    // dense

    private static Parsed transformDense(ComponentContext ctx, Params p, TableInput in, Settings s) {
        String tableDelim = Inputs.delimiter(in);
        String delim = s.delimiter == null ? tableDelim : s.delimiter;
        List<String> cols = Inputs.header(in.schema(), tableDelim);
        if (cols.size() <= 1 && !delim.equals(tableDelim)) {
            List<String> alt = Inputs.header(in.schema(), delim);
            if (alt.size() > cols.size()) {
                cols = alt;
            }
        }
        boolean withLabel = s.withLabel;
        int labelIdx = -1;
        if (withLabel) {
            for (int i = 0; i < cols.size(); i++) {
                if (cols.get(i).equalsIgnoreCase(s.labelName)) {
                    labelIdx = i;
                    break;
                }
            }
            if (labelIdx < 0) {
                if (s.fromModel) {
                    ctx.log("label column " + s.labelName + " is not in this table's header: predicting without label");
                    withLabel = false;
                } else if (cols.isEmpty()) {
                    throw p.refuse("with_label is true but table " + in.source()
                            + " has no header to find label_name '" + s.labelName + "' in");
                } else {
                    throw p.bad("label_name", "'" + s.labelName + "' is not a column of " + in.source()
                            + "; its header is " + cols);
                }
            }
        }
        String labelName = withLabel ? cols.get(labelIdx) : null;
        int matchIdx = matchIdColumn(p, in, s, cols, labelIdx);

        // feature columns, in the header's order (or the model's)
        List<String> names = new ArrayList<>();
        List<Integer> colIdx = new ArrayList<>();
        for (int i = 0; i < cols.size(); i++) {
            if (i != labelIdx && i != matchIdx) {
                names.add(cols.get(i));
                colIdx.add(i);
            }
        }
        if (s.header != null) {
            List<Integer> aligned = new ArrayList<>();
            for (String h : s.header) {
                int at = names.indexOf(h);
                if (at < 0) {
                    throw p.dataError("the model's feature " + h + " is not a column of " + in.source()
                            + " (header " + cols + ")");
                }
                aligned.add(colIdx.get(at));
            }
            names = new ArrayList<>(s.header);
            colIdx = aligned;
        }
        DenseRows rows = new DenseRows(p, s, in, delim, tableDelim, cols, labelIdx, withLabel, names, colIdx);
        Parsed out = new Parsed();
        out.matchIdName = matchIdx < 0 ? null : cols.get(matchIdx);
        out.labelName = withLabel ? cols.get(labelIdx) : null;
        boolean needStats = s.missingFill && computed(s.missingMethod, s.modelMissingFill)
                || s.outlierReplace && computed(s.outlierMethod, s.modelOutlierFill);
        boolean median = s.missingFill && "median".equals(s.missingMethod)
                || s.outlierReplace && "median".equals(s.outlierMethod);
        ColumnStatistics[] stats = {null};
        if (needStats || cols.isEmpty()) {
            // A first scan checks every row, finds a headerless table's width and computes what the fills need
            // (more scans for an exact median), so that the output is written in one more.
            long[] n = {0};
            boolean more = true;
            while (more) {
                boolean firstScan = out.scans == 0;
                ctx.scan(in, (key, value) -> {
                    double[] row = rows.parse(key, value);
                    if (needStats) {
                        if (stats[0] == null) {
                            stats[0] = new ColumnStatistics(rows.width(), median);
                        }
                        stats[0].add(row, rows.valid());
                    }
                    if (firstScan && ++n[0] % 10_000 == 0) {
                        ctx.checkCancelled();
                    }
                });
                out.scans++;
                if (n[0] == 0) {
                    throw p.dataError("input table " + in.source() + " is empty");
                }
                more = needStats && stats[0].endPass();
            }
        }
        List<String> featureNames = List.copyOf(rows.names());
        out.names = featureNames;
        int width = featureNames.size();
        if (s.missingFill) {
            out.missingFill = fillValues(p, ctx, s, featureNames, stats[0], MISSING, s.missingMethod, s.defaultValue,
                    s.modelMissingFill);
        }
        if (s.outlierReplace) {
            out.outlierFill = fillValues(p, ctx, s, featureNames, stats[0], OUTLIER, s.outlierMethod, s.outlierValue,
                    s.modelOutlierFill);
        }
        long[] missingCount = new long[width];
        long[] outlierCount = new long[width];
        InstanceLayout layout = InstanceLayout.output(in.source(), featureNames, out.labelName);
        ctx.writeInstances("data", layout, sink -> {
            ctx.scan(in, (key, value) -> {
                double[] row = rows.parse(key, value);
                byte[] st = rows.status();
                if (st != null) {
                    for (int j = 0; j < width; j++) {
                        if (st[j] == MISSING) {
                            row[j] = out.missingFill[j];
                            missingCount[j]++;
                        } else if (st[j] == OUTLIER) {
                            row[j] = out.outlierFill[j];
                            outlierCount[j]++;
                        }
                    }
                }
                out.count(rows.label());
                sink.row(key, rows.label(), row);
                if (out.count % 10_000 == 0) {
                    ctx.checkCancelled();
                }
            });
            if (out.count == 0) {
                throw p.dataError("input table " + in.source() + " is empty");
            }
        });
        out.scans++;
        if (s.missingFill) {
            out.missingRatio = ratio(out.count, missingCount);
        }
        if (s.outlierReplace) {
            out.outlierRatio = ratio(out.count, outlierCount);
        }
        return out;
    }

    /**
     * Parses a dense table's rows one at a time, the same on every scan: its features (in the output's order),
     * the label, and which values were missing or outliers (to be filled). A headerless table takes its width,
     * and features x0..xN, from its first row.
     */
    private static final class DenseRows {
        private final Params p;
        private final Settings s;
        private final TableInput in;
        private final String delim;
        private final String tableDelim;
        private final List<String> header;
        private final boolean headerless;
        private final int labelIdx;
        private final boolean withLabel;
        private final List<String> names;
        private final List<Integer> colIdx;
        private final Set<String> missing;
        private final Set<String> outlierText;
        private final Set<Double> outlierNum = new HashSet<>();
        private boolean first = true;
        private byte[] status;
        private boolean abnormal;
        private boolean[] valid;
        private double label = Double.NaN;

        DenseRows(Params p, Settings s, TableInput in, String delim, String tableDelim, List<String> header,
                  int labelIdx, boolean withLabel, List<String> names, List<Integer> colIdx) {
            this.p = p;
            this.s = s;
            this.in = in;
            this.delim = delim;
            this.tableDelim = tableDelim;
            this.header = header;
            this.headerless = header.isEmpty();
            this.labelIdx = labelIdx;
            this.withLabel = withLabel;
            this.names = names;
            this.colIdx = colIdx;
            this.missing = new HashSet<>(s.missingImpute);
            this.outlierText = new HashSet<>(s.outlierReplace ? s.outlierImpute : List.of());
            for (String o : outlierText) {
                Double d = number(o);
                if (d != null) {
                    outlierNum.add(d);
                }
            }
        }

        List<String> names() {
            return names;
        }

        int width() {
            return colIdx.size();
        }

        /** The last row's label (NaN without one). */
        double label() {
            return label;
        }

        /** The last row's kinds of values (OK, MISSING, OUTLIER) per feature, or null when all were OK. */
        byte[] status() {
            return abnormal ? status : null;
        }

        /** The last row's features that are neither missing nor outliers, or null when all are. */
        boolean[] valid() {
            if (!abnormal) {
                return null;
            }
            for (int j = 0; j < valid.length; j++) {
                valid[j] = status[j] == OK;
            }
            return valid;
        }

        /** Parses a row: its features, missing and outlier values still as they were (0 when missing). */
        double[] parse(String key, String value) {
            String[] tok = value == null || value.isEmpty() && headerless ? new String[0] : Inputs.split(value, delim);
            if (headerless && first && names.isEmpty()) {
                for (int i = 0; i < tok.length; i++) {
                    names.add("x" + i);
                    colIdx.add(i);
                }
            }
            first = false;
            if (status == null) {
                status = new byte[colIdx.size()];
                valid = new boolean[colIdx.size()];
            }
            int want = headerless ? names.size() : header.size();
            if (tok.length != want) {
                throw p.dataError("row id " + key + " has " + tok.length + " values but the header has " + want
                        + " columns " + (headerless ? "" : cols(in, tableDelim)));
            }
            double[] row = new double[colIdx.size()];
            abnormal = false;
            for (int j = 0; j < row.length; j++) {
                String t = tok[colIdx.get(j)];
                byte kind = OK;
                if (missing.contains(t) || missing.contains(t.trim())) {
                    kind = MISSING;
                } else {
                    Double d = number(t);
                    if (d == null) {
                        if (!s.missingFill) {
                            throw p.dataError("row id " + key + ", column " + names.get(j) + ": '" + t
                                    + "' is not a number" + hint(s));
                        }
                        throw p.dataError("row id " + key + ", column " + names.get(j) + ": '" + t
                                + "' is not a number and not one of missing_impute " + s.missingImpute);
                    }
                    if (s.intData && d != Math.rint(d)) {
                        throw p.dataError("row id " + key + ", column " + names.get(j) + ": '" + t
                                + "' is not an integer (data_type " + s.dataType + ")");
                    }
                    row[j] = d;
                    if (!outlierText.isEmpty() && (outlierText.contains(t) || outlierNum.contains(d))) {
                        kind = OUTLIER;
                    }
                }
                if (kind == MISSING && !s.missingFill) {
                    throw p.dataError("row id " + key + ", column " + names.get(j) + ": value '" + t
                            + "' is missing" + hint(s));
                }
                status[j] = kind;
                abnormal |= kind != OK;
            }
            label = withLabel ? DataTransform.label(p, s, key, header.get(labelIdx), tok[labelIdx]) : Double.NaN;
            return row;
        }
    }

    private static String cols(TableInput in, String delim) {
        return Inputs.header(in.schema(), delim).toString();
    }

    private static String hint(Settings s) {
        return s.fromModel ? " (the model was trained without missing_fill)"
                : " (set missing_fill to true, with missing_fill_method, to fill missing values)";
    }

    /** Whether a fill method computes its values from the table (not designated, not from a model). */
    private static boolean computed(String method, Map<String, Double> fromModel) {
        return fromModel == null && !"designated".equals(method);
    }

    /** Per column, the value that replaces {@code kind} entries ({@code stats}: of the valid values). */
    private static double[] fillValues(Params p, ComponentContext ctx, Settings s, List<String> names,
                                       ColumnStatistics stats, byte kind, String method, JsonNode designated,
                                       Map<String, Double> fromModel) {
        int width = names.size();
        double[] fill = new double[width];
        if (fromModel != null) {
            for (int j = 0; j < width; j++) {
                Double v = fromModel.get(names.get(j));
                fill[j] = v == null ? 0.0 : v;
            }
            return fill;
        }
        String what = kind == MISSING ? "default_value" : "outlier_replace_value";
        if ("designated".equals(method)) {
            if (designated == null || designated.isNull()) {
                return fill;
            }
            if (designated.isArray()) {
                if (designated.size() != width) {
                    throw p.bad(what, "has " + designated.size() + " values but there are " + width + " features");
                }
                for (int j = 0; j < width; j++) {
                    fill[j] = designatedValue(p, what, designated.get(j));
                }
            } else {
                Arrays.fill(fill, designatedValue(p, what, designated));
            }
            return fill;
        }
        for (int j = 0; j < width; j++) {
            if (stats.count(j) == 0) {
                ctx.log("column " + names.get(j) + " has no valid value to compute its " + method + "; filling 0");
                continue;
            }
            fill[j] = switch (method) {
                case "min" -> stats.min(j);
                case "max" -> stats.max(j);
                case "mean" -> stats.mean(j);
                case "median" -> stats.median(j);
                default -> throw new IllegalStateException(method);
            };
        }
        return fill;
    }

    private static double designatedValue(Params p, String what, JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        Double d = v.isTextual() ? number(v.asText()) : null;
        if (d == null) {
            throw p.bad(what, "must be a number or a list of numbers, got " + v);
        }
        return d;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }

    private static double[] ratio(long n, long[] counts) {
        double[] r = new double[counts.length];
        for (int j = 0; j < counts.length; j++) {
            r[j] = (double) counts[j] / n;
        }
        return r;
    }

    /**
     * FATE's with_match_id on dense data: the match id column (match_id_name, else the first column, as FATE's
     * DataFormatPreProcess picks it) is left out of the features. An upload with extend_sid keeps the file's id
     * column as data; this is how FATE's DataTransform takes it back out. -1 without with_match_id.
     */
    private static int matchIdColumn(Params p, TableInput in, Settings s, List<String> cols, int labelIdx) {
        if (!s.withMatchId) {
            return -1;
        }
        if (cols.isEmpty()) {
            throw p.refuse("with_match_id is true but table " + in.source() + " has no header to find the match id "
                    + "column in");
        }
        int idx = s.matchIdName == null ? 0 : cols.indexOf(s.matchIdName);
        if (idx < 0) {
            throw p.bad("match_id_name", "'" + s.matchIdName + "' is not a column of " + in.source() + "; its header is "
                    + cols);
        }
        if (idx == labelIdx) {
            throw p.bad(s.matchIdName == null ? "with_match_id" : "match_id_name", "the match id column '"
                    + cols.get(idx) + "' is the label column");
        }
        return idx;
    }

    // ---------------------------------------------------------------------------------------------------
    // sparse

    private static Parsed transformSparse(ComponentContext ctx, Params p, TableInput in, Settings s) {
        String delim = s.delimiter == null ? Inputs.delimiter(in) : s.delimiter;
        if (s.missingFill || s.outlierReplace) {
            ctx.log("missing_fill and outlier_replace do not apply to sparse input; ignored");
        }
        Parsed out = new Parsed();
        out.labelName = s.withLabel ? s.labelName : null;
        List<String> names;
        if (s.header != null) {
            names = s.header;
        } else {
            // the width is the largest index + 1 over the whole table: a first scan finds it (and checks every row)
            long[] n = {0};
            int[] maxIdx = {-1};
            ctx.scan(in, (key, value) -> {
                SparseRow r = SparseRow.parse(p, s, delim, key, value);
                for (int i : r.index()) {
                    maxIdx[0] = Math.max(maxIdx[0], i);
                }
                if (++n[0] % 10_000 == 0) {
                    ctx.checkCancelled();
                }
            });
            out.scans++;
            if (n[0] == 0) {
                throw p.dataError("input table " + in.source() + " is empty");
            }
            if (maxIdx[0] < 0) {
                throw p.dataError("no feature value in input table " + in.source());
            }
            names = new ArrayList<>();
            for (int i = 0; i <= maxIdx[0]; i++) {
                names.add("x" + i);
            }
        }
        out.names = List.copyOf(names);
        int width = names.size();
        InstanceLayout layout = InstanceLayout.output(in.source(), out.names, out.labelName);
        ctx.writeInstances("data", layout, sink -> {
            ctx.scan(in, (key, value) -> {
                SparseRow r = SparseRow.parse(p, s, delim, key, value);
                double[] x = new double[width];
                for (int k = 0; k < r.index().length; k++) {
                    if (r.index()[k] >= width) {
                        throw p.dataError("feature index " + r.index()[k] + " is beyond the model's " + width
                                + " features");
                    }
                    x[r.index()[k]] = r.value()[k];
                }
                out.count(r.label());
                sink.row(key, r.label(), x);
                if (out.count % 10_000 == 0) {
                    ctx.checkCancelled();
                }
            });
            if (out.count == 0) {
                throw p.dataError("input table " + in.source() + " is empty");
            }
        });
        out.scans++;
        return out;
    }

    /** One svm-light row: the label (NaN without one) and its index:value pairs. */
    private record SparseRow(double label, int[] index, double[] value) {
        static SparseRow parse(Params p, Settings s, String delim, String key, String value) {
            List<String> tok = new ArrayList<>();
            String v = value == null ? "" : value.trim();
            String[] parts = Inputs.split(v, delim);
            if (parts.length == 1 && !delim.isBlank() && v.matches(".*\\s.*")) {
                parts = v.split("\\s+");
            }
            for (String t : parts) {
                if (!t.trim().isEmpty()) {
                    tok.add(t.trim());
                }
            }
            // FATE's sparse layout: the match id first (with_match_id), then the label, then index:value pairs
            int start = s.withMatchId ? 1 : 0;
            if (tok.size() < start) {
                throw p.dataError("row id " + key + " has no match id (with_match_id is true)");
            }
            double label = Double.NaN;
            if (s.withLabel) {
                if (tok.size() <= start) {
                    throw p.dataError("row id " + key + " has no label (with_label is true)");
                }
                label = DataTransform.label(p, s, key, "label", tok.get(start));
                start++;
            }
            int[] ix = new int[tok.size() - start];
            double[] vx = new double[ix.length];
            for (int i = start; i < tok.size(); i++) {
                String t = tok.get(i);
                int colon = t.indexOf(':');
                Integer fid = colon > 0 ? integerOrNull(t.substring(0, colon)) : null;
                Double val = colon > 0 ? number(t.substring(colon + 1)) : null;
                if (fid == null || fid < 0 || val == null) {
                    throw p.dataError("row id " + key + ": '" + t + "' is not index:value (sparse input_format)");
                }
                if (s.intData && val != Math.rint(val)) {
                    throw p.dataError("row id " + key + ": '" + t + "' is not an integer (data_type " + s.dataType + ")");
                }
                ix[i - start] = fid;
                vx[i - start] = val;
            }
            return new SparseRow(label, ix, vx);
        }
    }

    // ---------------------------------------------------------------------------------------------------

    private static double label(Params p, Settings s, String key, String column, String raw) {
        Double d = number(raw);
        if (d == null) {
            throw p.dataError("row id " + key + ", label column " + column + ": '" + raw + "' is not a number"
                    + " (label_type " + s.labelType + ")");
        }
        if (s.intLabel && d != Math.rint(d)) {
            throw p.dataError("row id " + key + ", label column " + column + ": '" + raw
                    + "' is not an integer (label_type " + s.labelType + ")");
        }
        return d;
    }

    /**
     * A finite number, or null. Java-only spellings ("1d", "0x1p3") are not numbers here. Online serving reads
     * features with it too, so that a row scores online as it does in a job.
     */
    public static Double number(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        if (t.isEmpty()) {
            return null;
        }
        char last = Character.toLowerCase(t.charAt(t.length() - 1));
        if (last == 'd' || last == 'f' || t.indexOf('x') >= 0 || t.indexOf('X') >= 0) {
            return null;
        }
        try {
            double d = Double.parseDouble(t);
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer integerOrNull(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ArrayNode strings(List<String> l) {
        ArrayNode a = Params.JSON.createArrayNode();
        l.forEach(a::add);
        return a;
    }

    private static ObjectNode columnMap(List<String> names, double[] values) {
        ObjectNode o = Params.JSON.createObjectNode();
        if (values != null) {
            for (int j = 0; j < names.size(); j++) {
                o.put(names.get(j), values[j]);
            }
        }
        return o;
    }

    private static void ignoredParams(ComponentContext ctx, Params p) {
        for (String name : List.of("exclusive_data_type", "match_id_index")) {
            if (p.has(name)) {
                ctx.log("parameter " + name + " is accepted but not used");
            }
        }
        if ("sparse".equals(p.str("output_format", "dense").toLowerCase(Locale.ROOT))) {
            ctx.log("output_format sparse: instances are stored dense (same values)");
        }
    }

    /** What a transform wrote and learnt: what the model and the summary say. */
    private static final class Parsed {
        List<String> names;
        /** The label column's name, or null without a label. */
        String labelName;
        long count;
        /** Rows per label (as FATE prints labels), in order of first appearance. */
        final Map<String, Integer> labelCounts = new LinkedHashMap<>();
        /** Scans of the input table it took (statistics before the output, when fills need them). */
        int scans;
        /** The match id column that was left out of the features (with_match_id), or null. */
        String matchIdName;
        double[] missingFill;
        double[] missingRatio;
        double[] outlierFill;
        double[] outlierRatio;

        /** Counts a written row. */
        void count(double label) {
            count++;
            if (labelName != null) {
                labelCounts.merge(Labels.format(label), 1, Integer::sum);
            }
        }
    }

    /** The effective settings: from the parameters (fit) or from an input model (transform). */
    private static final class Settings {
        String inputFormat;
        String delimiter;
        String dataType;
        boolean intData;
        boolean withLabel;
        String labelName;
        String labelType;
        boolean intLabel;
        String outputFormat;
        boolean missingFill;
        String missingMethod;
        JsonNode defaultValue;
        List<String> missingImpute;
        boolean outlierReplace;
        String outlierMethod;
        JsonNode outlierValue;
        List<String> outlierImpute;
        boolean fromModel;
        /** FATE's with_match_id: a column of the table is the match id, not a feature. */
        boolean withMatchId;
        /** The match id column's name; null for FATE's default, the first column. */
        String matchIdName;
        List<String> header;
        Map<String, Double> modelMissingFill;
        Map<String, Double> modelOutlierFill;

        static Settings fromParams(Params p) {
            Settings s = new Settings();
            s.inputFormat = p.choice("input_format", "dense", "dense", "sparse", "tag");
            if ("tag".equals(s.inputFormat)) {
                throw p.bad("input_format", "'tag' is not supported here; use dense or sparse");
            }
            s.delimiter = p.has("delimitor") ? p.str("delimitor", ",") : null;
            if (s.delimiter != null && s.delimiter.isEmpty()) {
                throw p.bad("delimitor", "must not be empty");
            }
            s.dataType = p.choice("data_type", "float64", "float64", "float", "double", "int", "int64", "long", "str");
            if ("str".equals(s.dataType)) {
                throw p.bad("data_type", "'str' is not supported: features must be numbers");
            }
            s.intData = s.dataType.startsWith("int") || "long".equals(s.dataType);
            s.withLabel = p.bool("with_label", false);
            s.labelName = p.str("label_name", "y");
            s.labelType = p.choice("label_type", "int", "int", "int64", "long", "float", "float64", "str");
            if (s.withLabel && "str".equals(s.labelType)) {
                throw p.bad("label_type", "'str' is not supported: labels must be numbers (map them first)");
            }
            s.intLabel = !s.labelType.startsWith("float");
            s.outputFormat = p.choice("output_format", "dense", "dense", "sparse");
            s.missingFill = p.bool("missing_fill", false);
            s.missingMethod = p.choice("missing_fill_method", "designated", FILL_METHODS);
            s.defaultValue = p.present("default_value") ? p.node("default_value") : Params.JSON.getNodeFactory().numberNode(0);
            s.missingImpute = p.strings("missing_impute", DEFAULT_MISSING);
            s.outlierReplace = p.bool("outlier_replace", false);
            s.outlierMethod = p.choice("outlier_replace_method", "designated", FILL_METHODS);
            s.outlierValue = p.present("outlier_replace_value") ? p.node("outlier_replace_value")
                    : Params.JSON.getNodeFactory().numberNode(0);
            s.outlierImpute = p.strings("outlier_impute", List.of());
            if (s.outlierReplace && s.outlierImpute.isEmpty()) {
                throw p.bad("outlier_impute", "must list the values to replace when outlier_replace is true");
            }
            s.withMatchId = p.bool("with_match_id", false);
            String matchIdName = p.str("match_id_name", "");
            s.matchIdName = matchIdName.isBlank() ? null : matchIdName.strip();
            return s;
        }

        static Settings fromModel(Params p, ModelInput model) {
            JsonNode meta = model.meta() == null ? Params.JSON.createObjectNode() : model.meta();
            JsonNode param = model.param() == null ? Params.JSON.createObjectNode() : model.param();
            Settings s = new Settings();
            s.fromModel = true;
            s.inputFormat = meta.path("input_format").asText("dense").toLowerCase(Locale.ROOT);
            if (!"dense".equals(s.inputFormat) && !"sparse".equals(s.inputFormat)) {
                throw p.refuse("the input model's input_format " + s.inputFormat + " is not supported");
            }
            String d = meta.path("delimitor").asText("");
            s.delimiter = d.isEmpty() ? null : d;
            s.dataType = meta.path("data_type").asText("float64");
            s.intData = s.dataType.startsWith("int") || "long".equals(s.dataType);
            s.withLabel = meta.path("with_label").asBoolean(false);
            s.labelName = meta.path("label_name").asText(param.path("label_name").asText("y"));
            s.labelType = meta.path("label_type").asText("int");
            s.intLabel = !s.labelType.startsWith("float");
            s.outputFormat = meta.path("output_format").asText("dense");
            JsonNode im = meta.path("imputer_meta");
            s.missingFill = im.path("is_imputer").asBoolean(false);
            s.missingMethod = im.path("strategy").asText("designated");
            s.missingImpute = new ArrayList<>();
            im.path("missing_value").forEach(v -> s.missingImpute.add(v.asText()));
            if (s.missingImpute.isEmpty()) {
                s.missingImpute = DEFAULT_MISSING;
            }
            JsonNode om = meta.path("outlier_meta");
            s.outlierReplace = om.path("is_outlier").asBoolean(false);
            s.outlierMethod = om.path("strategy").asText("designated");
            s.outlierImpute = new ArrayList<>();
            om.path("outlier_value").forEach(v -> s.outlierImpute.add(v.asText()));
            s.withMatchId = meta.path("with_match_id").asBoolean(false);
            String matchIdName = param.path("match_id_name").asText("");
            s.matchIdName = matchIdName.isEmpty() ? null : matchIdName;
            s.header = new ArrayList<>();
            param.path("header").forEach(h -> s.header.add(h.asText()));
            if (s.header.isEmpty()) {
                throw p.refuse("the input model of " + model.component() + " has no header");
            }
            s.modelMissingFill = doubles(param.path("imputer_param").path("missing_replace_value"));
            s.modelOutlierFill = doubles(param.path("outlier_param").path("outlier_replace_value"));
            return s;
        }

        private static Map<String, Double> doubles(JsonNode o) {
            Map<String, Double> m = new LinkedHashMap<>();
            o.fields().forEachRemaining(e -> {
                Double d = e.getValue().isNumber() ? e.getValue().asDouble() : number(e.getValue().asText());
                if (d != null) {
                    m.put(e.getKey(), d);
                }
            });
            return m;
        }
    }
}
