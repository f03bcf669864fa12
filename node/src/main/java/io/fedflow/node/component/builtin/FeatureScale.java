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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * FATE's FeatureScale: {@code min_max_scale} or {@code standard_scale} (FATE's default) of the columns chosen
 * by {@code scale_col_indexes} (-1 = all) plus {@code scale_names}. In mode "normal", {@code feat_upper} /
 * {@code feat_lower} (a number or one per column) bound the column range; in mode "cap" they are
 * percentiles (default 1 and 0). Values are clipped to the column range before scaling, as FATE does
 * (standard scale clips at fit only when bounds are set, and always when applying a saved model). A column
 * with no range (or no spread) scales to 0. With an input model under "model" the saved ranges are applied
 * instead of fitting new ones.
 */
public final class FeatureScale implements Component {
    public static final ComponentDefinition DEFINITION;

    static {
        Map<String, ParamSpec> params = new LinkedHashMap<>();
        params.put("method", Param.string().oneOf("min_max_scale", "standard_scale"));
        params.put("mode", Param.string().oneOf("normal", "cap"));
        params.put("scale_col_indexes", Params.columnIndexes());
        params.put("scale_names", ParamType.LIST);
        params.put("feat_upper", Params.numberOrNumbers());
        params.put("feat_lower", Params.numberOrNumbers());
        params.put("with_mean", ParamType.BOOL);
        params.put("with_std", ParamType.BOOL);
        params.put("need_run", ParamType.BOOL);
        DEFINITION = new ComponentDefinition("FeatureScale", List.of(), Map.copyOf(params),
                Set.of("guest", "host", "local"), FeatureScale::new, InputRule.anyOf("one input table under input.data.data", InputRule.data("data")));
    }

    static final String MIN_MAX = "min_max_scale";
    static final String STANDARD = "standard_scale";
    private static final double ZERO = 1e-6;

    @Override
    public void run(ComponentContext ctx) {
        Params p = new Params(ctx);
        TableInput in = Inputs.single(ctx, p, "data", "train_data", "test_data", "eval_data");
        if (!p.bool("need_run", true)) {
            Inputs.passThrough(ctx, in);
            return;
        }
        if (in == null) {
            throw p.refuse("needs one input table under \"data\" (e.g. data_transform_0.data)");
        }
        InstanceLayout layout = InstanceLayout.of(in);
        List<ModelInput> models = ctx.inputModels("model");
        Scaler scaler;
        boolean clip;
        if (models != null && !models.isEmpty()) {
            ModelInput model = models.get(0);
            ctx.log("applying the scale model of " + model.component());
            scaler = Scaler.fromModel(p, model, layout.featureNames());
            clip = true;
        } else {
            scaler = Scaler.fit(p, ctx, layout, in);
            // standard scale clips at fit only when there are bounds (its moments were taken on clipped values)
            clip = MIN_MAX.equals(scaler.method) || scaler.bounded;
        }
        long[] rows = {0};
        ctx.writeInstances("data", InstanceLayout.output(layout.table(), layout.featureNames(), layout.labelName()),
                out -> ctx.scanInstances(in, (id, y, x) -> {
                    out.row(id, y, scaler.apply(x, clip));
                    if (++rows[0] % 10_000 == 0) {
                        ctx.checkCancelled();
                    }
                }));
        ctx.saveModel("model", scaler.param(), scaler.meta());
        ctx.setSummary(scaler.summary());
        ctx.log("FeatureScale (" + scaler.method + ") scaled " + scaler.scaleIdx.length + " of " + layout.width()
                + " columns of " + rows[0] + " rows");
    }

    /**
     * Per-column ranges and moments, over the data's full width; only {@code scaleIdx} columns change. Fitted
     * over passes of the table with state of a few numbers per column: the count and range (mode "normal"), or
     * the exact percentile values by radix selection (mode "cap", {@link ColumnStatistics#quantiles}), then
     * the moments for standard scale (on values clipped to the range when there are bounds).
     */
    static final class Scaler {
        String method;
        String mode = "normal";
        boolean withMean = true;
        boolean withStd = true;
        List<String> header;
        int[] scaleIdx;
        double[] lower;
        double[] upper;
        double[] mean;
        double[] std;
        List<String> featUpper;
        List<String> featLower;
        /** Whether the fit had bounds (feat_upper / feat_lower, or mode "cap"). */
        boolean bounded;

