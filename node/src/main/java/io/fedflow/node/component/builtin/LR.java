package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.Component;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.ComponentContext.MetricPoint;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.InputRule;
import io.fedflow.node.component.InstanceLayout;
import io.fedflow.node.component.InstanceSink;
import io.fedflow.node.component.ModelInput;
import io.fedflow.node.component.Param;
import io.fedflow.node.component.ParamSpec;
import io.fedflow.node.component.ParamType;
import io.fedflow.node.component.TableInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;

/**
 * Binary logistic regression at one party (role local, or a guest-only job), with FATE's LogisticParam:
 * penalty L2/L1/none, optimizers sgd/rmsprop/adam/adagrad/nesterov_momentum_sgd updating as FATE's
 * optimizer.py (learning rate decayed as lr / sqrt(1 + decay * t), or lr / (1 + decay * t) without
 * decay_sqrt, t the 0-based iteration), full batch or fixed-order mini-batches, convergence by diff / abs /
 * weight_diff, validation every {@code validation_freqs} iterations with early stopping. Loss per iteration
 * is logged as FATE's LOSS curve ("train"/"loss"). Outputs: model "model" and predictions "data" for the
 * train (and validate) data. With an input model under "model" and no train data it scores
 * "test_data"/"data" instead.
 */
public final class LR implements Component {
    /** Train on train_data (or data), or score test_data with an input model. */
    static final InputRule INPUTS = InputRule.anyOf("input.data.train_data (or data) to train, or an input.model"
                    + " and input.data.test_data (or eval_data, data) to predict",
            InputRule.data("train_data", "data"), InputRule.modelAndData("test_data", "eval_data", "data"));

    public static final ComponentDefinition DEFINITION;

    static {
        // FATE's LogisticParam, with the values its check() (and this runtime) accepts
        Map<String, ParamSpec> params = new LinkedHashMap<>();
        params.put("penalty", Param.string().oneOf("L1", "L2", "none"));
        params.put("tol", Param.number().atLeast(0));
        params.put("alpha", Param.number().atLeast(0));
        params.put("optimizer", Param.string().oneOf("sgd", "rmsprop", "adam", "adagrad", "nesterov_momentum_sgd"));
        params.put("batch_size", Param.integer().atLeastOr(LR.MIN_BATCH_SIZE, -1));
        params.put("shuffle", ParamType.BOOL);
        params.put("batch_strategy", ParamType.STRING);
        params.put("masked_rate", ParamType.NUMBER);
        params.put("learning_rate", Param.number().above(0));
        params.put("init_param", Param.object()
                .field("init_method", Param.string().oneOf("random_uniform", "random_normal", "ones", "zeros",
                        "const"))
                .field("init_const", ParamType.NUMBER)
                .field("fit_intercept", ParamType.BOOL)
                .field("random_seed", ParamType.INT));
        params.put("max_iter", Param.integer().atLeast(1));
        params.put("early_stop", Param.string().oneOf("diff", "abs", "weight_diff"));
        params.put("encrypt_param", Param.object().field("method", Param.string().oneOf("Paillier")));
        params.put("encrypted_mode_calculator_param", ParamType.OBJECT);
        params.put("predict_param", Param.object().field("threshold", Param.number().between(0, 1)));
        params.put("cv_param", Param.object().field("need_cv", Params.offOnly("cross validation")));
        params.put("decay", ParamType.NUMBER);
        params.put("decay_sqrt", ParamType.BOOL);
        params.put("multi_class", Param.string().oneOf("ovr"));
        params.put("validation_freqs", Param.any().where(v -> v.isIntegralNumber() && v.asInt() > 0
                        || v.isArray() && StreamSupport.stream(v.spliterator(), false)
                        .allMatch(JsonNode::isIntegralNumber),
                "a positive integer or a list of iterations"));
        params.put("early_stopping_rounds", Param.integer().atLeast(1));
        params.put("stepwise_param", Param.object().field("need_stepwise", Params.offOnly("stepwise")));
        params.put("sqn_param", ParamType.OBJECT);
        params.put("floating_point_precision", ParamType.INT);
        params.put("metrics", Param.list());
        params.put("use_first_metric_only", ParamType.BOOL);
        params.put("is_warm_start", ParamType.BOOL);
        params.put("callback_param", ModelCheckpoint.PARAM);
        params.put("need_run", ParamType.BOOL);
        DEFINITION = new ComponentDefinition("LR", List.of("LocalLR", "LogisticRegression"), Map.copyOf(params),
                Set.of("local", "guest"), LR::new, INPUTS);
    }

    // FATE LogisticParam defaults
    static final double DEFAULT_ALPHA = 1.0;
    static final double DEFAULT_LEARNING_RATE = 0.01;
    static final int DEFAULT_MAX_ITER = 100;
    static final int MIN_BATCH_SIZE = 10;

