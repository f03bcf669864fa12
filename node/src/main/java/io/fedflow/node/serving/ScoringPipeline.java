package io.fedflow.node.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.FlowException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One party's part of a model, compiled for scoring one row at a time: DataTransform's parse, then FeatureScale,
 * HeteroFeatureBinning's transform and HeteroFeatureSelection as their predict jobs apply them, then the linear
 * part of LR or HeteroLR. Each step mirrors the arithmetic of its component's predict path, in the same order,
 * so that a row scores to the very number a predict job gives it.
 */
final class ScoringPipeline {
    /** Maps a row of the features before a step to the row after it. */
    private interface Step {
        double[] apply(double[] row);
    }

    private final RowParser parser;
    private final List<Step> steps;
    private final int[] at;
    private final double[] coef;
    private final double intercept;
    private final boolean hetero;
    private final double threshold;

    private ScoringPipeline(RowParser parser, List<Step> steps, int[] at, double[] coef, double intercept,
                            boolean hetero, double threshold) {
        this.parser = parser;
        this.steps = steps;
        this.at = at;
        this.coef = coef;
        this.intercept = intercept;
        this.hetero = hetero;
        this.threshold = threshold;
    }

    /** The scoring of {@code components} (inference order); refused when a module cannot be served. */
    static ScoringPipeline compile(List<ServedComponent> components) {
        if (components.isEmpty() || !"DataTransform".equals(module(components.get(0)))) {
            throw FlowException.argument("the model has no DataTransform first: its rows cannot be parsed online");
        }
        RowParser parser = RowParser.of(components.get(0));
        List<String> header = parser.header();
        List<Step> steps = new ArrayList<>();
        for (ServedComponent c : components.subList(1, components.size())) {
            switch (module(c)) {
                case "FeatureScale" -> steps.add(scale(c, header));
                case "HeteroFeatureBinning" -> steps.add(binning(c, header));
                case "HeteroFeatureSelection" -> {
                    List<String> kept = selected(c, header);
                    steps.add(select(header, kept));
                    header = kept;
                }
                case "LR", "HeteroLR" -> {
                    return linear(c, parser, steps, header);
                }
                default -> throw FlowException.argument("component " + c.componentName() + " (" + c.module()
                        + ") cannot be served online: DataTransform, FeatureScale, HeteroFeatureBinning, "
                        + "HeteroFeatureSelection, LR and HeteroLR can");
            }
        }
        throw FlowException.argument("the model has no LR or HeteroLR component to score with");
    }

    private static String module(ServedComponent c) {
        return switch (c.module()) {
            case "DataIO" -> "DataTransform";
            case "HeteroLogisticRegression" -> "HeteroLR";
            default -> c.module();
        };
    }

    /** The features of one row, after every transform: {@code raw} gives a feature's text by name. */
    double[] features(Function<String, String> raw, int failureBase) {
        double[] row = parser.parse(raw, failureBase);
        for (Step s : steps) {
            row = s.apply(row);
        }
        return row;
    }

    /**
     * This party's linear score of a transformed row: a host's w·x; the guest's intercept + w·x (HeteroLR, to
     * which the hosts' scores are added) or LR's whole logit, each summed in its component's order.
     */
    double linear(double[] x) {
        if (hetero) {
            double z = 0.0;
            for (int j = 0; j < at.length; j++) {
                z += coef[j] * x[at[j]];
            }
            return intercept + z;
        }
        double z = intercept;
        for (int j = 0; j < at.length; j++) {
            z += coef[j] * x[at[j]];
        }
        return z;
    }

    double threshold() {
        return threshold;
    }

    static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    private static ScoringPipeline linear(ServedComponent c, RowParser parser, List<Step> steps, List<String> header) {
        JsonNode weight = c.param().path("weight");
        if (!weight.isObject()) {
            throw FlowException.argument("the model of " + c.componentName() + " has no weight");
        }
        List<String> names = new ArrayList<>();
        c.param().path("header").forEach(h -> names.add(h.asText()));
        if (names.isEmpty()) {
            weight.fieldNames().forEachRemaining(names::add);
        }
        int[] at = new int[names.size()];
        double[] coef = new double[names.size()];
        for (int j = 0; j < names.size(); j++) {
            at[j] = header.indexOf(names.get(j));
            JsonNode w = weight.get(names.get(j));
            if (at[j] < 0 || w == null || !w.isNumber()) {
                throw FlowException.argument("the model of " + c.componentName() + " weighs feature " + names.get(j)
                        + ", which the features before it " + header + " lack or it has no weight for");
            }
            coef[j] = w.asDouble();
        }
        double threshold = c.meta().path("predict_param").path("threshold").asDouble(0.5);
        return new ScoringPipeline(parser, List.copyOf(steps), at, coef, c.param().path("intercept").asDouble(0),
                "HeteroLR".equals(module(c)), threshold);
    }