        static Scaler fit(Params p, ComponentContext ctx, InstanceLayout layout, TableInput in) {
            Scaler s = new Scaler();
            s.method = p.choice("method", STANDARD, MIN_MAX, STANDARD);
            s.mode = p.choice("mode", "normal", "normal", "cap");
            s.withMean = p.bool("with_mean", true);
            s.withStd = p.bool("with_std", true);
            s.header = layout.featureNames();
            int width = layout.width();
            JsonNode fu = p.node("feat_upper");
            JsonNode fl = p.node("feat_lower");
            boolean cap = "cap".equals(s.mode);
            double qu = !cap || fu == null ? 1.0 : percentile(p, "feat_upper", fu);
            double ql = !cap || fl == null ? 0.0 : percentile(p, "feat_lower", fl);
            if (cap && qu < ql) {
                throw p.bad("feat_upper", "(" + qu + ") must not be less than feat_lower (" + ql + ")");
            }
            double[] bu = cap ? null : bounds(p, "feat_upper", fu, width);
            double[] bl = cap ? null : bounds(p, "feat_lower", fl, width);
            s.scaleIdx = scaleColumns(p, ctx, s.header);

            // the count and range of each column: a pass, or the passes of the percentiles' selection
            s.lower = new double[width];
            s.upper = new double[width];
            Arrays.fill(s.lower, Double.POSITIVE_INFINITY);
            Arrays.fill(s.upper, Double.NEGATIVE_INFINITY);
            ColumnStatistics quantiles = cap ? ColumnStatistics.quantiles(width, ql, qu) : null;
            long[] count = {0};
            boolean more = true;
            while (more) {
                count[0] = 0;
                ctx.scanInstances(in, (id, y, x) -> {
                    count[0]++;
                    if (quantiles != null) {
                        quantiles.add(x, null);
                    } else {
                        for (int j = 0; j < width; j++) {
                            s.lower[j] = Math.min(s.lower[j], x[j]);
                            s.upper[j] = Math.max(s.upper[j], x[j]);
                        }
                    }
                });
                ctx.checkCancelled();
                if (count[0] == 0) {
                    throw p.dataError("the input data is empty");
                }
                more = quantiles != null && quantiles.endPass();
            }
            long n = count[0];
            if (!cap) {
                for (int j : s.scaleIdx) {
                    if (bu != null) {
                        s.upper[j] = Math.min(s.upper[j], bu[j]);
                        s.lower[j] = Math.min(s.lower[j], bu[j]);
                    }
                    if (bl != null) {
                        s.lower[j] = Math.max(s.lower[j], bl[j]);
                        s.upper[j] = Math.max(s.upper[j], bl[j]);
                    }
                }
                s.featUpper = boundText(fu, width);
                s.featLower = boundText(fl, width);
            } else {
                for (int j = 0; j < width; j++) {
                    s.lower[j] = quantiles.selected(j, 0);
                    s.upper[j] = quantiles.selected(j, 1);
                }
                s.featUpper = boundText(Params.JSON.getNodeFactory().numberNode(qu), width);
                s.featLower = boundText(Params.JSON.getNodeFactory().numberNode(ql), width);
            }

            s.bounded = cap || fu != null || fl != null;
            if (MIN_MAX.equals(s.method)) {
                for (int j = 0; j < width; j++) {
                    if (s.upper[j] - s.lower[j] < 0) {
                        throw p.refuse("column " + s.header.get(j) + ": feat_upper is below feat_lower");
                    }
                }
                return s;
            }
            // standard scale: clip to the bounds first when there are any, then take mean and std (a pass)
            s.mean = new double[width];
            s.std = new double[width];
            Arrays.fill(s.std, 1.0);
            if (s.withMean || s.withStd) {
                double[] sum = new double[width];
                double[] sq = new double[width];
                boolean[] clipped = new boolean[width];
                if (s.bounded) {
                    for (int j : s.scaleIdx) {
                        clipped[j] = true;
                    }
                }
                ctx.scanInstances(in, (id, y, x) -> {
                    for (int j = 0; j < width; j++) {
                        double v = clipped[j] ? clip(x[j], s.lower[j], s.upper[j]) : x[j];
                        sum[j] += v;
                        sq[j] += v * v;
                    }
                });
                for (int j = 0; j < width; j++) {
                    double m = sum[j] / n;
                    double var = sq[j] / n - m * m;
                    if (s.withMean) {
                        s.mean[j] = m;
                    }
                    if (s.withStd) {
                        double sd = var <= 0 ? 0 : Math.sqrt(var);
                        s.std[j] = Math.abs(sd) < ZERO ? 1.0 : sd;
                    }
                }
            }
            return s;
        }