    @Override
    public void run(ComponentContext ctx) {
        Params p = new Params(ctx);
        if (!p.bool("need_run", true)) {
            Inputs.passThrough(ctx, Inputs.first(ctx, "train_data", "data", "test_data"));
            return;
        }
        Settings s = Settings.of(p, ctx);
        List<ModelInput> models = ctx.inputModels("model");
        ModelInput model = models == null || models.isEmpty() ? null : models.get(0);

        TableInput train = Inputs.first(ctx, "train_data");
        if (train == null && model == null) {
            train = Inputs.first(ctx, "data");
        }
        if (train == null) {
            if (model == null) {
                throw p.refuse("needs train_data (or data) to train, or an input model and test_data to predict");
            }
            TableInput test = Inputs.first(ctx, "test_data", "eval_data", "data");
            if (test == null) {
                throw p.refuse("has an input model but no test_data (or data) to predict");
            }
            predictOnly(ctx, p, s, model, test);
            return;
        }
        TableInput validate = Inputs.first(ctx, "validate_data", "eval_data");
        train(ctx, p, s, train, validate, s.warmStart ? model : null);
    }

    // ---------------------------------------------------------------------------------------------------

    private static void train(ComponentContext ctx, Params p, Settings s, TableInput trainTable,
                              TableInput validateTable, ModelInput warm) {
        InstanceLayout trLayout = InstanceLayout.of(trainTable);
        List<String> names = trLayout.featureNames();
        LabelCount trCount = LabelCount.of(ctx, p, trainTable, trLayout);
        InstanceLayout vaLayout = validateTable == null ? null : InstanceLayout.of(validateTable);
        // the validate data's features in the train data's order (a pass also checks its labels)
        int[] vaAt = vaLayout == null ? null : columns(p, vaLayout.featureNames(), names);
        long vaCount = vaLayout == null ? 0 : LabelCount.of(ctx, p, validateTable, vaLayout).rows;
        long rows = trCount.rows;
        int d = names.size();
        if (rows == 0) {
            throw p.dataError("the train data " + trainTable.source() + " is empty");
        }
        if (rows > Integer.MAX_VALUE) {
            throw p.dataError("the train data " + trainTable.source() + " has more than " + Integer.MAX_VALUE + " rows");
        }
        int n = (int) rows;
        int dim = d + (s.fitIntercept ? 1 : 0);
        double[] w = init(s, dim, d);
        if (s.fitIntercept && "zeros".equals(s.initMethod)) {
            // FATE's Initializer does this when handed the data (HomoLR's clients do; its HeteroLR guest does
            // not, so HeteroLRProtocol keeps 0)
            w[d] = logOdds(trCount.ones, n);
        }
        if (warm != null) {
            Weights from = Weights.of(p, warm);
            double[] aligned = from.align(p, names);
            System.arraycopy(aligned, 0, w, 0, d);
            if (s.fitIntercept) {
                w[d] = from.intercept;
            }
            ctx.log("warm start from the model of " + warm.component());
        }
        int batch = s.batchSize < 0 || s.batchSize >= n ? n : s.batchSize;
        if (batch < MIN_BATCH_SIZE && batch < n) {
            throw p.bad("batch_size", "must be -1 or at least " + MIN_BATCH_SIZE + ", got " + s.batchSize);
        }
        boolean validating = vaLayout != null && s.validationFreqs != null;
        if (s.validationFreqs != null && vaLayout == null) {
            ctx.log("validation_freqs is set but there is no validate_data: no validation");
        }

        Optimizer opt = new Optimizer(s, d);
        ModelCheckpoint checkpoint = ModelCheckpoint.of(p);
        List<Double> lossHistory = new ArrayList<>();
        Double preLoss = null;
        double[] preWeight = null;
        boolean converged = false;
        int iters = 0;
        int bestIteration = -1;
        double bestMetric = Double.NEGATIVE_INFINITY;
        double[] bestWeights = null;
        int sinceBest = 0;
        boolean stopEarly = false;
        ObjectNode lastValidation = null;
        ObjectNode lossMeta = Params.JSON.createObjectNode();
        lossMeta.put("name", "train");
        lossMeta.put("unit_name", "iters");
        lossMeta.put("curve_name", "loss");

        while (iters < s.maxIter) {
            ctx.checkCancelled();
            opt.setIters(iters);
            double loss = epoch(ctx, s, opt, trainTable, w, d, n, batch) / n;
            if (!Double.isFinite(loss)) {
                throw p.dataError("the loss diverged at iteration " + iters + " (" + loss
                        + "); lower learning_rate or scale the features");
            }
            lossHistory.add(loss);
            ctx.logMetricData("train", "loss", List.of(new MetricPoint(iters, loss)));
            if (iters == 0) {
                ctx.setMetricMeta("train", "loss", "LOSS", lossMeta);
            }

            switch (s.earlyStop) {
                case "diff" -> converged = preLoss != null && Math.abs(preLoss - loss) < s.tol;
                case "abs" -> converged = loss <= s.tol;
                default -> {
                    if (preWeight != null) {
                        double diff = 0;
                        double norm = 0;
                        for (int j = 0; j < dim; j++) {
                            diff += (w[j] - preWeight[j]) * (w[j] - preWeight[j]);
                            norm += w[j] * w[j];
                        }
                        converged = Math.sqrt(diff) < s.tol * Math.max(Math.sqrt(norm), 1);
                    }
                    preWeight = w.clone();
                }
            }
            preLoss = loss;

            if (validating && s.validateAt(iters)) {
                lastValidation = Params.JSON.createObjectNode();
                String name = "iteration_" + iters;
                Map<String, Double> trainMetrics = validationMetrics(ctx, s, trainTable, null, n, w, d);
                Map<String, Double> validateMetrics = validationMetrics(ctx, s, validateTable, vaAt, (int) vaCount,
                        w, d);
                logValidation(ctx, "train", name, trainMetrics, lastValidation);
                logValidation(ctx, "validate", name, validateMetrics, lastValidation);
                if (s.earlyStoppingRounds > 0 && !validateMetrics.isEmpty()) {
                    double first = validateMetrics.values().iterator().next();
                    if (first > bestMetric) {
                        bestMetric = first;
                        bestIteration = iters;
                        bestWeights = w.clone();
                        sinceBest = 0;
                    } else if (++sinceBest >= s.earlyStoppingRounds) {
                        ctx.log("early stopping at iteration " + iters + ": " + s.metrics.get(0)
                                + " has not improved for " + s.earlyStoppingRounds + " validations; best iteration "
                                + bestIteration);
                        stopEarly = true;
                    }
                }
            }
            if (checkpoint != null) {
                int done = iters + 1;
                boolean convergedNow = converged;
                int best = bestIteration;
                double[] now = w;
                checkpoint.onIterationEnd(ctx, iters, () -> modelParam(names, now, d, s.fitIntercept, done,
                        lossHistory, convergedNow, best), s.meta());
            }
            iters++;
            if (stopEarly) {
                break;
            }
            ctx.log("iteration " + (iters - 1) + " loss " + loss + (converged ? " (converged)" : ""));
            if (converged) {
                break;
            }
        }
        if (bestWeights != null) {
            w = bestWeights;
        }

        Weights fitted = new Weights(names, Arrays.copyOf(w, d), s.fitIntercept ? w[d] : 0.0);
        writePredictions(ctx, p, s, fitted, trainTable, trLayout, validateTable, vaLayout);

        ObjectNode param = modelParam(names, w, d, s.fitIntercept, iters, lossHistory, converged, bestIteration);
        ObjectNode weight = (ObjectNode) param.get("weight");
        ctx.saveModel("model", param, s.meta());

        ObjectNode summary = Params.JSON.createObjectNode();
        summary.set("coef", weight.deepCopy());
        summary.put("intercept", fitted.intercept);
        summary.put("is_converged", converged);
        summary.put("iters", iters);
        summary.put("best_iteration", bestIteration);
        summary.put("one_vs_rest", false);
        if (!lossHistory.isEmpty()) {
            summary.put("loss", lossHistory.get(lossHistory.size() - 1));
        }
        if (lastValidation != null) {
            summary.set("validation_metrics", lastValidation);
        }
        ctx.setSummary(summary);
    }

