package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.Component;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.component.InputRule;
import io.fedflow.node.component.InstanceLayout;
import io.fedflow.node.component.ModelInput;
import io.fedflow.node.component.Param;
import io.fedflow.node.component.ParamSpec;
import io.fedflow.node.component.ParamType;
import io.fedflow.node.component.TableInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * FATE's HeteroFeatureSelection with the filters that need no other model than the binning's: "manually"
 * (at each party, on its own columns), and the IV filters "iv_filter" (threshold / top_k / top_percentile),
 * "iv_value_thres", "iv_top_k" and "iv_percentile", which the guest runs over its features and the hosts'
 * anonymous ones from the HeteroFeatureBinning model under {@code isometric_model}. The guest then tells
 * each host which of its columns are left (by anonymous name; a host never learns an IV). Filters run in
 * {@code filter_methods} order, each on what the previous left; columns outside {@code select_col_indexes}
 * / {@code select_names} are kept untouched. Output: the data with the left columns only, and the model
 * (per filter the values and left columns, then {@code final_left_cols}).
 */
public final class HeteroFeatureSelection implements Component {
    public static final ComponentDefinition DEFINITION;
    static final String HOST_LEFT = "selection.host_left";
    static final Set<String> IV_METHODS = Set.of("iv_filter", "iv_value_thres", "iv_top_k", "iv_percentile");

