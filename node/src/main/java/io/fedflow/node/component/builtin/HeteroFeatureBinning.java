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
import io.fedflow.node.component.paillier.PaillierKeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * FATE's HeteroFeatureBinning, quantile method: each party bins its own columns; the guest computes WOE and
 * IV of its features from its labels and of the hosts' features from per-bin sums the hosts make on its
 * Paillier-encrypted labels ({@link BinningGuest}, {@link BinningHost}). Host features appear at the guest
 * only under anonymous names ("host_10000_x3": role, party, column index), and their IV stays at the guest,
 * as in FATE. Output: the model "model" (split points per feature; at the guest WOE/IV too, under
 * {@code binning_result} and {@code host_results}, which HeteroFeatureSelection reads) and the data, with the
 * {@code transform_param} columns replaced by their bin index (FATE's default "bin_num") or WOE (guest
 * only), or unchanged when transform_type is null. The arbiter has nothing to do.
 */
public final class HeteroFeatureBinning implements Component {
    public static final ComponentDefinition DEFINITION;

    static {
        Map<String, ParamSpec> params = new LinkedHashMap<>();
        params.put("method", Param.string().oneOf("quantile"));
        params.put("compress_thres", Param.number().above(0));
        params.put("head_size", Param.integer().atLeast(1));
        params.put("error", Param.number().between(0, 1));
        params.put("bin_num", Param.integer().atLeast(2));
        params.put("bin_indexes", Params.columnIndexes());
        params.put("bin_names", ParamType.LIST);
        params.put("adjustment_factor", Param.number().above(0));
        params.put("transform_param", Param.object()
                .field("transform_type", Param.string().oneOf("bin_num", "woe"))
                .field("transform_cols", Params.columnIndexes())
                .field("transform_names", ParamType.LIST));
        params.put("local_only", ParamType.BOOL);
        params.put("category_indexes", ParamType.ANY);
        params.put("category_names", ParamType.LIST);
        params.put("encrypt_param", Param.object().field("method", Param.string().oneOf("Paillier"))
                .field("key_length", Params.paillierKeyLength()));
        params.put("skip_static", ParamType.BOOL);
        params.put("need_run", ParamType.BOOL);
        DEFINITION = new ComponentDefinition("HeteroFeatureBinning", List.of(), Map.copyOf(params),
                Set.of("guest", "host"), HeteroFeatureBinning::new, InputRule.anyOf("one input table under input.data.data", InputRule.data("data")));
    }

    @Override
    public void run(ComponentContext ctx) {
        Params p = new Params(ctx);
        TableInput in = Inputs.single(ctx, p, "data", "train_data");
        if (!p.bool("need_run", true)) {
            Inputs.passThrough(ctx, in);
            return;
        }
        if (in == null) {
            throw p.refuse("needs one input table under \"data\" (e.g. data_transform_0.data)");
        }
        if (in.count() == 0) {
            throw p.dataError("the input data is empty");
        }
        InstanceLayout layout = InstanceLayout.of(in);
        List<String> header = layout.featureNames();
        List<ModelInput> models = ctx.inputModels("model");
        if (models != null && !models.isEmpty()) {
            ModelInput model = models.get(0);
            write(ctx, in, trainedTransform(p, header, model));
            ctx.saveModel("model", model.param(), model.meta());
            ctx.log("transformed with the model of " + model.component() + " (its split points and transform_param)");
            return;
        }
        BinningSettings s = BinningSettings.of(p, header);
        boolean guest = "guest".equals(ctx.role());
        if ("woe".equals(s.transformType()) && !guest) {
            throw p.bad("transform_param", "transform_type woe is for the guest only: the host has no labels");
        }
        if (guest && !layout.withLabel()) {
            throw p.dataError("the guest's data has no label; set with_label in DataTransform");
        }
        List<String> hostParties = guest && !s.localOnly() ? BinningGuest.hosts(ctx) : List.of();
        CompletableFuture<PaillierKeyPair> key = hostParties.isEmpty() ? null : BinningGuest.keyAhead(ctx, s);
        // First scan: one quantile summary per binned column (and, at the guest, the labels checked).
        int[] cols = s.binCols();
        QuantileSummary[] summaries = new QuantileSummary[cols.length];
        for (int f = 0; f < cols.length; f++) {
            summaries[f] = new QuantileSummary(s.compressThres(), s.headSize(), s.error());
        }
        long[] rows = new long[1];
        ctx.scanInstances(in, (id, y, x) -> {
            if (guest && y != 0 && y != 1) {
                throw p.dataError("labels must be 0 or 1 (binary), found " + Labels.format(y));
            }
            for (int f = 0; f < cols.length; f++) {
                summaries[f].insert(x[cols[f]]);
            }
            rows[0]++;
        });
        List<QuantileSplits> splits = new ArrayList<>();
        for (QuantileSummary summary : summaries) {
            // FATE compresses each summary once its partition is read, then queries it
            summary.compress();
            splits.add(QuantileSplits.of(summary, s.binNum()));
        }
        List<WoeIv> own = new ArrayList<>();
        List<BinningGuest.HostFeatures> hosts = List.of();
        if (guest) {
            BinningGuest exchange = hostParties.isEmpty() ? null
                    : new BinningGuest(ctx, hostParties, s, rows[0], key);
            // Second scan: the guest's own event counts per bin, its labels sent to the hosts chunk by chunk.
            BinCounts counts = new BinCounts(splits);
            ctx.scanInstances(in, (id, y, x) -> {
                counts.add(cols, x, y);
                if (exchange != null) {
                    exchange.add(id, y);
                }
            });
            own = counts.stats(s.adjustmentFactor());
            // the output data needs only the guest's own bins: written while the hosts add up the labels
            write(ctx, in, transform(s, splits, own));
            if (exchange != null) {
                hosts = exchange.finish();
            }
        } else if (!s.localOnly()) {
            // Second scan: each row's bins by id, for the guest's chunks to find.
            BinnedRows binned = new BinnedRows(rows[0], cols.length,
                    splits.stream().mapToInt(QuantileSplits::bins).max().orElse(1));
            int[] bins = new int[cols.length];
            ctx.scanInstances(in, (id, y, x) -> {
                for (int f = 0; f < cols.length; f++) {
                    bins[f] = splits.get(f).binOf(x[cols[f]]);
                }
                binned.add(id, bins);
            });
            BinningHost.exchange(ctx, binned, s, splits);
            write(ctx, in, transform(s, splits, own));
        } else {
            write(ctx, in, transform(s, splits, own));
        }
        ctx.saveModel("model", param(ctx, header, s, splits, own, hosts), s.meta(header));
        ctx.setSummary(summary(header, s, own, hosts));
        ctx.log("binned " + cols.length + " columns of " + rows[0] + " rows into at most " + s.binNum() + " bins"
                + (guest ? "; IV for " + own.size() + " own and " + hosts.stream().mapToInt(h -> h.names().size())
                .sum() + " host features" : ""));
    }