    /**
     * One iteration: a pass over the train table in its order, mini-batches of {@code batch} rows (the last one
     * shorter), the weights updated after each from the batch's mean gradient. Holds one gradient, no rows.
     * Returns the iteration's loss times {@code n} (the penalty at the iteration's start, then each row's log
     * loss at the weights of its batch), summed in row order as the whole-table loop did.
     */
    private static double epoch(ComponentContext ctx, Settings s, Optimizer opt, TableInput train, double[] w, int d,
                                int n, int batch) {
        int dim = w.length;
        double[] lossSum = {lossNorm(s, w, d) * n};
        double[][] g = {new double[dim]};
        int[] inBatch = {0};
        int[] seen = {0};
        ctx.scanInstances(train, (id, y, xi) -> {
            seen[0]++;
            double z = dot(w, xi, d, s.fitIntercept);
            double r = sigmoid(z) - y;
            double[] gb = g[0];
            for (int j = 0; j < d; j++) {
                gb[j] += r * xi[j];
            }
            if (s.fitIntercept) {
                gb[d] += r;
            }
            lossSum[0] += logLoss(z, y);
            if (++inBatch[0] == batch) {
                step(s, opt, w, gb, d, inBatch[0]);
                g[0] = new double[dim];
                inBatch[0] = 0;
                if (seen[0] < n) {
                    ctx.checkCancelled();
                }
            }
        });
        if (inBatch[0] > 0) {
            step(s, opt, w, g[0], d, inBatch[0]);
        }
        return lossSum[0];
    }

