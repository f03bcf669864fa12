package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.paillier.PaillierKeyPair;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** HeteroFeatureBinning's parameters with FATE's FeatureBinningParam defaults. */
record BinningSettings(String method, int binNum, double compressThres, int headSize, double error,
                       double adjustmentFactor, boolean localOnly, int[] binCols, int[] transformCols,
                       String transformType, int keyBits) {
    static BinningSettings of(Params p, List<String> header) {
        String method = p.choice("method", "quantile", "quantile");
        int binNum = p.integer("bin_num", 10);
        if (binNum < 2) {
            throw p.bad("bin_num", "must be at least 2, got " + binNum);
        }
        double adjustment = p.num("adjustment_factor", 0.5);
        if (adjustment <= 0) {
            throw p.bad("adjustment_factor", "must be positive, got " + adjustment);
        }
        int[] binCols = columns(p, "bin_indexes", "bin_names", p, header, null);
        Params transform = p.object("transform_param");
        String type = transform.present("transform_type") ? transform.choice("transform_type", null, "bin_num", "woe")
                : "bin_num";
        int[] transformCols = type == null ? new int[0]
                : columns(transform, "transform_cols", "transform_names", p, header, binCols);
        Set<Integer> binned = new TreeSet<>();
        for (int j : binCols) {
            binned.add(j);
        }
        for (int j : transformCols) {
            if (!binned.contains(j)) {
                throw transform.bad("transform_cols", "has column " + j + " (" + header.get(j)
                        + "), which is not binned");
            }
        }
        int keyBits = p.object("encrypt_param").integer("key_length", PaillierKeyPair.DEFAULT_BITS);
        return new BinningSettings(method, binNum, p.num("compress_thres", 10000), p.integer("head_size", 10000),
                p.num("error", 1e-4), adjustment, p.bool("local_only", false), binCols, transformCols, type, keyBits);
    }

    /** -1 (or absent) = {@code all} (every column when null); else the listed indexes plus the named columns. */
    private static int[] columns(Params p, String indexKey, String namesKey, Params who, List<String> header,
                                 int[] all) {
        JsonNode idx = p.node(indexKey);
        List<String> names = p.strings(namesKey, List.of());
        int width = header.size();
        if (idx == null && names.isEmpty() || idx != null && idx.isNumber() && idx.asInt() == -1) {
            if (all != null) {
                return all.clone();
            }
            int[] out = new int[width];
            for (int j = 0; j < width; j++) {
                out[j] = j;
            }
            return out;
        }
        Set<Integer> chosen = new TreeSet<>();
        if (idx != null) {
            if (!idx.isArray()) {
                throw p.bad(indexKey, "must be -1 or a list of column indexes, got " + idx);
            }
            for (JsonNode e : idx) {
                if (!e.isIntegralNumber() || e.asInt() < 0 || e.asInt() >= width) {
                    throw p.bad(indexKey, "has " + e + "; indexes run from 0 to " + (width - 1));
                }
                chosen.add(e.asInt());
            }
        }
        for (String name : names) {
            int j = header.indexOf(name);
            if (j < 0) {
                throw p.bad(namesKey, "names " + name + ", which is not a feature of " + header);
            }
            chosen.add(j);
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    ObjectNode meta(List<String> header) {
        ObjectNode meta = Params.JSON.createObjectNode();
        meta.put("method", method);
        meta.put("compress_thres", compressThres);
        meta.put("head_size", headSize);
        meta.put("error", error);
        meta.put("bin_num", binNum);
        ArrayNode cols = meta.putArray("cols");
        for (int j : binCols) {
            cols.add(header.get(j));
        }
        meta.put("adjustment_factor", adjustmentFactor);
        meta.put("local_only", localOnly);
        ObjectNode t = meta.putObject("transform_param");
        ArrayNode tc = t.putArray("transform_cols");
        for (int j : transformCols) {
            tc.add(j);
        }
        t.put("transform_type", transformType);
        meta.put("skip_static", false);
        meta.put("need_run", true);
        return meta;
    }
}
