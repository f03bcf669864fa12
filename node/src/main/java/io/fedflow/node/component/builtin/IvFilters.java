package io.fedflow.node.component.builtin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The IV filters of FATE's feature selection, run at the guest over its own features and (when federated)
 * the hosts' anonymous ones. Columns are kept per owner ({@link #OWN} or a host's party id). A threshold applies
 * per owner (hosts may have their own); top-k and top-percentile rank all owners' remaining features together,
 * as FATE's iv_filter does with select_federated.
 */
final class IvFilters {
    /** The owner key of this party's own columns (the guest's at the guest, the host's at a host). */
    static final String OWN = "own";

    /** Remaining columns by owner, in column order; IVs by owner and column (a column without IV is never dropped). */
    record Pool(Map<String, Set<String>> left, Map<String, Map<String, Double>> iv) {
        Pool copy() {
            Map<String, Set<String>> l = new LinkedHashMap<>();
            left.forEach((k, v) -> l.put(k, new LinkedHashSet<>(v)));
            return new Pool(l, iv);
        }
    }

    private IvFilters() {}

    /** Keeps features whose IV is at least (takeHigh) or at most the owner's threshold. */
    static void threshold(Pool pool, double guestThreshold, Map<String, Double> hostThresholds, boolean takeHigh) {
        pool.left().forEach((owner, cols) -> {
            double t = OWN.equals(owner) ? guestThreshold : hostThresholds.getOrDefault(owner, guestThreshold);
            Map<String, Double> iv = pool.iv().getOrDefault(owner, Map.of());
            cols.removeIf(c -> iv.containsKey(c) && (takeHigh ? iv.get(c) < t : iv.get(c) > t));
        });
    }

    /** Keeps the {@code k} features of highest (takeHigh) or lowest IV over all owners; ties keep column order. */
    static void topK(Pool pool, int k, boolean takeHigh) {
        record Ranked(String owner, String col, double iv) {}
        List<Ranked> ranked = new ArrayList<>();
        pool.left().forEach((owner, cols) -> {
            Map<String, Double> iv = pool.iv().getOrDefault(owner, Map.of());
            cols.stream().filter(iv::containsKey).forEach(c -> ranked.add(new Ranked(owner, c, iv.get(c))));
        });
        Comparator<Ranked> byIv = Comparator.comparingDouble(Ranked::iv);
        ranked.sort(takeHigh ? byIv.reversed() : byIv);
        for (Ranked r : ranked.subList(Math.min(Math.max(k, 0), ranked.size()), ranked.size())) {
            pool.left().get(r.owner()).remove(r.col());
        }
    }

    /** Keeps the top fraction {@code percentile} (rounded up) of the ranked features. */
    static void topPercentile(Pool pool, double percentile, boolean takeHigh) {
        int m = 0;
        for (var e : pool.left().entrySet()) {
            Map<String, Double> iv = pool.iv().getOrDefault(e.getKey(), Map.of());
            m += (int) e.getValue().stream().filter(iv::containsKey).count();
        }
        topK(pool, (int) Math.ceil(percentile * m), takeHigh);
    }
}