    /** The update of one mini-batch of {@code m} rows from the sum of its gradients {@code g}. */
    private static void step(Settings s, Optimizer opt, double[] w, double[] g, int d, int m) {
        for (int j = 0; j < g.length; j++) {
            g[j] /= m;
        }
        update(s, opt, w, g, d);
    }

    /** What a pass over a labelled table tells before training: its rows and ones (its labels checked). */
    record LabelCount(long rows, long ones) {
        /** The most distinct labels a refusal lists (a binary table has two). */
        static final int MAX_CLASSES = 100;

        static LabelCount of(ComponentContext ctx, Params p, TableInput t, InstanceLayout layout) {
            if (!layout.withLabel()) {
                throw p.dataError("input " + t.source() + " has no label; set with_label in DataTransform");
            }
            Set<String> classes = new TreeSet<>();
            long[] count = {0, 0};
            boolean[] seen = new boolean[3]; // label 0, label 1, more classes than MAX_CLASSES
            ctx.scanInstances(t, (id, y, x) -> {
                count[0]++;
                if (y == 1.0) {
                    count[1]++;
                    seen[1] = true;
                } else if (y == 0.0) {
                    seen[0] = true;
                } else {
                    String c = Labels.format(y);
                    if (classes.size() < MAX_CLASSES || classes.contains(c)) {
                        classes.add(c);
                    } else {
                        seen[2] = true;
                    }
                }
            });
            if (seen[0]) {
                classes.add(Labels.format(0.0));
            }
            if (seen[1]) {
                classes.add(Labels.format(1.0));
            }
            checkClasses(p, t, classes, seen[2]);
            return new LabelCount(count[0], count[1]);
        }
    }

    /**
     * The model's Param after {@code iters} iterations with weights {@code w} (the intercept last when fitted):
     * what the task saves at the end, and in each checkpoint.
     */
    private static ObjectNode modelParam(List<String> names, double[] w, int d, boolean fitIntercept, int iters,
                                         List<Double> lossHistory, boolean converged, int bestIteration) {
        ObjectNode param = Params.JSON.createObjectNode();
        param.put("iters", iters);
        ArrayNode lh = param.putArray("loss_history");
        lossHistory.forEach(lh::add);
        param.put("is_converged", converged);
        ObjectNode weight = param.putObject("weight");
        for (int j = 0; j < d; j++) {
            weight.put(names.get(j), w[j]);
        }
        param.put("intercept", fitIntercept ? w[d] : 0.0);
        ArrayNode header = param.putArray("header");
        names.forEach(header::add);
        param.put("best_iteration", bestIteration);
        param.put("need_one_vs_rest", false);
        return param;
    }

    private static void predictOnly(ComponentContext ctx, Params p, Settings s, ModelInput model, TableInput test) {
        Weights weights = Weights.of(p, model);
        InstanceLayout layout = InstanceLayout.of(test);
        int[] at = columns(p, layout.featureNames(), weights.header);
        ctx.log("predicting " + test.source() + " with the model of " + model.component());
        long[] count = {0};
        TableInput out = ctx.writeTable("data", PredictTable.schema(Inputs.sid(test.schema())), PredictTable.DELIMITER,
                rows -> count[0] = writeRows(ctx, s, weights, test, layout, at, "predict", rows));
        // the model goes on unchanged, so that a predict job's output model is the one it used
        ctx.saveModel("model", model.param(), model.meta());
        ObjectNode summary = Params.JSON.createObjectNode();
        summary.put("predict_count", count[0]);
        summary.put("output", out == null ? "data" : out.source());
        ctx.setSummary(summary);
    }

    private static void writePredictions(ComponentContext ctx, Params p, Settings s, Weights w, TableInput trainTable,
                                         InstanceLayout trLayout, TableInput validateTable,
                                         InstanceLayout vaLayout) {
        int[] vaAt = vaLayout == null ? null : columns(p, vaLayout.featureNames(), w.header);
        ctx.writeTable("data", PredictTable.schema(Inputs.sid(trainTable.schema())), PredictTable.DELIMITER, rows -> {
            writeRows(ctx, s, w, trainTable, trLayout, null, "train", rows);
            if (vaLayout != null) {
                writeRows(ctx, s, w, validateTable, vaLayout, vaAt, "validate", rows);
            }
        });
    }