    /** The output data, written by a last scan: each row transformed as it is read (or as it is, for null). */
    private static void write(ComponentContext ctx, TableInput in, BinTransform transform) {
        InstanceLayout layout = InstanceLayout.of(in);
        ctx.writeInstances("data", InstanceLayout.output(layout.table(), layout.featureNames(), layout.labelName()),
                out -> ctx.scanInstances(in, (id, y, x) -> out.row(id, y, transform == null ? x : transform.apply(x))));
    }

    /** Per feature and bin, the rows of label 1 (events) and of label 0, counted as rows go by. */
    private static final class BinCounts {
        private final List<QuantileSplits> splits;
        private final long[][] events;
        private final long[][] nonEvents;

        BinCounts(List<QuantileSplits> splits) {
            this.splits = splits;
            this.events = new long[splits.size()][];
            this.nonEvents = new long[splits.size()][];
            for (int f = 0; f < splits.size(); f++) {
                events[f] = new long[splits.get(f).bins()];
                nonEvents[f] = new long[splits.get(f).bins()];
            }
        }

        void add(int[] cols, double[] x, double y) {
            for (int f = 0; f < cols.length; f++) {
                int b = splits.get(f).binOf(x[cols[f]]);
                if (y == 1) {
                    events[f][b]++;
                } else {
                    nonEvents[f][b]++;
                }
            }
        }

        List<WoeIv> stats(double adjustmentFactor) {
            List<WoeIv> out = new ArrayList<>();
            for (int f = 0; f < splits.size(); f++) {
                out.add(WoeIv.of(events[f], nonEvents[f], adjustmentFactor));
            }
            return out;
        }
    }

    /**
     * Predict stage (FATE's transform with a loaded model): the trained split points and the meta's
     * transform_param, no refit and no exchange. transform_type null (or no transform_cols) passes the data
     * through (null); bin_num replaces each transform column by its bin under the trained split points; woe by
     * the trained WOE of that bin (only where the model has WOE, i.e. at the guest).
     */
    static BinTransform trainedTransform(Params p, List<String> header, ModelInput model) {
        JsonNode t = model.meta() == null ? null : model.meta().path("transform_param");
        String type = t == null || t.path("transform_type").isNull() || t.path("transform_type").isMissingNode()
                ? null : t.path("transform_type").asText();
        if (type == null || type.isEmpty() || t.path("transform_cols").size() == 0) {
            return null;
        }
        JsonNode features = model.param().path("binning_result").path("binning_result");
        List<String> trainedHeader = new ArrayList<>();
        model.param().path("header").forEach(h -> trainedHeader.add(h.asText()));
        int cols = t.path("transform_cols").size();
        int[] at = new int[cols];
        QuantileSplits[] splits = new QuantileSplits[cols];
        double[][] woe = "woe".equals(type) ? new double[cols][] : null;
        for (int k = 0; k < cols; k++) {
            int trainedIndex = t.path("transform_cols").get(k).asInt();
            String name = trainedIndex < trainedHeader.size() ? trainedHeader.get(trainedIndex) : null;
            at[k] = name == null ? -1 : header.indexOf(name);
            JsonNode f = name == null ? null : features.get(name);
            if (at[k] < 0 || f == null) {
                throw p.dataError("the binning model transforms column " + (name == null ? "#" + trainedIndex : name)
                        + ", which is not in the data " + header + " or has no split points");
            }
            double[] points = new double[f.path("split_points").size()];
            for (int i = 0; i < points.length; i++) {
                points[i] = f.path("split_points").get(i).asDouble();
            }
            splits[k] = new QuantileSplits(points);
            if (woe != null) {
                if (f.path("woe_array").size() != points.length) {
                    throw p.dataError("transform_type woe needs the trained WOE of " + name + ", which this party's"
                            + " model does not have");
                }
                woe[k] = new double[points.length];
                for (int i = 0; i < points.length; i++) {
                    woe[k][i] = f.path("woe_array").get(i).asDouble();
                }
            }
        }
        return new BinTransform(at, splits, woe);
    }