        static Scaler fromModel(Params p, ModelInput model, List<String> header) {
            JsonNode meta = model.meta() == null ? Params.JSON.createObjectNode() : model.meta();
            JsonNode param = model.param() == null ? Params.JSON.createObjectNode() : model.param();
            Scaler s = new Scaler();
            s.method = meta.path("method").asText(STANDARD);
            if (!MIN_MAX.equals(s.method) && !STANDARD.equals(s.method)) {
                throw p.refuse("the input model of " + model.component() + " has unknown method " + s.method);
            }
            s.mode = meta.path("mode").asText("normal");
            s.withMean = meta.path("with_mean").asBoolean(true);
            s.withStd = meta.path("with_std").asBoolean(true);
            s.header = header;
            int width = header.size();
            s.lower = new double[width];
            s.upper = new double[width];
            s.mean = new double[width];
            s.std = new double[width];
            Arrays.fill(s.std, 1.0);
            JsonNode cols = param.path("col_scale_param");
            if (!cols.isObject() || cols.isEmpty()) {
                throw p.refuse("the input model of " + model.component() + " has no col_scale_param");
            }
            List<Integer> idx = new ArrayList<>();
            for (var it = cols.fields(); it.hasNext(); ) {
                var e = it.next();
                int j = s.header.indexOf(e.getKey());
                if (j < 0) {
                    throw p.dataError("the model scales column " + e.getKey() + ", which the input data lacks"
                            + " (its header is " + s.header + ")");
                }
                JsonNode c = e.getValue();
                s.lower[j] = c.path("column_lower").asDouble(0);
                s.upper[j] = c.path("column_upper").asDouble(0);
                s.mean[j] = c.path("mean").asDouble(0);
                double sd = c.path("std").asDouble(1);
                s.std[j] = Math.abs(sd) < ZERO ? 1.0 : sd;
                idx.add(j);
            }
            s.scaleIdx = idx.stream().mapToInt(Integer::intValue).sorted().toArray();
            s.featUpper = texts(meta.path("feat_upper"));
            s.featLower = texts(meta.path("feat_lower"));
            return s;
        }

        /** Scales a row in place (and returns it); {@code clip} bounds values to the column range first. */
        double[] apply(double[] row, boolean clip) {
            for (int j : scaleIdx) {
                double v = clip ? clip(row[j], lower[j], upper[j]) : row[j];
                if (MIN_MAX.equals(method)) {
                    double range = upper[j] - lower[j];
                    row[j] = (v - lower[j]) / (Math.abs(range) < ZERO ? 1.0 : range);
                } else {
                    row[j] = (v - mean[j]) / std[j];
                }
            }
            return row;
        }

        ObjectNode param() {
            ObjectNode param = Params.JSON.createObjectNode();
            ObjectNode cols = param.putObject("col_scale_param");
            for (int j : scaleIdx) {
                ObjectNode c = cols.putObject(header.get(j));
                c.put("column_upper", upper[j]);
                c.put("column_lower", lower[j]);
                c.put("mean", mean == null ? 0.0 : mean[j]);
                c.put("std", std == null ? 0.0 : std[j]);
            }
            ArrayNode h = param.putArray("header");
            header.forEach(h::add);
            return param;
        }

