package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.Component;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.ComponentContext.MetricPoint;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.InstanceLayout;
import io.fedflow.node.component.ModelInput;
import io.fedflow.node.component.Param;
import io.fedflow.node.component.ParamSpec;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.component.builtin.ChunkedRows.PartyRows;
import io.fedflow.node.component.paillier.PaillierKeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * FATE's HeteroLR: logistic regression over features split between a guest (which holds the labels) and
 * hosts, with an arbiter holding the Paillier key pair ({@code encrypt_param.key_length}, 1024 bits by
 * default). Takes LR's LogisticParam (penalty, optimizer, batch_size, learning_rate, early_stop, tol...);
 * the protocol is in {@link HeteroLRProtocol}. The arbiter logs the loss per iteration as FATE's LOSS
 * curve ("train"/"loss"); the guest writes the predictions Evaluation reads; each party saves its own
 * weights (the intercept at the guest). With an input model and no train data it scores the data. No party
 * holds its table: each reads it by id, a scan per iteration, chunk by chunk ({@code --component-chunk-rows}).
 */
public final class HeteroLR implements Component {
    public static final ComponentDefinition DEFINITION = new ComponentDefinition("HeteroLR",
            List.of("HeteroLogisticRegression"), params(), Set.of("guest", "host", "arbiter"), HeteroLR::new,
            LR.INPUTS);
    private static final String PREDICT_TAG = "predict.forward";

    /** LR's, with the Paillier key the parties encrypt with. */
    private static Map<String, ParamSpec> params() {
        Map<String, ParamSpec> params = new LinkedHashMap<>(LR.DEFINITION.params());
        params.put("encrypt_param", Param.object().field("method", Param.string().oneOf("Paillier"))
                .field("key_length", Params.paillierKeyLength()));
        return Map.copyOf(params);
    }

    @Override
    public void run(ComponentContext ctx) {
        Params p = new Params(ctx);
        if (!p.bool("need_run", true)) {
            Inputs.passThrough(ctx, Inputs.first(ctx, "train_data", "data", "test_data"));
            return;
        }
        LR.Settings s = LR.Settings.of(p, ctx);
        int keyBits = p.object("encrypt_param").integer("key_length", PaillierKeyPair.DEFAULT_BITS);
        if (keyBits < 512 || keyBits % 2 != 0) {
            throw p.bad("encrypt_param", "key_length must be an even number of at least 512 bits, got " + keyBits);
        }
        if (s.validationFreqs != null || s.validationFreqList != null) {
            ctx.log("validation_freqs and early_stopping_rounds are not run by HeteroLR: it trains to max_iter"
                    + " or convergence");
        }
        HeteroLRProtocol.Session io = new HeteroLRProtocol.Session(ctx.federation(), ctx::checkCancelled, ctx::log,
                ctx.paillier(), ctx.precomputedObfuscators(), ctx.chunkRows());
        List<ModelInput> models = ctx.inputModels("model");
        ModelInput model = models == null || models.isEmpty() ? null : models.get(0);
        String role = ctx.role();
        if ("arbiter".equals(role)) {
            // the arbiter has no data (no Reader runs there): it trains, or at predict passes its model on
            if (model != null) {
                ctx.log("predicting: nothing to do at the arbiter");
                ctx.saveModel("model", model.param(), model.meta());
            } else {
                arbiter(ctx, io, s, keyBits);
            }
            return;
        }
        TableInput train = Inputs.first(ctx, "train_data");
        if (train == null && model == null) {
            train = Inputs.first(ctx, "data");
        }
        if (train == null && model == null) {
            throw p.refuse("needs train_data (or data) to train, or an input model and test_data to predict");
        }
        boolean predicting = train == null;
        switch (role) {
            case "guest" -> {
                if (predicting) {
                    predict(ctx, p, s, io, model, true);
                } else {
                    guest(ctx, p, s, io, train, keyBits);
                }
            }
            case "host" -> {
                if (predicting) {
                    predict(ctx, p, s, io, model, false);
                } else {
                    host(ctx, p, s, io, train, keyBits);
                }
            }
            default -> throw p.refuse("runs at guest, host and arbiter, not " + role);
        }
    }

