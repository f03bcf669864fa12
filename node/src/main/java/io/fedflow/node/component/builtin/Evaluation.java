package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.Component;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.ComponentContext.MetricPoint;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.InputRule;
import io.fedflow.node.component.Param;
import io.fedflow.node.component.ParamSpec;
import io.fedflow.node.component.ParamType;
import io.fedflow.node.component.TableInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * FATE's Evaluation of prediction tables (LR's output): for each input table, named by its upstream
 * component, and each of its row types ("train", "validate", "predict"), single-value metrics go to metric
 * namespace = type, name = component, as ("auc", v), ("ks", v)... points with meta EVALUATION_SUMMARY;
 * curves go to the same namespace as "<component>_roc" (ROC_EVALUATION) and "<component>_ks_fpr" /
 * "<component>_ks_tpr" (KS_EVALUATION). The summary is {component: {type: {metric: value}}}.
 *
 * <p>Binary: auc, ks, roc; accuracy / precision / recall / f1_score as single values at score threshold 0.5
 * in the summary and, as FATE draws them, as curves "<component>_<metric>" (ACCURACY_EVALUATION,
 * PRECISION_EVALUATION, RECALL_EVALUATION, F1_SCORE_EVALUATION) of points (threshold, value) over the
 * thresholds of {@link BinaryMetrics#thresholds}: every distinct score when there are at most 100, else the
 * scores at 100 quantile cuts; a row is predicted positive when its score is strictly above the threshold.
 * confusion_mat: "<component>_confusion_mat" (CONFUSION_MAT_EVALUATION) over the same thresholds, the
 * points (threshold, tp) and the meta's tp / fp / tn / fn / thresholds lists. lift and gain:
 * "<component>_lift" (LIFT_EVALUATION) and "<component>_gain" (GAIN_EVALUATION), points (population share,
 * value) over 20 shares (5%, 10% .. 100%) of the rows sorted by score, descending; the meta's thresholds are
 * the lowest score of each share; both are 1.0 at share 1.0. psi and quantile_pr are accepted but not
 * computed. Regression: explained_variance, mean_absolute_error, mean_squared_error,
 * median_absolute_error, r2_score, root_mean_squared_error. Multi-class and clustering are refused.
 */
public final class Evaluation implements Component {
    public static final ComponentDefinition DEFINITION;

    static {
        Map<String, ParamSpec> params = new LinkedHashMap<>();
        params.put("eval_type", Param.string().oneOf("binary", "regression"));
        params.put("pos_label", ParamType.ANY);
        params.put("need_run", ParamType.BOOL);
        // whether a metric suits eval_type is left to the task, which knows the type in effect at its role
        params.put("metrics", Param.list().elements(Param.string().where(v -> known(v.asText()),
                "a metric Evaluation knows")));
        params.put("run_clustering_arbiter_metric", ParamType.BOOL);
        params.put("unfold_multi_result", ParamType.BOOL);
        DEFINITION = new ComponentDefinition("Evaluation", List.of(), Map.copyOf(params), Set.of("guest", "local"),
                Evaluation::new, InputRule.anyOf("prediction tables under input.data.data", InputRule.data("data",
                        "eval_data", "test_data", "validate_data", "train_data")));
    }

    static final List<String> BINARY_METRICS = List.of("auc", "ks", "lift", "gain", "accuracy", "precision", "recall",
            "roc", "confusion_mat", "psi", "f1_score", "quantile_pr");
    static final List<String> REGRESSION_METRICS = List.of("explained_variance", "mean_absolute_error",
            "mean_squared_error", "median_absolute_error", "r2_score", "root_mean_squared_error");
    private static final Set<String> NOT_COMPUTED = Set.of("psi", "quantile_pr");
    private static final Set<String> KNOWN = new HashSet<>();
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        KNOWN.addAll(BINARY_METRICS);
        KNOWN.addAll(REGRESSION_METRICS);
        KNOWN.addAll(List.of("mean_squared_log_error", "jaccard_similarity_score", "adjusted_rand_score",
                "fowlkes_mallows_score", "davies_bouldin_index", "distance_measure", "contingency_matrix"));
        for (String a : List.of("l1", "mae", "regression_l1")) {
            ALIASES.put(a, "mean_absolute_error");
        }
        for (String a : List.of("l2", "mse", "regression_l2", "regression")) {
            ALIASES.put(a, "mean_squared_error");
        }
        ALIASES.put("l2_root", "root_mean_squared_error");
        ALIASES.put("rmse", "root_mean_squared_error");
        ALIASES.put("msle", "mean_squared_log_error");
        ALIASES.put("r2", "r2_score");
        ALIASES.put("acc", "accuracy");
    }

    /** A metric name or alias Evaluation knows, whatever the eval type. */
    static boolean known(String metric) {
        String lower = metric.toLowerCase(Locale.ROOT);
        return KNOWN.contains(lower) || ALIASES.containsKey(lower);
    }

    static final double THRESHOLD = 0.5;

    @Override
    public void run(ComponentContext ctx) {
        Params p = new Params(ctx);
        if (!p.bool("need_run", true)) {
            ctx.log("need_run is false: no evaluation");
            return;
        }
        String evalType = p.choice("eval_type", "binary", "binary", "regression", "multi", "clustering");
        if ("multi".equals(evalType) || "clustering".equals(evalType)) {
            throw p.bad("eval_type", "'" + evalType + "' is not supported yet; use binary or regression");
        }
        List<String> metrics = metrics(p, evalType);
        for (String m : metrics) {
            if (NOT_COMPUTED.contains(m)) {
                ctx.log("metric " + m + " is accepted but not computed");
            }
        }
        JsonNode posLabel = p.node("pos_label");
        List<TableInput> tables = new ArrayList<>();
        for (String key : List.of("data", "eval_data", "test_data", "validate_data", "train_data")) {
            List<TableInput> t = ctx.inputData(key);
            if (t != null) {
                tables.addAll(t);
            }
        }
        if (tables.isEmpty()) {
            throw p.refuse("needs prediction tables under \"data\" (e.g. an LR component's data output)");
        }

        ObjectNode summary = Params.JSON.createObjectNode();
        Set<String> used = new HashSet<>();
        for (TableInput t : tables) {
            String source = t.source() == null ? "data" : t.source();
            String cpn = source.contains(".") ? source.substring(0, source.indexOf('.')) : source;
            if (!used.add(cpn)) {
                cpn = source.replace('.', '_');
                used.add(cpn);
            }
            Map<String, LabelScores> byType = read(ctx, p, t, cpn, "binary".equals(evalType), posLabel);
            ObjectNode cpnSummary = summary.putObject(cpn);
            for (Map.Entry<String, LabelScores> e : byType.entrySet()) {
                ctx.checkCancelled();
                String type = e.getKey();
                double[] labels = e.getValue().labels();
                double[] scores = e.getValue().scores();
                Map<String, Double> values = "binary".equals(evalType)
                        ? binary(ctx, metrics, cpn, type, labels, scores)
                        : regression(metrics, labels, scores);
                if (values.isEmpty()) {
                    continue;
                }
                List<MetricPoint> points = new ArrayList<>();
                ObjectNode typeSummary = cpnSummary.putObject(type);
                values.forEach((k, v) -> {
                    points.add(new MetricPoint(k, BinaryMetrics.round6(v)));
                    typeSummary.put(k, v);
                });
                ctx.logMetricData(type, cpn, points);
                ctx.setMetricMeta(type, cpn, "EVALUATION_SUMMARY", Params.JSON.createObjectNode().put("name", cpn));
                ctx.log("evaluation of " + cpn + " (" + type + ", " + labels.length + " rows): " + values);
            }
        }
        ctx.setSummary(summary);
    }

    /** FATE's metric list: aliases resolved, checked against the eval type; all of the type's when empty. */
    static List<String> metrics(Params p, String evalType) {
        List<String> allowed = "binary".equals(evalType) ? BINARY_METRICS : REGRESSION_METRICS;
        List<String> given = p.strings("metrics", List.of());
        if (given.isEmpty()) {
            return allowed;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String m : given) {
            String lower = m.toLowerCase(Locale.ROOT);
            String full = KNOWN.contains(lower) ? lower : ALIASES.get(lower);
            if (full == null) {
                throw p.bad("metrics", "has " + m + ", which is not supported");
            }
            if (!allowed.contains(full)) {
                throw p.bad("metrics", "has " + m + ", which is not used for " + evalType + " task");
            }
            out.add(full);
        }
        if (out.contains("recall")) {
            out.add("precision");
        }
        if (out.contains("precision")) {
            out.add("recall");
        }
        return new ArrayList<>(out);
    }

    /**
     * Streams a prediction table into one pair of arrays per row type (in the order types first appear): the
     * label (binary: 1 for the positive class, else 0) and the score (regression: the prediction) of each row,
     * 16 bytes a row, the rows themselves not held.
     */
    private static Map<String, LabelScores> read(ComponentContext ctx, Params p, TableInput t, String cpn,
                                                 boolean binary, JsonNode posLabel) {
        Map<String, LabelScores> byType = new LinkedHashMap<>();
        PredictTable.scan(ctx, p, t, r -> {
            String type = r.type();
            double label;
            double score;
            if (binary) {
                if (r.label() == null || r.label().isEmpty() || "None".equals(r.label())) {
                    throw p.dataError(cpn + " (" + type + ") row id " + r.id() + " has no label to evaluate against");
                }
                label = isPositive(r.label(), posLabel) ? 1.0 : 0.0;
                Double s = DataTransform.number(r.score());
                if (s == null) {
                    throw p.dataError(cpn + " (" + type + ") row id " + r.id() + ": predict_score '" + r.score()
                            + "' is not a number");
                }
                score = s;
            } else {
                Double y = DataTransform.number(r.label());
                if (y == null) {
                    throw p.dataError(cpn + " (" + type + ") row id " + r.id() + ": label '" + r.label()
                            + "' is not a number");
                }
                String raw = r.score() != null && !r.score().isEmpty() ? r.score() : r.result();
                Double pred = DataTransform.number(raw);
                if (pred == null) {
                    throw p.dataError(cpn + " (" + type + ") row id " + r.id() + ": prediction '" + raw
                            + "' is not a number");
                }
                label = y;
                score = pred;
            }
            byType.computeIfAbsent(type, k -> new LabelScores()).add(label, score);
        });
        return byType;
    }

    /** A growing pair of primitive arrays: the labels and scores of one row type. */
    static final class LabelScores {
        private double[] labels = new double[1024];
        private double[] scores = new double[1024];
        private int size;

        void add(double label, double score) {
            if (size == labels.length) {
                int grown = labels.length + (labels.length >> 1);
                labels = Arrays.copyOf(labels, grown);
                scores = Arrays.copyOf(scores, grown);
            }
            labels[size] = label;
            scores[size] = score;
            size++;
        }

        /** The labels, the array trimmed to the rows (in place, so that no second copy stays). */
        double[] labels() {
            if (labels.length != size) {
                labels = Arrays.copyOf(labels, size);
            }
            return labels;
        }

        double[] scores() {
            if (scores.length != size) {
                scores = Arrays.copyOf(scores, size);
            }
            return scores;
        }
    }

    private static Map<String, Double> binary(ComponentContext ctx, List<String> metrics, String cpn, String type,
                                              double[] labels, double[] scores) {
        Map<String, Double> values = new LinkedHashMap<>();
        BinaryMetrics.Confusion confusion = null;
        double[] thresholds = null;
        BinaryMetrics.Confusion[] confusions = null;
        for (String m : metrics) {
            switch (m) {
                case "auc" -> {
                    double auc = BinaryMetrics.auc(labels, scores);
                    if (Double.isNaN(auc)) {
                        ctx.log(cpn + " (" + type + "): only one class present, auc is undefined");
                    } else {
                        values.put("auc", auc);
                    }
                }
                case "ks" -> {
                    BinaryMetrics.Ks ks = BinaryMetrics.ks(labels, scores);
                    if (ks == null) {
                        ctx.log(cpn + " (" + type + "): only one class present, ks is undefined");
                        continue;
                    }
                    values.put("ks", ks.ks());
                    for (String which : List.of("fpr", "tpr")) {
                        double[] ys = "fpr".equals(which) ? ks.fpr() : ks.tpr();
                        String name = cpn + "_ks_" + which;
                        ctx.logMetricData(type, name, curve(ks.cuts(), ys));
                        ObjectNode meta = Params.JSON.createObjectNode();
                        meta.put("name", name);
                        meta.put("curve_name", cpn + "_" + which);
                        meta.put("pair_type", cpn);
                        meta.set("thresholds", rounded(ks.thresholds()));
                        ctx.setMetricMeta(type, name, "KS_EVALUATION", meta);
                    }
                }
                case "roc" -> {
                    BinaryMetrics.Roc roc = BinaryMetrics.roc(labels, scores);
                    String name = cpn + "_roc";
                    ctx.logMetricData(type, name, curve(roc.fpr(), roc.tpr()));
                    ObjectNode meta = Params.JSON.createObjectNode();
                    meta.put("name", name);
                    meta.put("unit_name", "fpr");
                    meta.put("ordinate_name", "tpr");
                    meta.put("curve_name", cpn);
                    meta.set("thresholds", rounded(roc.thresholds()));
                    ctx.setMetricMeta(type, name, "ROC_EVALUATION", meta);
                }
                case "accuracy", "precision", "recall", "f1_score" -> {
                    if (confusion == null) {
                        confusion = BinaryMetrics.confusion(labels, scores, THRESHOLD);
                    }
                    values.put(m, switch (m) {
                        case "accuracy" -> confusion.accuracy();
                        case "precision" -> confusion.precision();
                        case "recall" -> confusion.recall();
                        default -> confusion.f1();
                    });
                    if (thresholds == null) {
                        thresholds = ascendingThresholds(scores);
                        confusions = BinaryMetrics.confusions(labels, scores, thresholds);
                    }
                    double[] ys = new double[thresholds.length];
                    for (int k = 0; k < ys.length; k++) {
                        BinaryMetrics.Confusion c = confusions[k];
                        ys[k] = switch (m) {
                            case "accuracy" -> c.accuracy();
                            case "precision" -> c.precision();
                            case "recall" -> c.recall();
                            default -> c.f1();
                        };
                    }
                    String name = cpn + "_" + m;
                    ctx.logMetricData(type, name, curve(thresholds, ys));
                    ObjectNode meta = Params.JSON.createObjectNode();
                    meta.put("name", name);
                    meta.put("unit_name", "threshold");
                    meta.put("ordinate_name", m);
                    meta.put("curve_name", cpn);
                    meta.put("pair_type", cpn);
                    meta.set("thresholds", rounded(thresholds));
                    ctx.setMetricMeta(type, name, m.toUpperCase(Locale.ROOT) + "_EVALUATION", meta);
                }
                case "confusion_mat" -> {
                    if (thresholds == null) {
                        thresholds = ascendingThresholds(scores);
                        confusions = BinaryMetrics.confusions(labels, scores, thresholds);
                    }
                    String name = cpn + "_confusion_mat";
                    ObjectNode meta = Params.JSON.createObjectNode();
                    meta.put("name", name);
                    meta.put("unit_name", "threshold");
                    meta.put("ordinate_name", "tp");
                    meta.put("curve_name", cpn);
                    ArrayNode tp = meta.putArray("tp");
                    ArrayNode fp = meta.putArray("fp");
                    ArrayNode tn = meta.putArray("tn");
                    ArrayNode fn = meta.putArray("fn");
                    double[] tps = new double[confusions.length];
                    for (int k = 0; k < confusions.length; k++) {
                        BinaryMetrics.Confusion c = confusions[k];
                        tp.add((long) c.tp());
                        fp.add((long) c.fp());
                        tn.add((long) c.tn());
                        fn.add((long) c.fn());
                        tps[k] = c.tp();
                    }
                    meta.set("thresholds", rounded(thresholds));
                    // the data points are (threshold, tp); fp, tn and fn are in the meta, by threshold
                    ctx.logMetricData(type, name, curve(thresholds, tps));
                    ctx.setMetricMeta(type, name, "CONFUSION_MAT_EVALUATION", meta);
                }
                case "lift", "gain" -> {
                    BinaryMetrics.LiftGain lg = BinaryMetrics.liftGain(labels, scores, BinaryMetrics.LIFT_BUCKETS);
                    if (lg == null) {
                        ctx.log(cpn + " (" + type + "): no positive sample, " + m + " is undefined");
                        continue;
                    }
                    String name = cpn + "_" + m;
                    ctx.logMetricData(type, name, curve(lg.share(), "lift".equals(m) ? lg.lift() : lg.gain()));
                    ObjectNode meta = Params.JSON.createObjectNode();
                    meta.put("name", name);
                    meta.put("unit_name", "population_share");
                    meta.put("ordinate_name", m);
                    meta.put("curve_name", cpn);
                    meta.set("thresholds", rounded(lg.thresholds()));
                    ctx.setMetricMeta(type, name, m.toUpperCase(Locale.ROOT) + "_EVALUATION", meta);
                }
                default -> {
                    // accepted, not computed (logged once above)
                }
            }
        }
        return values;
    }

    private static Map<String, Double> regression(List<String> metrics, double[] y, double[] f) {
        Map<String, Double> all = regressionMetrics(y, f);
        Map<String, Double> values = new LinkedHashMap<>();
        for (String m : metrics) {
            if (all.containsKey(m)) {
                values.put(m, all.get(m));
            }
        }
        return values;
    }

    /** sklearn's regression metrics, by FATE's names. */
    static Map<String, Double> regressionMetrics(double[] y, double[] f) {
        int n = y.length;
        double[] res = new double[n];
        double[] absErr = new double[n];
        double sse = 0;
        double sae = 0;
        double yMean = 0;
        double resMean = 0;
        for (int i = 0; i < n; i++) {
            res[i] = y[i] - f[i];
            absErr[i] = Math.abs(res[i]);
            sse += res[i] * res[i];
            sae += absErr[i];
            yMean += y[i];
            resMean += res[i];
        }
        yMean /= n;
        resMean /= n;
        double sst = 0;
        double resVar = 0;
        for (int i = 0; i < n; i++) {
            sst += (y[i] - yMean) * (y[i] - yMean);
            resVar += (res[i] - resMean) * (res[i] - resMean);
        }
        double yVar = sst / n;
        resVar /= n;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("explained_variance", yVar == 0 ? (resVar == 0 ? 1.0 : 0.0) : 1 - resVar / yVar);
        m.put("mean_absolute_error", sae / n);
        m.put("mean_squared_error", sse / n);
        m.put("median_absolute_error", DataTransform.median(absErr));
        m.put("r2_score", sst == 0 ? (sse == 0 ? 1.0 : 0.0) : 1 - sse / sst);
        m.put("root_mean_squared_error", Math.sqrt(sse / n));
        return m;
    }

    private static boolean isPositive(String label, JsonNode posLabel) {
        if (posLabel == null) {
            Double d = DataTransform.number(label);
            return d != null && d == 1.0;
        }
        if (posLabel.isNumber()) {
            Double d = DataTransform.number(label);
            return d != null && d == posLabel.asDouble();
        }
        String pl = posLabel.asText();
        Double a = DataTransform.number(label);
        Double b = DataTransform.number(pl);
        return a != null && b != null ? a.doubleValue() == b.doubleValue() : label.equals(pl);
    }

    /** {@link BinaryMetrics#thresholds} in ascending order, the order the curves are drawn in. */
    private static double[] ascendingThresholds(double[] scores) {
        double[] desc = BinaryMetrics.thresholds(scores);
        double[] asc = new double[desc.length];
        for (int i = 0; i < desc.length; i++) {
            asc[i] = desc[desc.length - 1 - i];
        }
        return asc;
    }

    private static List<MetricPoint> curve(double[] xs, double[] ys) {
        // FATE sorts curve points by x (stable) and rounds both to 6 places
        Integer[] order = new Integer[xs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(BinaryMetrics.round6(xs[a]), BinaryMetrics.round6(xs[b])));
        List<MetricPoint> points = new ArrayList<>();
        for (int i : order) {
            points.add(new MetricPoint(BinaryMetrics.round6(xs[i]), BinaryMetrics.round6(ys[i])));
        }
        return points;
    }

    private static ArrayNode rounded(double[] values) {
        ArrayNode a = Params.JSON.createArrayNode();
        for (double v : values) {
            a.add(BinaryMetrics.round6(v));
        }
        return a;
    }
}