        ObjectNode meta() {
            ObjectNode meta = Params.JSON.createObjectNode();
            meta.put("method", method);
            meta.put("mode", mode);
            meta.put("area", "null");
            ArrayNode sc = meta.putArray("scale_column");
            for (int j : scaleIdx) {
                sc.add(header.get(j));
            }
            ArrayNode fu = meta.putArray("feat_upper");
            featUpper.forEach(fu::add);
            ArrayNode fl = meta.putArray("feat_lower");
            featLower.forEach(fl::add);
            meta.put("with_mean", withMean);
            meta.put("with_std", withStd);
            meta.put("need_run", true);
            return meta;
        }

        ObjectNode summary() {
            ObjectNode summary = Params.JSON.createObjectNode();
            for (int j : scaleIdx) {
                ObjectNode c = summary.putObject(header.get(j));
                c.put("column_upper", upper[j]);
                c.put("column_lower", lower[j]);
                c.put("mean", mean == null ? 0.0 : mean[j]);
                c.put("std", std == null ? 0.0 : std[j]);
            }
            return summary;
        }
    }

    private static int[] scaleColumns(Params p, ComponentContext ctx, List<String> header) {
        int width = header.size();
        JsonNode idx = p.node("scale_col_indexes");
        List<String> names = p.strings("scale_names", List.of());
        boolean all = idx == null || idx.isNumber() && idx.asInt() == -1;
        if (all) {
            if (!names.isEmpty()) {
                ctx.log("scale_col_indexes is -1, so all columns are scaled; scale_names only adds to a list of"
                        + " scale_col_indexes (set scale_col_indexes to [] to scale by name only)");
            }
            int[] out = new int[width];
            for (int j = 0; j < width; j++) {
                out[j] = j;
            }
            return out;
        }
        if (!idx.isArray()) {
            throw p.bad("scale_col_indexes", "must be -1 or a list of column indexes, got " + idx);
        }
        Set<Integer> chosen = new TreeSet<>();
        for (JsonNode e : idx) {
            if (!e.isIntegralNumber() || e.asInt() < 0 || e.asInt() >= width) {
                throw p.bad("scale_col_indexes", "has " + e + "; indexes run from 0 to " + (width - 1));
            }
            chosen.add(e.asInt());
        }
        for (String name : names) {
            int j = header.indexOf(name);
            if (j < 0) {
                ctx.log("scale_names: " + name + " is not a feature; ignored");
            } else {
                chosen.add(j);
            }
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double[] bounds(Params p, String name, JsonNode v, int width) {
        if (v == null) {
            return null;
        }
        double[] b = new double[width];
        if (v.isNumber()) {
            Arrays.fill(b, v.asDouble());
            return b;
        }
        if (v.isArray()) {
            if (v.size() != width) {
                throw p.bad(name, "has " + v.size() + " values but there are " + width + " features");
            }
            for (int j = 0; j < width; j++) {
                if (!v.get(j).isNumber()) {
                    throw p.bad(name, "must hold numbers, got " + v.get(j));
                }
                b[j] = v.get(j).asDouble();
            }
            return b;
        }
        throw p.bad(name, "must be a number or a list of numbers, got " + v);
    }

    private static double percentile(Params p, String name, JsonNode v) {
        if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1) {
            throw p.bad(name, "must be a percentile between 0 and 1 in mode cap, got " + v);
        }
        return v.asDouble();
    }

    private static double clip(double v, double lo, double hi) {
        return v > hi ? hi : v < lo ? lo : v;
    }

    private static List<String> boundText(JsonNode v, int width) {
        List<String> out = new ArrayList<>();
        for (int j = 0; j < width; j++) {
            if (v == null) {
                out.add("None");
            } else if (v.isArray()) {
                out.add(v.get(j).asText());
            } else {
                out.add(v.asText());
            }
        }
        return out;
    }

    private static List<String> texts(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(e -> out.add(e.asText()));
        return out;
    }
}