    private static void arbiter(ComponentContext ctx, HeteroLRProtocol.Session io, LR.Settings s, int keyBits) {
        ObjectNode lossMeta = Params.JSON.createObjectNode();
        lossMeta.put("name", "train");
        lossMeta.put("unit_name", "iters");
        lossMeta.put("curve_name", "loss");
        ModelCheckpoint checkpoint = ModelCheckpoint.of(new Params(ctx));
        List<Double> seen = new ArrayList<>();
        HeteroLRProtocol.Losses losses = HeteroLRProtocol.arbiter(io, s, keyBits, (t, loss) -> {
            seen.add(loss);
            ctx.logMetricData("train", "loss", List.of(new MetricPoint(t, loss)));
            if (t == 0) {
                ctx.setMetricMeta("train", "loss", "LOSS", lossMeta);
            }
        }, checkpoint == null ? HeteroLRProtocol.IterationListener.NONE : (t, w, converged) ->
                checkpoint.onIterationEnd(ctx, t, () -> arbiterParam(seen, converged), meta(s, keyBits)));
        ctx.saveModel("model", arbiterParam(losses.history(), losses.converged()), meta(s, keyBits));
        ObjectNode summary = Params.JSON.createObjectNode();
        summary.put("iters", losses.history().size());
        summary.put("is_converged", losses.converged());
        if (!losses.history().isEmpty()) {
            summary.put("loss", losses.history().get(losses.history().size() - 1));
        }
        ArrayNode curve = summary.putArray("loss_history");
        losses.history().forEach(curve::add);
        ctx.setSummary(summary);
    }

    /** The arbiter's Param: the loss history (it holds no weights). */
    private static ObjectNode arbiterParam(List<Double> history, boolean converged) {
        ObjectNode param = Params.JSON.createObjectNode();
        param.put("iters", history.size());
        param.put("is_converged", converged);
        ArrayNode lh = param.putArray("loss_history");
        history.forEach(lh::add);
        return param;
    }

    private static void guest(ComponentContext ctx, Params p, LR.Settings s, HeteroLRProtocol.Session io,
                              TableInput table, int keyBits) {
        InstanceLayout layout = InstanceLayout.of(table);
        checkLabels(ctx, p, table, layout);
        if (table.count() == 0) {
            throw p.dataError("the train data " + table.source() + " is empty");
        }
        PartyRows rows = ChunkedRows.held(rows(ctx, table, layout, null), ctx.chunkRows());
        long started = System.nanoTime();
        List<String> names = layout.featureNames();
        int d = layout.width();
        HeteroLRProtocol.Fit fit = HeteroLRProtocol.guest(io, s, rows, checkpoints(ctx, p, s, keyBits,
                (t, w, converged) -> modelParam(names, w, s.fitIntercept ? w[d] : 0.0,
                        new HeteroLRProtocol.Fit(w, t + 1, converged))));
        ctx.log("trained in " + (System.nanoTime() - started) / 1_000_000 + " ms: " + fit.iters() + " iterations"
                + (fit.converged() ? ", converged" : ""));
        double intercept = s.fitIntercept ? fit.weights()[d] : 0.0;
        writePredictions(ctx, io, table, layout, rows, fit.weights(), intercept, s, "train");
        ObjectNode param = modelParam(names, fit.weights(), intercept, fit);
        ctx.saveModel("model", param, meta(s, keyBits));
        ObjectNode summary = Params.JSON.createObjectNode();
        summary.set("coef", param.get("weight").deepCopy());
        summary.put("intercept", intercept);
        summary.put("is_converged", fit.converged());
        summary.put("iters", fit.iters());
        summary.put("one_vs_rest", false);
        ctx.setSummary(summary);
    }

    private static void host(ComponentContext ctx, Params p, LR.Settings s, HeteroLRProtocol.Session io,
                             TableInput table, int keyBits) {
        InstanceLayout layout = InstanceLayout.of(table);
        PartyRows rows = ChunkedRows.held(rows(ctx, table, layout, null), ctx.chunkRows());
        List<String> names = layout.featureNames();
        HeteroLRProtocol.Fit fit = HeteroLRProtocol.host(io, s, rows, checkpoints(ctx, p, s, keyBits,
                (t, w, converged) -> modelParam(names, w, 0.0, new HeteroLRProtocol.Fit(w, t + 1, converged))));
        HeteroLRProtocol.hostScores(io, rows, fit.weights(), PREDICT_TAG);
        ObjectNode param = modelParam(names, fit.weights(), 0.0, fit);
        ctx.saveModel("model", param, meta(s, keyBits));
        ObjectNode summary = Params.JSON.createObjectNode();
        summary.set("coef", param.get("weight").deepCopy());
        summary.put("is_converged", fit.converged());
        summary.put("iters", fit.iters());
        ctx.setSummary(summary);
    }

    /** A predict job: the host sends its partial logits, the guest scores. */
    private static void predict(ComponentContext ctx, Params p, LR.Settings s, HeteroLRProtocol.Session io,
                                ModelInput model, boolean guest) {
        TableInput test = Inputs.first(ctx, "test_data", "eval_data", "data");
        if (test == null) {
            throw p.refuse("has an input model but no test_data (or data) to predict");
        }
        LR.Weights weights = LR.Weights.of(p, model);
        InstanceLayout layout = InstanceLayout.of(test);
        PartyRows rows = rows(ctx, test, layout, LR.columns(p, layout.featureNames(), weights.header()));
        ctx.log("predicting " + test.source() + " with the model of " + model.component());
        if (guest) {
            writePredictions(ctx, io, test, layout, rows, weights.coef(), weights.intercept(), s, "predict");
        } else {
            HeteroLRProtocol.hostScores(io, rows, weights.coef(), PREDICT_TAG);
        }
        ctx.saveModel("model", model.param(), model.meta());
        ObjectNode summary = Params.JSON.createObjectNode();
        summary.put("predict_count", rows.count());
        ctx.setSummary(summary);
    }