    static {
        Map<String, ParamSpec> params = new LinkedHashMap<>();
        params.put("select_col_indexes", Params.columnIndexes());
        params.put("select_names", ParamType.LIST);
        List<String> methods = new ArrayList<>(List.of("manually"));
        methods.addAll(new TreeSet<>(IV_METHODS));
        params.put("filter_methods", Param.list().elements(Param.string().oneOf(methods.toArray(String[]::new))));
        for (String obj : List.of("unique_param", "iv_value_param", "iv_percentile_param", "iv_top_k_param",
                "variance_coe_param", "outlier_param", "manually_param", "percentage_value_param", "iv_param",
                "statistic_param", "psi_param", "sbt_param", "correlation_param", "vif_param")) {
            params.put(obj, ParamType.OBJECT);
        }
        params.put("iv_param", Param.object()
                .field("filter_type", Param.string().oneOf("threshold", "top_k", "top_percentile"))
                .field("take_high", ParamType.BOOL)
                .field("select_federated", ParamType.BOOL));
        params.put("iv_value_param", Param.object().field("value_threshold", ParamType.NUMBER)
                .field("local_only", ParamType.BOOL));
        params.put("iv_top_k_param", Param.object().field("k", Param.integer().atLeast(1)));
        params.put("iv_percentile_param", Param.object()
                .field("percentile_threshold", Param.number().between(0, 1)));
        params.put("manually_param", Param.object().field("left_col_names", ParamType.LIST)
                .field("left_col_indexes", ParamType.LIST).field("filter_out_indexes", ParamType.LIST)
                .field("filter_out_names", ParamType.LIST));
        params.put("use_anonymous", ParamType.BOOL);
        params.put("need_run", ParamType.BOOL);
        DEFINITION = new ComponentDefinition("HeteroFeatureSelection", List.of(), Map.copyOf(params),
                Set.of("guest", "host"), HeteroFeatureSelection::new, InputRule.anyOf("one input table under input.data.data", InputRule.data("data")));
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
            throw p.refuse("needs one input table under \"data\" (e.g. hetero_feature_binning_0.data)");
        }
        InstanceLayout layout = InstanceLayout.of(in);
        List<String> header = layout.featureNames();
        List<ModelInput> models = ctx.inputModels("model");
        if (models != null && !models.isEmpty()) {
            ModelInput model = models.get(0);
            Set<String> kept = trainedLeft(p, header, model);
            keep(ctx, in, layout, kept);
            ctx.saveModel("model", model.param(), model.meta());
            ctx.log("kept the " + kept.size() + " columns the model of " + model.component() + " left: " + kept);
            return;
        }
        List<String> methods = new ArrayList<>();
        for (String m : p.strings("filter_methods", List.of("manually"))) {
            String lower = m.toLowerCase(Locale.ROOT);
            if (!lower.equals("manually") && !IV_METHODS.contains(lower)) {
                throw p.bad("filter_methods", "has " + m + "; supported: manually, " + String.join(", ", IV_METHODS));
            }
            methods.add(lower);
        }
        boolean guest = "guest".equals(ctx.role());
        JsonNode binning = binningModel(ctx);
        if (guest && binning == null && methods.stream().anyMatch(IV_METHODS::contains)) {
            throw p.refuse("IV filters need the HeteroFeatureBinning model under \"isometric_model\"");
        }
        Set<String> select = selectColumns(p, header);
        IvFilters.Pool pool = pool(ctx, header, select, guest ? binning : null);
        ArrayNode results = Params.JSON.createArrayNode();
        for (String m : methods) {
            IvFilters.Pool before = pool.copy();
            if (m.equals("manually")) {
                manually(p.object("manually_param"), header, pool.left().get(IvFilters.OWN));
            } else if (guest) {
                iv(p, m, pool);
            } else {
                continue; // the guest decides IV filters for the host's columns
            }
            results.add(result(m, before, pool));
        }
        Set<String> own = pool.left().get(IvFilters.OWN);
        if (guest) {
            tellHosts(ctx, pool, binning != null);
        } else {
            own.retainAll(fromGuest(ctx, header, own));
        }
        Set<String> kept = new LinkedHashSet<>();
        for (String c : header) {
            if (!select.contains(c) || own.contains(c)) {
                kept.add(c);
            }
        }
        keep(ctx, in, layout, kept);
        ctx.saveModel("model", param(header, results, kept, pool), meta(methods, select));
        ObjectNode summary = Params.JSON.createObjectNode();
        ArrayNode left = summary.putArray("left_cols");
        kept.forEach(left::add);
        ctx.setSummary(summary);
        ctx.log("kept " + kept.size() + " of " + header.size() + " columns: " + kept);
    }

    /** The first isometric model that carries a binning result, or null. */
    private static JsonNode binningModel(ComponentContext ctx) {
        for (ModelInput m : ctx.inputModels("isometric_model")) {
            if (m.param() != null && m.param().has("binning_result")) {
                return m.param();
            }
        }
        return null;
    }

    private static Set<String> selectColumns(Params p, List<String> header) {
        JsonNode idx = p.node("select_col_indexes");
        List<String> names = p.strings("select_names", List.of());
        Set<String> out = new LinkedHashSet<>();
        if (idx == null || idx.isNumber() && idx.asInt() == -1) {
            out.addAll(header);
            return out;
        }
        if (!idx.isArray()) {
            throw p.bad("select_col_indexes", "must be -1 or a list of column indexes, got " + idx);
        }
        for (JsonNode e : idx) {
            if (!e.isIntegralNumber() || e.asInt() < 0 || e.asInt() >= header.size()) {
                throw p.bad("select_col_indexes", "has " + e + "; indexes run from 0 to " + (header.size() - 1));
            }
            out.add(header.get(e.asInt()));
        }
        for (String n : names) {
            if (!header.contains(n)) {
                throw p.bad("select_names", "names " + n + ", which is not a feature of " + header);
            }
            out.add(n);
        }
        return out;
    }

    private static IvFilters.Pool pool(ComponentContext ctx, List<String> header, Set<String> select, JsonNode binning) {
        Map<String, Set<String>> left = new LinkedHashMap<>();
        Map<String, Map<String, Double>> iv = new LinkedHashMap<>();
        Set<String> own = new LinkedHashSet<>();
        header.stream().filter(select::contains).forEach(own::add);
        left.put(IvFilters.OWN, own);
        if (binning != null) {
            iv.put(IvFilters.OWN, ivs(binning.path("binning_result").path("binning_result")));
            for (JsonNode h : binning.path("host_results")) {
                String party = h.path("party_id").asText();
                Map<String, Double> hostIv = ivs(h.path("binning_result"));
                left.put(party, new LinkedHashSet<>(hostIv.keySet()));
                iv.put(party, hostIv);
            }
        }
        return new IvFilters.Pool(left, iv);
    }

    private static Map<String, Double> ivs(JsonNode features) {
        Map<String, Double> out = new LinkedHashMap<>();
        features.fields().forEachRemaining(e -> {
            if (e.getValue().has("iv")) {
                out.put(e.getKey(), e.getValue().path("iv").asDouble());
            }
        });
        return out;
    }

    private static void manually(Params mp, List<String> header, Set<String> left) {
        List<String> keepOnly = new ArrayList<>(mp.strings("left_col_names", List.of()));
        for (String i : mp.strings("left_col_indexes", List.of())) {
            keepOnly.add(header.get(index(mp, "left_col_indexes", i, header.size())));
        }
        if (mp.has("left_col_names") || mp.has("left_col_indexes")) {
            left.retainAll(keepOnly);
        }
        for (String i : mp.strings("filter_out_indexes", List.of())) {
            left.remove(header.get(index(mp, "filter_out_indexes", i, header.size())));
        }
        mp.strings("filter_out_names", List.of()).forEach(left::remove);
    }

    private static int index(Params p, String name, String value, int width) {
        try {
            int i = Integer.parseInt(value);
            if (i >= 0 && i < width) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw p.bad(name, "has " + value + "; indexes run from 0 to " + (width - 1));
    }

    private static void iv(Params p, String method, IvFilters.Pool pool) {
        switch (method) {
            case "iv_value_thres" -> {
                Params vp = p.object("iv_value_param");
                double t = vp.num("value_threshold", 0.0);
                IvFilters.Pool target = vp.bool("local_only", false) ? guestOnly(pool) : pool;
                IvFilters.threshold(target, t, hostThresholds(vp, "host_thresholds", pool), true);
            }
            case "iv_top_k" -> IvFilters.topK(pool, p.object("iv_top_k_param").integer("k", 1), true);
            case "iv_percentile" -> IvFilters.topPercentile(pool,
                    p.object("iv_percentile_param").num("percentile_threshold", 1.0), true);
            default -> {
                Params ip = p.object("iv_param");
                String type = ip.choice("filter_type", "threshold", "threshold", "top_k", "top_percentile");
                boolean takeHigh = ip.bool("take_high", true);
                JsonNode th = ip.node("threshold");
                double t = th == null ? 1.0 : th.isArray() ? th.path(0).asDouble(1.0) : th.asDouble();
                IvFilters.Pool target = ip.bool("select_federated", true) ? pool : guestOnly(pool);
                switch (type) {
                    case "top_k" -> IvFilters.topK(target, (int) t, takeHigh);
                    case "top_percentile" -> IvFilters.topPercentile(target, t, takeHigh);
                    default -> IvFilters.threshold(target, t, hostThresholds(ip, "host_thresholds", pool), takeHigh);
                }
            }
        }
    }

    /** A view of the guest's columns only: filters on it leave the hosts' columns as they are. */
    private static IvFilters.Pool guestOnly(IvFilters.Pool pool) {
        return new IvFilters.Pool(Map.of(IvFilters.OWN, pool.left().get(IvFilters.OWN)), pool.iv());
    }

    /** host_thresholds: one per host in the binning model's order (a nested list takes its first value). */
    private static Map<String, Double> hostThresholds(Params p, String name, IvFilters.Pool pool) {
        JsonNode v = p.node(name);
        Map<String, Double> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw p.bad(name, "must be a list, one threshold per host, got " + v);
        }
        List<String> hosts = pool.left().keySet().stream().filter(k -> !k.equals(IvFilters.OWN)).toList();
        for (int i = 0; i < Math.min(v.size(), hosts.size()); i++) {
            JsonNode t = v.get(i).isArray() ? v.get(i).path(0) : v.get(i);
            out.put(hosts.get(i), t.asDouble());
        }
        return out;
    }

    private static void tellHosts(ComponentContext ctx, IvFilters.Pool pool, boolean decided) {
        FederationChannel channel = ctx.federation();
        for (String host : channel.roles().getOrDefault("host", List.of())) {
            ObjectNode msg = Params.JSON.createObjectNode();
            Set<String> left = pool.left().get(host);
            if (decided && left != null) {
                ArrayNode a = msg.putArray("left");
                left.forEach(a::add);
                ArrayNode d = msg.putArray("decided");
                pool.iv().getOrDefault(host, Map.of()).keySet().forEach(d::add);
            } else {
                msg.putNull("left"); // no binning result for this host: the guest makes no decision for it
            }
            channel.send(HOST_LEFT, "host", host, BinningGuest.bytes(msg));
        }
    }

    /** The host's columns the guest left, by real name; all of {@code own} when the guest made no decision. */
    private static Set<String> fromGuest(ComponentContext ctx, List<String> header, Set<String> own) {
        FederationChannel channel = ctx.federation();
        String guest = channel.roles().getOrDefault("guest", List.of()).stream().findFirst().orElse(null);
        if (guest == null) {
            return own;
        }
        JsonNode msg = BinningGuest.parse(channel.receive(HOST_LEFT, "guest", guest, BinningGuest.WAIT));
        JsonNode left = msg.path("left");
        if (!left.isArray()) {
            return own;
        }
        Set<String> kept = new LinkedHashSet<>();
        left.forEach(a -> kept.add(a.asText()));
        Set<String> decided = new LinkedHashSet<>();
        msg.path("decided").forEach(a -> decided.add(a.asText()));
        Set<String> out = new LinkedHashSet<>();
        for (String c : own) {
            // FATE's anonymous name of a host column: role, party and column index
            String anonymous = "host_" + ctx.partyId() + "_x" + header.indexOf(c);
            if (!decided.contains(anonymous) || kept.contains(anonymous)) {
                out.add(c); // a column the guest had no IV for was not up for its decision
            }
        }
        return out;
    }

    /** Predict stage: the columns the trained model's final_left_cols left, which the data must have. */
    static Set<String> trainedLeft(Params p, List<String> header, ModelInput model) {
        JsonNode left = model.param().path("final_left_cols").path("left_cols");
        if (!left.isObject()) {
            throw p.dataError("the selection model of " + model.component() + " has no final_left_cols");
        }
        Set<String> kept = new LinkedHashSet<>();
        for (String c : header) {
            JsonNode decided = left.get(c);
            if (decided == null || decided.asBoolean()) {
                kept.add(c); // a column the model did not decide on was outside select_cols: kept
            }
        }
        for (var it = left.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().asBoolean() && !header.contains(e.getKey())) {
                throw p.dataError("the selection model keeps column " + e.getKey() + ", which is not in the data "
                        + header);
            }
        }
        return kept;
    }

    /** Writes the data with the {@code kept} columns only, a row at a time as the input is scanned. */
    private static void keep(ComponentContext ctx, TableInput in, InstanceLayout layout, Set<String> kept) {
        int[] idx = new int[kept.size()];
        int k = 0;
        for (String c : kept) {
            idx[k++] = layout.featureNames().indexOf(c);
        }
        ctx.writeInstances("data", InstanceLayout.output(layout.table(), List.copyOf(kept), layout.labelName()),
                out -> ctx.scanInstances(in, (id, y, x) -> {
                    double[] row = new double[idx.length];
                    for (int j = 0; j < idx.length; j++) {
                        row[j] = x[idx[j]];
                    }
                    out.row(id, y, row);
                }));
    }

    private static ObjectNode result(String method, IvFilters.Pool before, IvFilters.Pool after) {
        ObjectNode r = Params.JSON.createObjectNode();
        r.put("filter_name", method);
        ObjectNode values = r.putObject("feature_values");
        after.iv().getOrDefault(IvFilters.OWN, Map.of()).forEach(values::put);
        r.set("left_cols", leftCols(before.left().get(IvFilters.OWN), after.left().get(IvFilters.OWN)));
        ArrayNode hostValues = r.putArray("host_feature_values");
        ArrayNode hostLeft = r.putArray("host_left_cols");
        before.left().forEach((owner, cols) -> {
            if (!owner.equals(IvFilters.OWN)) {
                ObjectNode hv = hostValues.addObject();
                after.iv().getOrDefault(owner, Map.of()).forEach(hv::put);
                hostLeft.add(leftCols(cols, after.left().get(owner)));
            }
        });
        return r;
    }

    private static ObjectNode leftCols(Set<String> original, Set<String> left) {
        ObjectNode o = Params.JSON.createObjectNode();
        ArrayNode orig = o.putArray("original_cols");
        original.forEach(orig::add);
        ObjectNode l = o.putObject("left_cols");
        original.forEach(c -> l.put(c, left.contains(c)));
        return o;
    }

    private static ObjectNode param(List<String> header, ArrayNode results, Set<String> kept, IvFilters.Pool pool) {
        ObjectNode param = Params.JSON.createObjectNode();
        param.set("results", results);
        param.set("final_left_cols", leftCols(new LinkedHashSet<>(header), kept));
        ArrayNode names = param.putArray("col_names");
        header.forEach(names::add);
        ArrayNode hostCols = param.putArray("host_col_names");
        pool.left().forEach((owner, cols) -> {
            if (!owner.equals(IvFilters.OWN)) {
                ObjectNode h = hostCols.addObject();
                h.put("party_id", owner);
                ArrayNode c = h.putArray("col_names");
                pool.iv().getOrDefault(owner, Map.of()).keySet().forEach(c::add);
            }
        });
        ArrayNode keptHeader = param.putArray("header");
        kept.forEach(keptHeader::add);
        return param;
    }

    private static ObjectNode meta(List<String> methods, Set<String> select) {
        ObjectNode meta = Params.JSON.createObjectNode();
        ArrayNode m = meta.putArray("filter_methods");
        methods.forEach(m::add);
        ArrayNode cols = meta.putArray("cols");
        select.forEach(cols::add);
        meta.put("need_run", true);
        return meta;
    }
}