    /** Scores a table a row at a time as it is scanned, each prediction written as scored; returns the rows. */
    private static long writeRows(ComponentContext ctx, Settings s, Weights w, TableInput table, InstanceLayout layout,
                                  int[] at, String type, ComponentContext.RowWriter rows) {
        int d = w.coef.length;
        long[] i = {0};
        scan(ctx, table, at, (id, y, x) -> {
            double z = w.intercept;
            for (int j = 0; j < d; j++) {
                z += w.coef[j] * x[j];
            }
            String label = layout.withLabel() ? Labels.format(y) : "";
            rows.row(id, predictionRow(label, sigmoid(z), s.threshold, type));
            if (i[0]++ % 10_000 == 9_999) {
                ctx.checkCancelled();
            }
        });
        return i[0];
    }

    /** Scans an instances table, each row's features picked in the order {@code at} gives (null: as stored). */
    private static void scan(ComponentContext ctx, TableInput table, int[] at, InstanceSink sink) {
        ctx.scanInstances(table, at == null ? sink : (id, y, x) -> {
            double[] picked = new double[at.length];
            for (int j = 0; j < at.length; j++) {
                picked[j] = x[at[j]];
            }
            sink.row(id, y, picked);
        });
    }

    /** A row of FATE's prediction table for a score: class 1 above {@code threshold}. */
    static String predictionRow(String label, double score, double threshold, String type) {
        ObjectNode detail = Params.JSON.createObjectNode();
        detail.put("0", 1 - score);
        detail.put("1", score);
        return PredictTable.row(label, score > threshold ? "1" : "0", score, detail, type);
    }

    // ---------------------------------------------------------------------------------------------------

    /**
     * The validation metrics of a table at weights {@code w}: a pass that keeps each row's score and label,
     * 16 bytes a row (AUC and KS rank all the scores).
     */
    private static Map<String, Double> validationMetrics(ComponentContext ctx, Settings s, TableInput table, int[] at,
                                                         int n, double[] w, int d) {
        double[] scores = new double[n];
        double[] y = new double[n];
        int[] i = {0};
        scan(ctx, table, at, (id, label, x) -> {
            scores[i[0]] = sigmoid(dot(w, x, d, s.fitIntercept));
            y[i[0]++] = label;
        });
        Map<String, Double> out = new LinkedHashMap<>();
        for (String m : s.metrics) {
            if ("auc".equals(m)) {
                double auc = BinaryMetrics.auc(y, scores);
                if (!Double.isNaN(auc)) {
                    out.put("auc", auc);
                }
            } else if ("ks".equals(m)) {
                BinaryMetrics.Ks ks = BinaryMetrics.ks(y, scores);
                if (ks != null) {
                    out.put("ks", ks.ks());
                }
            }
        }
        return out;
    }

    private static void logValidation(ComponentContext ctx, String namespace, String name, Map<String, Double> metrics,
                                      ObjectNode collect) {
        if (metrics.isEmpty()) {
            return;
        }
        List<MetricPoint> points = new ArrayList<>();
        ObjectNode c = collect.putObject(namespace);
        metrics.forEach((k, v) -> {
            points.add(new MetricPoint(k, BinaryMetrics.round6(v)));
            c.put(k, v);
        });
        ctx.logMetricData(namespace, name, points);
        ctx.setMetricMeta(namespace, name, "EVALUATION_SUMMARY", Params.JSON.createObjectNode().put("name", name));
    }

    /** Refuses a train or validate table whose labels are not 0 and 1 ({@code more}: over MAX_CLASSES). */
    static void checkClasses(Params p, TableInput t, Set<String> classes, boolean more) {
        if (classes.size() > 2) {
            throw p.refuse("input " + t.source() + " has " + (more ? "more than " : "") + classes.size()
                    + " classes " + classes + "; only binary classification (labels 0 and 1) is supported, not"
                    + " one-vs-rest");
        }
        for (String c : classes) {
            if (!"0".equals(c) && !"1".equals(c)) {
                throw p.dataError("input " + t.source() + " has label " + c
                        + "; binary labels must be 0 and 1");
            }
        }
    }

    /**
     * Where each of the model's {@code header} features is among the data's {@code names}; null when they are
     * the same columns in the same order.
     */
    static int[] columns(Params p, List<String> names, List<String> header) {
        if (names.equals(header)) {
            return null;
        }
        int[] at = new int[header.size()];
        for (int j = 0; j < header.size(); j++) {
            at[j] = names.indexOf(header.get(j));
            if (at[j] < 0) {
                throw p.dataError("the model's feature " + header.get(j) + " is not in the input data (header "
                        + names + ")");
            }
        }
        return at;
    }