    /** What a party's model would be at an iteration's end: its Param from the iteration, the weights, convergence. */
    @FunctionalInterface
    private interface ParamAt {
        ObjectNode param(int iteration, double[] weights, boolean converged);
    }

    /** The ModelCheckpoint callback as a protocol listener, or none when callback_param does not ask for it. */
    private static HeteroLRProtocol.IterationListener checkpoints(ComponentContext ctx, Params p, LR.Settings s,
                                                                  int keyBits, ParamAt paramAt) {
        ModelCheckpoint checkpoint = ModelCheckpoint.of(p);
        if (checkpoint == null) {
            return HeteroLRProtocol.IterationListener.NONE;
        }
        JsonNode meta = meta(s, keyBits);
        return (t, w, converged) -> checkpoint.onIterationEnd(ctx, t, () -> paramAt.param(t, w, converged), meta);
    }

    // ---------------------------------------------------------------------------------------------------

    /**
     * The table as the protocol reads it: ordered by id (so that every party reads the same rows in the same
     * order), a new scan for each pass; {@code columns} picks the model's features, null keeps them all.
     */
    private static PartyRows rows(ComponentContext ctx, TableInput table, InstanceLayout layout, int[] columns) {
        int width = columns == null ? layout.width() : columns.length;
        return new PartyRows() {
            @Override
            public long count() {
                return table.count();
            }

            @Override
            public int width() {
                return width;
            }

            @Override
            public void scan(ChunkedRows.RowConsumer rows) {
                ctx.scanInstancesByKey(table, (id, label, x) -> rows.row(id, label, pick(x, columns)));
            }
        };
    }

    private static double[] pick(double[] x, int[] columns) {
        if (columns == null) {
            return x;
        }
        double[] out = new double[columns.length];
        for (int j = 0; j < columns.length; j++) {
            out[j] = x[columns[j]];
        }
        return out;
    }

    /**
     * The guest's labels must be 0 and 1 (HeteroLR is binary), checked by a scan before training: it holds
     * the classes seen, and stops at a third.
     */
    private static void checkLabels(ComponentContext ctx, Params p, TableInput table, InstanceLayout layout) {
        if (!layout.withLabel()) {
            throw p.dataError("input " + table.source() + " has no label; set with_label in DataTransform");
        }
        Set<String> classes = new TreeSet<>();
        ctx.scanInstances(table, (id, label, x) -> {
            if (classes.add(Labels.format(label)) && classes.size() > 2) {
                throw p.refuse("input " + table.source() + " has more than 2 classes " + classes
                        + "; only binary classification (labels 0 and 1) is supported, not one-vs-rest");
            }
        });
        for (String c : classes) {
            if (!"0".equals(c) && !"1".equals(c)) {
                throw p.dataError("input " + table.source() + " has label " + c + "; binary labels must be 0 and 1");
            }
        }
    }

    /** The guest's predict_result rows, written as the scores come, chunk by chunk. */
    private static void writePredictions(ComponentContext ctx, HeteroLRProtocol.Session io, TableInput table,
                                         InstanceLayout layout, PartyRows rows, double[] w, double intercept,
                                         LR.Settings s, String type) {
        int d = rows.width();
        ctx.writeTable("data", PredictTable.schema(Inputs.sid(table.schema())), PredictTable.DELIMITER, out ->
                HeteroLRProtocol.guestScores(io, rows, w, d, intercept, PREDICT_TAG, (id, label, z) -> {
                    String shown = layout.withLabel() ? Labels.format(label) : "";
                    out.row(id, LR.predictionRow(shown, LR.sigmoid(z), s.threshold, type));
                }));
    }

    private static ObjectNode modelParam(List<String> header, double[] w, double intercept,
                                         HeteroLRProtocol.Fit fit) {
        ObjectNode param = Params.JSON.createObjectNode();
        param.put("iters", fit.iters());
        param.put("is_converged", fit.converged());
        ObjectNode weight = param.putObject("weight");
        for (int j = 0; j < header.size(); j++) {
            weight.put(header.get(j), w[j]);
        }
        param.put("intercept", intercept);
        ArrayNode h = param.putArray("header");
        header.forEach(h::add);
        param.put("best_iteration", -1);
        param.put("need_one_vs_rest", false);
        return param;
    }

    private static JsonNode meta(LR.Settings s, int keyBits) {
        ObjectNode meta = s.meta();
        meta.put("module", "HeteroLR");
        meta.putObject("encrypt_param").put("method", "Paillier").put("key_length", keyBits);
        return meta;
    }
}