    /** The fitted transform of the output data, or null when transform_type is null or has no columns. */
    private static BinTransform transform(BinningSettings s, List<QuantileSplits> splits, List<WoeIv> own) {
        if (s.transformType() == null || s.transformCols().length == 0) {
            return null;
        }
        List<Integer> binCols = new ArrayList<>();
        for (int j : s.binCols()) {
            binCols.add(j);
        }
        int[] cols = s.transformCols();
        QuantileSplits[] sp = new QuantileSplits[cols.length];
        double[][] woe = "woe".equals(s.transformType()) ? new double[cols.length][] : null;
        for (int k = 0; k < cols.length; k++) {
            int f = binCols.indexOf(cols[k]);
            sp[k] = splits.get(f);
            if (woe != null) {
                woe[k] = own.get(f).woe();
            }
        }
        return new BinTransform(cols.clone(), sp, woe);
    }

    private static ObjectNode param(ComponentContext ctx, List<String> header, BinningSettings s,
                                    List<QuantileSplits> splits, List<WoeIv> own,
                                    List<BinningGuest.HostFeatures> hosts) {
        ObjectNode param = Params.JSON.createObjectNode();
        ObjectNode result = param.putObject("binning_result");
        result.put("role", ctx.role());
        result.put("party_id", ctx.partyId());
        ObjectNode features = result.putObject("binning_result");
        int[] cols = s.binCols();
        for (int f = 0; f < cols.length; f++) {
            ObjectNode feature = features.putObject(header.get(cols[f]));
            ArrayNode sp = feature.putArray("split_points");
            for (double v : splits.get(f).points()) {
                sp.add(v);
            }
            feature.put("bin_nums", splits.get(f).bins());
            if (!own.isEmpty()) {
                stats(feature, own.get(f));
            }
        }
        ArrayNode hostResults = param.putArray("host_results");
        for (BinningGuest.HostFeatures h : hosts) {
            ObjectNode hr = hostResults.addObject();
            hr.put("role", "host");
            hr.put("party_id", h.partyId());
            ObjectNode hf = hr.putObject("binning_result");
            for (int f = 0; f < h.names().size(); f++) {
                ObjectNode feature = hf.putObject(h.names().get(f));
                feature.put("bin_nums", h.stats().get(f).woe().length);
                stats(feature, h.stats().get(f));
            }
        }
        ArrayNode headerNode = param.putArray("header");
        header.forEach(headerNode::add);
        ArrayNode anonymous = param.putArray("header_anonymous");
        for (int j = 0; j < header.size(); j++) {
            anonymous.add(ctx.role() + "_" + ctx.partyId() + "_x" + j);
        }
        param.put("model_name", "HeteroFeatureBinning");
        return param;
    }

    private static void stats(ObjectNode feature, WoeIv w) {
        feature.put("iv", w.iv());
        array(feature.putArray("woe_array"), w.woe());
        array(feature.putArray("iv_array"), w.ivs());
        ArrayNode ev = feature.putArray("event_count_array");
        for (long v : w.eventCounts()) {
            ev.add(v);
        }
        ArrayNode nev = feature.putArray("non_event_count_array");
        for (long v : w.nonEventCounts()) {
            nev.add(v);
        }
        array(feature.putArray("event_rate_array"), w.eventRates());
        array(feature.putArray("non_event_rate_array"), w.nonEventRates());
        feature.put("is_woe_monotonic", w.monotonic());
    }

    private static void array(ArrayNode a, double[] values) {
        for (double v : values) {
            a.add(v);
        }
    }

    private static ObjectNode summary(List<String> header, BinningSettings s, List<WoeIv> own,
                                      List<BinningGuest.HostFeatures> hosts) {
        ObjectNode summary = Params.JSON.createObjectNode();
        ObjectNode iv = summary.putObject("iv");
        int[] cols = s.binCols();
        for (int f = 0; f < own.size(); f++) {
            iv.put(header.get(cols[f]), own.get(f).iv());
        }
        for (BinningGuest.HostFeatures h : hosts) {
            for (int f = 0; f < h.names().size(); f++) {
                iv.put(h.names().get(f), h.stats().get(f).iv());
            }
        }
        return summary;
    }
}
