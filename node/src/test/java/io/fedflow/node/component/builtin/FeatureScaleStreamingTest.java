package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.Instances;
import io.fedflow.node.component.TableInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * FeatureScale streams its input (passes for the column statistics, then a scan that writes each row as it is
 * scaled): on a table of many rows (more than a node's 5,000-row fetch) its model and output are what the whole
 * table in memory gives, computed here directly: sorted columns for the percentiles, plain sums in row order
 * for the moments, the scaling of each row.
 */
class FeatureScaleStreamingTest {
    private static final int ROWS = 12_345;
    private static final int WIDTH = 4;

    /** Seeded rows with many duplicates (two decimals), negatives, outliers and a constant column. */
    private static Instances instances(long seed) {
        Random r = new Random(seed);
        List<String> ids = new ArrayList<>();
        double[][] x = new double[ROWS][WIDTH];
        double[] y = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            ids.add("id" + i);
            y[i] = r.nextBoolean() ? 1 : 0;
            x[i][0] = Math.round(r.nextGaussian() * 300) / 100.0;
            x[i][1] = r.nextInt(50) == 0 ? 1e6 : Math.round(r.nextDouble() * 1000) / 10.0;
            x[i][2] = 7.0;
            x[i][3] = -Math.round(Math.abs(r.nextGaussian()) * 1000) / 100.0;
        }
        return new Instances(ids, List.of("x0", "x1", "x2", "x3"), x, y, "y");
    }

    private static InMemoryContext run(Instances data, Object... params) {
        InMemoryContext up = new InMemoryContext("dt_0", "DataTransform");
        TableInput t = up.writeInstances("data", data);
        InMemoryContext ctx = up.next("scale_0", "FeatureScale");
        ctx.input("data", t);
        for (int i = 0; i < params.length; i += 2) {
            ctx.param((String) params[i], params[i + 1]);
        }
        new FeatureScale().run(ctx);
        return ctx;
    }

    private static double[] column(Instances data, int j) {
        double[] c = new double[data.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = data.features()[i][j];
        }
        return c;
    }

    private static double clip(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    @Test
    void capModePercentilesAreTheSortedColumnsValues() {
        Instances data = instances(21);
        InMemoryContext ctx = run(data, "method", "min_max_scale", "mode", "cap", "feat_upper", 0.95,
                "feat_lower", 0.05);

        JsonNode cols = ctx.saved.get("model").param().path("col_scale_param");
        double[][] expected = new double[ROWS][WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            double[] sorted = column(data, j);
            Arrays.sort(sorted);
            double lo = sorted[(int) Math.ceil(0.05 * ROWS) - 1];
            double hi = sorted[(int) Math.ceil(0.95 * ROWS) - 1];
            JsonNode c = cols.path("x" + j);
            assertThat(c.path("column_lower").asDouble()).isEqualTo(lo);
            assertThat(c.path("column_upper").asDouble()).isEqualTo(hi);
            double range = hi - lo;
            for (int i = 0; i < ROWS; i++) {
                double v = clip(data.features()[i][j], lo, hi);
                expected[i][j] = (v - lo) / (Math.abs(range) < 1e-6 ? 1.0 : range);
            }
        }
        Instances out = ctx.instances("data");
        assertThat(out.ids()).isEqualTo(data.ids());
        assertThat(out.labels()).containsExactly(data.labels());
        for (int i = 0; i < ROWS; i++) {
            assertThat(out.features()[i]).containsExactly(expected[i]);
        }
    }

    @Test
    void standardScaleWithBoundsTakesItsMomentsOnClippedValuesInOnePass() {
        Instances data = instances(22);
        InMemoryContext ctx = run(data, "method", "standard_scale", "feat_upper", 100.0, "feat_lower", -5.0,
                "scale_col_indexes", List.of(0, 1, 3));

        JsonNode cols = ctx.saved.get("model").param().path("col_scale_param");
        assertThat(cols.has("x2")).isFalse();
        double[][] expected = new double[ROWS][];
        for (int i = 0; i < ROWS; i++) {
            expected[i] = data.features()[i].clone();
        }
        for (int j : new int[] {0, 1, 3}) {
            double[] c = column(data, j);
            double min = Arrays.stream(c).min().orElseThrow();
            double max = Arrays.stream(c).max().orElseThrow();
            double lo = Math.max(Math.min(min, 100.0), -5.0);
            double hi = Math.max(Math.min(max, 100.0), -5.0);
            double sum = 0;
            double sq = 0;
            for (double v : c) {
                double w = clip(v, lo, hi);
                sum += w;
                sq += w * w;
            }
            double mean = sum / ROWS;
            double std = Math.sqrt(sq / ROWS - mean * mean);
            JsonNode col = cols.path("x" + j);
            assertThat(col.path("column_lower").asDouble()).isEqualTo(lo);
            assertThat(col.path("column_upper").asDouble()).isEqualTo(hi);
            assertThat(col.path("mean").asDouble()).isEqualTo(mean);
            assertThat(col.path("std").asDouble()).isEqualTo(std);
            for (int i = 0; i < ROWS; i++) {
                expected[i][j] = (clip(c[i], lo, hi) - mean) / std;
            }
        }
        Instances out = ctx.instances("data");
        for (int i = 0; i < ROWS; i++) {
            assertThat(out.features()[i]).containsExactly(expected[i]);
        }
        assertThat(ctx.logs).anyMatch(l -> l.contains("of " + ROWS + " rows"));
    }

    @Test
    void aSavedModelScalesANewTableRowByRow() {
        Instances train = instances(23);
        InMemoryContext fit = run(train, "method", "min_max_scale");
        Instances test = instances(24);
        InMemoryContext up = new InMemoryContext("dt_1", "DataTransform");
        TableInput t = up.writeInstances("data", test);
        InMemoryContext ctx = up.next("scale_1", "FeatureScale");
        ctx.input("data", t).model("model", fit.savedModel("model"));
        new FeatureScale().run(ctx);

        JsonNode cols = fit.saved.get("model").param().path("col_scale_param");
        Instances out = ctx.instances("data");
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < WIDTH; j++) {
                double lo = cols.path("x" + j).path("column_lower").asDouble();
                double hi = cols.path("x" + j).path("column_upper").asDouble();
                double range = hi - lo;
                double v = clip(test.features()[i][j], lo, hi);
                assertThat(out.features()[i][j]).isEqualTo((v - lo) / (Math.abs(range) < 1e-6 ? 1.0 : range));
            }
        }
    }
}