    /** FeatureScale's predict path: clip to the trained column range, then min-max or standard scale. */
    private static Step scale(ServedComponent c, List<String> header) {
        String method = c.meta().path("method").asText("standard_scale");
        if (!"min_max_scale".equals(method) && !"standard_scale".equals(method)) {
            throw FlowException.argument("the scale model of " + c.componentName() + " has unknown method " + method);
        }
        boolean minMax = "min_max_scale".equals(method);
        int width = header.size();
        double[] lower = new double[width];
        double[] upper = new double[width];
        double[] mean = new double[width];
        double[] std = new double[width];
        Arrays.fill(std, 1.0);
        List<Integer> idx = new ArrayList<>();
        for (var it = c.param().path("col_scale_param").fields(); it.hasNext(); ) {
            var e = it.next();
            int j = header.indexOf(e.getKey());
            if (j < 0) {
                throw FlowException.argument("the scale model of " + c.componentName() + " scales column "
                        + e.getKey() + ", which the features before it " + header + " lack");
            }
            JsonNode col = e.getValue();
            lower[j] = col.path("column_lower").asDouble(0);
            upper[j] = col.path("column_upper").asDouble(0);
            mean[j] = col.path("mean").asDouble(0);
            double sd = col.path("std").asDouble(1);
            std[j] = Math.abs(sd) < SCALE_ZERO ? 1.0 : sd;
            idx.add(j);
        }
        int[] cols = idx.stream().mapToInt(Integer::intValue).sorted().toArray();
        return row -> {
            double[] out = row.clone();
            for (int j : cols) {
                double v = out[j] > upper[j] ? upper[j] : out[j] < lower[j] ? lower[j] : out[j];
                if (minMax) {
                    double range = upper[j] - lower[j];
                    out[j] = (v - lower[j]) / (Math.abs(range) < SCALE_ZERO ? 1.0 : range);
                } else {
                    out[j] = (v - mean[j]) / std[j];
                }
            }
            return out;
        };
    }

    /** FeatureScale's threshold below which a range or deviation counts as zero. */
    private static final double SCALE_ZERO = 1e-6;

    /** HeteroFeatureBinning's transform_param: a column's bin index (bin_num) or that bin's WOE (woe). */
    private static Step binning(ServedComponent c, List<String> header) {
        JsonNode t = c.meta().path("transform_param");
        String type = t.path("transform_type").isTextual() ? t.path("transform_type").asText() : null;
        if (type == null || type.isEmpty() || t.path("transform_cols").size() == 0) {
            return row -> row;
        }
        JsonNode features = c.param().path("binning_result").path("binning_result");
        List<String> trained = new ArrayList<>();
        c.param().path("header").forEach(h -> trained.add(h.asText()));
        int n = t.path("transform_cols").size();
        int[] at = new int[n];
        double[][] points = new double[n][];
        double[][] woe = new double[n][];
        for (int k = 0; k < n; k++) {
            int index = t.path("transform_cols").get(k).asInt();
            String name = index < trained.size() ? trained.get(index) : null;
            at[k] = name == null ? -1 : header.indexOf(name);
            JsonNode f = name == null ? null : features.get(name);
            if (at[k] < 0 || f == null) {
                throw FlowException.argument("the binning model of " + c.componentName() + " transforms column "
                        + (name == null ? "#" + index : name) + ", which is not among " + header
                        + " or has no split points");
            }
            points[k] = new double[f.path("split_points").size()];
            for (int i = 0; i < points[k].length; i++) {
                points[k][i] = f.path("split_points").get(i).asDouble();
            }
            if ("woe".equals(type)) {
                if (f.path("woe_array").size() != points[k].length) {
                    throw FlowException.argument("transform_type woe needs the trained WOE of " + name
                            + ", which this party's binning model does not have");
                }
                woe[k] = new double[points[k].length];
                for (int i = 0; i < woe[k].length; i++) {
                    woe[k][i] = f.path("woe_array").get(i).asDouble();
                }
            }
        }
        return row -> {
            double[] out = row.clone();
            for (int k = 0; k < n; k++) {
                int bin = binOf(points[k], out[at[k]]);
                out[at[k]] = woe[k] != null ? woe[k][bin] : bin;
            }
            return out;
        };
    }

    /** The first bin whose split point is not below {@code v}; values past the last point fall in the last bin. */
    private static int binOf(double[] points, double v) {
        int i = Arrays.binarySearch(points, v);
        if (i >= 0) {
            return i;
        }
        return Math.min(-i - 1, points.length - 1);
    }

    /** HeteroFeatureSelection's final_left_cols: the columns it kept, in the order they came. */
    private static List<String> selected(ServedComponent c, List<String> header) {
        JsonNode left = c.param().path("final_left_cols").path("left_cols");
        if (!left.isObject()) {
            throw FlowException.argument("the selection model of " + c.componentName() + " has no final_left_cols");
        }
        Set<String> kept = new LinkedHashSet<>();
        for (String col : header) {
            JsonNode decided = left.get(col);
            if (decided == null || decided.asBoolean()) {
                kept.add(col);
            }
        }
        for (var it = left.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().asBoolean() && !header.contains(e.getKey())) {
                throw FlowException.argument("the selection model of " + c.componentName() + " keeps column "
                        + e.getKey() + ", which the features before it " + header + " lack");
            }
        }
        return List.copyOf(kept);
    }

    private static Step select(List<String> header, List<String> kept) {
        int[] idx = kept.stream().mapToInt(header::indexOf).toArray();
        return row -> {
            double[] out = new double[idx.length];
            for (int j = 0; j < idx.length; j++) {
                out[j] = row[idx[j]];
            }
            return out;
        };
    }
}
