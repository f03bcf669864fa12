package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BinningMathTest {
    /** A summary with FATE's defaults (compress_thres 10000, head_size 10000, error 1e-4) fed {@code column}. */
    static QuantileSplits splits(double[] column, int binNum) {
        QuantileSummary summary = new QuantileSummary(10_000, 10_000, 1e-4);
        for (double v : column) {
            summary.insert(v);
        }
        summary.compress();
        return QuantileSplits.of(summary, binNum);
    }

    @Test
    void quantileSplitPointsEndAtTheMaximumAndDropDuplicates() {
        QuantileSplits s = splits(new double[] {5, 1, 2, 3, 4, 6, 7, 8, 9, 10}, 5);
        // FATE's rates are i · (1.0/5): the third is 0.6000000000000001, whose rank of 10 rounds up to 7
        assertThat(s.points()).containsExactly(2, 4, 7, 8, 10);
        assertThat(s.binOf(1)).isZero();
        assertThat(s.binOf(2)).isZero();
        assertThat(s.binOf(2.5)).isEqualTo(1);
        assertThat(s.binOf(99)).isEqualTo(4);
        assertThat(splits(new double[] {1, 1, 1, 1}, 10).points()).containsExactly(1);
    }

    @Test
    void woeAndIvFollowFateWithTheAdjustmentFactorOnAnEmptySide() {
        WoeIv w = WoeIv.of(new long[] {10, 0}, new long[] {5, 5}, 0.5);
        // bin 0: rates 10/10 and 5/10; bin 1 has no events: (0 + 0.5)/10 and (5 + 0.5)/10
        assertThat(w.woe()[0]).isCloseTo(Math.log(1.0 / 0.5), within(1e-12));
        assertThat(w.woe()[1]).isCloseTo(Math.log(0.05 / 0.55), within(1e-12));
        assertThat(w.iv()).isCloseTo(0.5 * Math.log(2) + (0.05 - 0.55) * Math.log(0.05 / 0.55), within(1e-12));
        assertThat(w.iv()).isPositive();
        assertThat(w.monotonic()).isTrue();
    }

    @Test
    void topKRanksOwnAndHostFeaturesTogetherAndThresholdsApplyPerOwner() {
        IvFilters.Pool pool = pool();
        IvFilters.topK(pool, 2, true);
        assertThat(pool.left().get(IvFilters.OWN)).containsExactly("a");
        assertThat(pool.left().get("10000")).containsExactly("host_10000_x1");

        IvFilters.Pool p2 = pool();
        IvFilters.threshold(p2, 0.2, Map.of("10000", 0.05), true);
        assertThat(p2.left().get(IvFilters.OWN)).containsExactly("a");
        assertThat(p2.left().get("10000")).containsExactly("host_10000_x0", "host_10000_x1");
    }

    private static IvFilters.Pool pool() {
        Map<String, Set<String>> left = new LinkedHashMap<>();
        left.put(IvFilters.OWN, new LinkedHashSet<>(List.of("a", "b")));
        left.put("10000", new LinkedHashSet<>(List.of("host_10000_x0", "host_10000_x1")));
        return new IvFilters.Pool(left, Map.of(IvFilters.OWN, Map.of("a", 0.9, "b", 0.1),
                "10000", Map.of("host_10000_x0", 0.06, "host_10000_x1", 0.5)));
    }
}