    /**
     * One optimizer step on {@code w} (d features, then the intercept when {@code w} is longer) from the
     * batch's mean loss gradient {@code g}: L2 adds alpha·w to the features' gradient, L1 soft-thresholds
     * them after the step; the intercept is never penalized. Shared with HeteroLR, whose parties step alone.
     */
    static void update(Settings s, Optimizer opt, double[] w, double[] g, int d) {
        if ("L2".equals(s.penalty)) {
            for (int j = 0; j < d; j++) {
                g[j] += s.alpha * w[j];
            }
        }
        double[] delta = opt.apply(g);
        if ("L1".equals(s.penalty)) {
            double shrink = opt.shrinkage();
            for (int j = 0; j < d; j++) {
                double v = w[j] - delta[j];
                w[j] = Math.signum(v) * Math.max(0, Math.abs(v) - shrink);
            }
            for (int j = d; j < w.length; j++) {
                w[j] -= delta[j];
            }
        } else {
            for (int j = 0; j < w.length; j++) {
                w[j] -= delta[j];
            }
        }
    }

    static double[] init(Settings s, int dim, int d) {
        double[] w = new double[dim];
        Random rnd = new Random(s.randomSeed);
        for (int j = 0; j < dim; j++) {
            w[j] = switch (s.initMethod) {
                case "zeros" -> 0.0;
                case "ones" -> 1.0;
                case "const" -> s.initConst;
                case "random_normal" -> rnd.nextGaussian();
                default -> rnd.nextDouble();
            };
        }
        return w;
    }

    /**
     * The intercept FATE's zeros init starts from (optim/initialize.py): log(ones / zeros) of the labels, the
     * intercept at which the mean prediction of an all-zero model is the share of ones. FATE divides by zero
     * (or fails) on a single-class table; here such a table keeps the intercept at 0.
     */
    static double logOdds(double[] y) {
        long ones = 0;
        for (double label : y) {
            if (label == 1.0) {
                ones++;
            }
        }
        return logOdds(ones, y.length);
    }

    /** {@link #logOdds(double[])} from the count of ones among {@code n} labels. */
    static double logOdds(long ones, long n) {
        long zeros = n - ones;
        return ones == 0 || zeros == 0 ? 0.0 : Math.log((double) ones / zeros);
    }

    static double lossNorm(Settings s, double[] w, int d) {
        double norm = 0;
        if ("L2".equals(s.penalty)) {
            for (int j = 0; j < d; j++) {
                norm += w[j] * w[j];
            }
            return 0.5 * s.alpha * norm;
        }
        if ("L1".equals(s.penalty)) {
            for (int j = 0; j < d; j++) {
                norm += Math.abs(w[j]);
            }
            return s.alpha * norm;
        }
        return 0;
    }

    static double dot(double[] w, double[] x, int d, boolean intercept) {
        double z = intercept ? w[d] : 0.0;
        for (int j = 0; j < d; j++) {
            z += w[j] * x[j];
        }
        return z;
    }

    static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /** -[y log p + (1 - y) log(1 - p)] with p = sigmoid(z), computed without overflow. */
    static double logLoss(double z, double y) {
        return Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
    }

    // ---------------------------------------------------------------------------------------------------

    /** FATE's optimizers (federatedml/optim/optimizer.py): each turns a gradient into the step to subtract. */
    static final class Optimizer {
        private final String kind;
        private final double learningRate;
        private final double alpha;
        private final double decay;
        private final boolean decaySqrt;
        private int iters;
        private double[] m;
        private double[] v;
        private double beta1Decay = 1.0;
        private double beta2Decay = 1.0;

        Optimizer(Settings s, int d) {
            this.kind = s.optimizer;
            this.learningRate = s.learningRate;
            this.alpha = s.alpha;
            this.decay = s.decay;
            this.decaySqrt = s.decaySqrt;
        }

        void setIters(int iters) {
            this.iters = iters;
        }

        double decayedLearningRate() {
            return decaySqrt ? learningRate / Math.sqrt(1 + decay * iters) : learningRate / (1 + decay * iters);
        }

        /** L1's soft threshold: alpha * lr / sqrt(t), t counted from 1 here (FATE's t = 0 would divide by 0). */
        double shrinkage() {
            return alpha * learningRate / Math.sqrt(iters + 1);
        }

        double[] apply(double[] g) {
            double lr = decayedLearningRate();
            int n = g.length;
            double[] delta = new double[n];
            if (m == null) {
                m = new double[n];
                v = new double[n];
            }
            switch (kind) {
                case "sgd" -> {
                    for (int j = 0; j < n; j++) {
                        delta[j] = lr * g[j];
                    }
                }
                case "rmsprop" -> {
                    double rho = 0.99;
                    for (int j = 0; j < n; j++) {
                        m[j] = rho * m[j] + (1 - rho) * g[j] * g[j];
                        delta[j] = lr * g[j] / Math.sqrt(m[j] + 1e-6);
                    }
                }
                case "adam" -> {
                    double b1 = 0.9;
                    double b2 = 0.999;
                    beta1Decay *= b1;
                    beta2Decay *= b2;
                    for (int j = 0; j < n; j++) {
                        m[j] = b1 * m[j] + (1 - b1) * g[j];
                        v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
                        double mHat = m[j] / (1 - beta1Decay);
                        double vHat = v[j] / (1 - beta2Decay);
                        delta[j] = lr * mHat / (Math.sqrt(vHat) + 1e-8);
                    }
                }
                case "adagrad" -> {
                    for (int j = 0; j < n; j++) {
                        m[j] += g[j] * g[j];
                        delta[j] = lr * g[j] / (Math.sqrt(m[j]) + 1e-7);
                    }
                }
                case "nesterov_momentum_sgd" -> {
                    double mu = 0.9;
                    for (int j = 0; j < n; j++) {
                        double vel = mu * m[j] - lr * g[j];
                        delta[j] = mu * m[j] - (1 + mu) * vel;
                        m[j] = vel;
                    }
                }
                default -> throw new IllegalStateException(kind);
            }
            return delta;
        }
    }

    /** A model's coefficients by feature name, and its intercept. */
    record Weights(List<String> header, double[] coef, double intercept) {
        static Weights of(Params p, ModelInput model) {
            JsonNode param = model.param();
            if (param == null || !param.path("weight").isObject()) {
                throw p.refuse("the input model of " + model.component() + " (" + model.module()
                        + ") is not a logistic regression model: it has no weight");
            }
            List<String> header = new ArrayList<>();
            param.path("header").forEach(h -> header.add(h.asText()));
            if (header.isEmpty()) {
                param.path("weight").fieldNames().forEachRemaining(header::add);
            }
            double[] coef = new double[header.size()];
            for (int j = 0; j < coef.length; j++) {
                JsonNode c = param.path("weight").get(header.get(j));
                if (c == null || !c.isNumber()) {
                    throw p.refuse("the input model of " + model.component() + " has no weight for " + header.get(j));
                }
                coef[j] = c.asDouble();
            }
            return new Weights(header, coef, param.path("intercept").asDouble(0));
        }

        double[] align(Params p, List<String> names) {
            double[] out = new double[names.size()];
            for (int j = 0; j < header.size(); j++) {
                int at = names.indexOf(header.get(j));
                if (at < 0) {
                    throw p.dataError("the warm-start model's feature " + header.get(j) + " is not in the train data");
                }
                out[at] = coef[j];
            }
            return out;
        }
    }

    /** The parameters, checked as FATE's LogisticParam.check does. */
    static final class Settings {
        String penalty;
        double tol;
        double alpha;
        String optimizer;
        int batchSize;
        double learningRate;
        int maxIter;
        String earlyStop;
        double decay;
        boolean decaySqrt;
        String initMethod;
        double initConst;
        boolean fitIntercept;
        long randomSeed;
        double threshold;
        List<Integer> validationFreqList;
        Integer validationFreqs;
        int earlyStoppingRounds;
        List<String> metrics;
        boolean warmStart;

        static Settings of(Params p, ComponentContext ctx) {
            Settings s = new Settings();
            if (p.present("penalty") && p.node("penalty") == null) {
                s.penalty = "NONE"; // FATE: penalty None means no penalty
            } else {
                String pen = p.str("penalty", "L2").toUpperCase(Locale.ROOT);
                if (!List.of("L1", "L2", "NONE").contains(pen)) {
                    throw p.bad("penalty", "'" + p.str("penalty", "") + "' is not supported; use 'L1', 'L2' or 'none'");
                }
                s.penalty = pen;
            }
            s.tol = p.num("tol", 1e-4);
            s.alpha = p.num("alpha", DEFAULT_ALPHA);
            s.optimizer = p.choice("optimizer", "rmsprop", "sgd", "rmsprop", "adam", "adagrad",
                    "nesterov_momentum_sgd", "sqn");
            if ("sqn".equals(s.optimizer)) {
                throw p.bad("optimizer", "'sqn' needs the hetero (multi-party) LR; use sgd, rmsprop, adam, adagrad"
                        + " or nesterov_momentum_sgd");
            }
            s.batchSize = p.integer("batch_size", -1);
            if (s.batchSize != -1 && s.batchSize < MIN_BATCH_SIZE) {
                throw p.bad("batch_size", "must be -1 (all data) or at least " + MIN_BATCH_SIZE + ", got " + s.batchSize);
            }
            s.learningRate = p.num("learning_rate", DEFAULT_LEARNING_RATE);
            s.maxIter = p.integer("max_iter", DEFAULT_MAX_ITER);
            if (s.maxIter <= 0) {
                throw p.bad("max_iter", "must be at least 1, got " + s.maxIter);
            }
            s.earlyStop = p.choice("early_stop", "diff", "diff", "abs", "weight_diff");
            s.decay = p.num("decay", 1);
            s.decaySqrt = p.bool("decay_sqrt", true);
            // FATE's InitParam: random_uniform over [0, 1) for every weight and the intercept by default (not
            // zeros): on data whose features mostly fall as the label rises, a short run with the default
            // lr 0.01 and alpha 1 keeps ranking backwards, as FATE's does. FATE's random_seed None is unseeded;
            // 0 here so that a rerun gives the same model.
            Params init = p.object("init_param");
            s.initMethod = init.choice("init_method", "random_uniform", "random_uniform", "random_normal", "ones",
                    "zeros", "const");
            s.initConst = init.num("init_const", 1);
            s.fitIntercept = init.bool("fit_intercept", true);
            s.randomSeed = init.integer("random_seed", 0);
            Params predict = p.object("predict_param");
            s.threshold = predict.num("threshold", 0.5);
            if (s.threshold < 0 || s.threshold > 1) {
                throw p.bad("predict_param", "threshold must be between 0 and 1, got " + s.threshold);
            }
            JsonNode vf = p.node("validation_freqs");
            if (vf != null) {
                if (vf.isIntegralNumber() && vf.asInt() > 0) {
                    s.validationFreqs = vf.asInt();
                } else if (vf.isArray()) {
                    s.validationFreqList = new ArrayList<>();
                    for (JsonNode e : vf) {
                        if (!e.isIntegralNumber()) {
                            throw p.bad("validation_freqs", "must be a positive integer or a list of iterations, got " + vf);
                        }
                        s.validationFreqList.add(e.asInt());
                    }
                } else {
                    throw p.bad("validation_freqs", "must be a positive integer or a list of iterations, got " + vf);
                }
            }
            s.earlyStoppingRounds = p.integer("early_stopping_rounds", 0);
            if (p.has("early_stopping_rounds")) {
                if (s.earlyStoppingRounds < 1) {
                    throw p.bad("early_stopping_rounds", "should be larger than 0");
                }
                if (vf == null) {
                    throw p.bad("early_stopping_rounds", "needs validation_freqs to be set");
                }
            }
            s.metrics = new ArrayList<>();
            for (String m : p.strings("metrics", List.of())) {
                String lower = m.toLowerCase(Locale.ROOT);
                if ("auc".equals(lower) || "ks".equals(lower)) {
                    s.metrics.add(lower);
                } else {
                    ctx.log("validation metric " + m + " is not supported here; using auc and ks");
                }
            }
            if (s.metrics.isEmpty()) {
                s.metrics = List.of("auc", "ks");
            }
            s.warmStart = p.bool("is_warm_start", false);
            String multi = p.str("multi_class", "ovr");
            if (!"ovr".equalsIgnoreCase(multi)) {
                throw p.bad("multi_class", "only 'ovr' is defined");
            }
            if (p.object("cv_param").bool("need_cv", false)) {
                throw p.bad("cv_param", "need_cv: cross validation is not supported");
            }
            if (p.object("stepwise_param").bool("need_stepwise", false)) {
                throw p.bad("stepwise_param", "need_stepwise: stepwise is not supported");
            }
            JsonNode enc = p.node("encrypt_param");
            if (enc != null && enc.hasNonNull("method") && !"paillier".equalsIgnoreCase(enc.path("method").asText())) {
                throw p.bad("encrypt_param", "method must be Paillier or null, got " + enc.path("method"));
            }
            for (String ignored : List.of("shuffle", "batch_strategy", "masked_rate", "floating_point_precision",
                    "encrypt_param", "encrypted_mode_calculator_param", "sqn_param",
                    "use_first_metric_only")) {
                if (p.has(ignored)) {
                    ctx.log("parameter " + ignored + " is accepted but has no effect for single-party LR");
                }
            }
            return s;
        }

        boolean validateAt(int epoch) {
            if (validationFreqs != null) {
                return (epoch + 1) % validationFreqs == 0;
            }
            return validationFreqList != null && validationFreqList.contains(epoch);
        }

        ObjectNode meta() {
            ObjectNode meta = Params.JSON.createObjectNode();
            meta.put("penalty", penalty);
            meta.put("tol", tol);
            meta.put("alpha", alpha);
            meta.put("optimizer", optimizer);
            meta.put("batch_size", batchSize);
            meta.put("learning_rate", learningRate);
            meta.put("max_iter", maxIter);
            meta.put("early_stop", earlyStop);
            meta.put("fit_intercept", fitIntercept);
            meta.put("decay", decay);
            meta.put("decay_sqrt", decaySqrt);
            meta.put("init_method", initMethod);
            meta.put("need_one_vs_rest", false);
            meta.put("module", "LR");
            ObjectNode predict = meta.putObject("predict_param");
            predict.put("threshold", threshold);
            return meta;
        }
    }
}
