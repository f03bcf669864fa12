package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedflow.node.component.Instances;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.core.FlowException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * DataTransform streams its input (a statistics scan when fills need one, then a scan that writes each row as
 * it is parsed): on tables of many rows its output, model and summary are what holding the whole table in
 * memory gives, computed here the way DataTransform did before it streamed (every valid value of a column in
 * an array, {@code Arrays.stream(...).average()}, a sorted copy's middle for the median).
 */
class DataTransformStreamingTest {
    private static final int ROWS = 12_000;
    private static final int WIDTH = 5;

    /** A labelled table with missing values ("NA", "") and outliers (-999) in every column, seeded. */
    private static String[][] rows(long seed) {
        Random r = new Random(seed);
        String[][] rows = new String[ROWS][];
        for (int i = 0; i < ROWS; i++) {
            StringBuilder v = new StringBuilder(r.nextBoolean() ? "1" : "0");
            for (int j = 0; j < WIDTH; j++) {
                int dice = r.nextInt(20);
                // two decimals: many duplicates, negatives and zeros, as real columns have
                String cell = dice == 0 ? "NA" : dice == 1 ? "" : dice == 2 ? "-999"
                        : Double.toString(Math.round(r.nextGaussian() * 300 * (j + 1)) / 100.0);
                v.append(',').append(cell);
            }
            rows[i] = new String[] {"id" + i, v.toString()};
        }
        return rows;
    }

    /** The old in-memory fill of one column: its valid values (neither missing nor outlier) in an array. */
    private static double[] valid(String[][] rows, int column) {
        double[] out = new double[rows.length];
        int n = 0;
        for (String[] row : rows) {
            String cell = row[1].split(",", -1)[column + 1];
            if (!cell.equals("NA") && !cell.isEmpty() && !cell.equals("-999")) {
                out[n++] = Double.parseDouble(cell);
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Test
    void medianAndMeanFillsOnManyRowsEqualTheInMemoryOnes() {
        String[][] rows = rows(14);
        InMemoryContext ctx = new InMemoryContext("data_transform_0", "DataTransform");
        TableInput t = ctx.table("ns", "wide", "id", "y,x0,x1,x2,x3,x4", ",", rows);
        ctx.input("data", t).param("with_label", true).param("missing_fill", true)
                .param("missing_fill_method", "median").param("outlier_replace", true)
                .param("outlier_replace_method", "mean").param("outlier_impute", List.of("-999"));

        new DataTransform().run(ctx);

        double[] median = new double[WIDTH];
        double[] mean = new double[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            double[] v = valid(rows, j);
            median[j] = DataTransform.median(v);
            mean[j] = Arrays.stream(v).average().orElseThrow();
        }
        Instances out = ctx.instances("data");
        assertThat(out.size()).isEqualTo(ROWS);
        assertThat(out.featureNames()).containsExactly("x0", "x1", "x2", "x3", "x4");
        long[] missing = new long[WIDTH];
        long[] outliers = new long[WIDTH];
        for (int i = 0; i < ROWS; i++) {
            String[] cells = rows[i][1].split(",", -1);
            assertThat(out.ids().get(i)).isEqualTo(rows[i][0]);
            assertThat(out.labels()[i]).isEqualTo(Double.parseDouble(cells[0]));
            for (int j = 0; j < WIDTH; j++) {
                String cell = cells[j + 1];
                double want;
                if (cell.equals("NA") || cell.isEmpty()) {
                    want = median[j];
                    missing[j]++;
                } else if (cell.equals("-999")) {
                    want = mean[j];
                    outliers[j]++;
                } else {
                    want = Double.parseDouble(cell);
                }
                assertThat(out.features()[i][j]).as("row %d column %d", i, j).isEqualTo(want);
            }
        }
        var param = ctx.saved.get("model").param();
        for (int j = 0; j < WIDTH; j++) {
            String x = "x" + j;
            assertThat(param.path("imputer_param").path("missing_replace_value").path(x).asDouble())
                    .isEqualTo(median[j]);
            assertThat(param.path("imputer_param").path("missing_value_ratio").path(x).asDouble())
                    .isEqualTo((double) missing[j] / ROWS);
            assertThat(param.path("outlier_param").path("outlier_replace_value").path(x).asDouble())
                    .isEqualTo(mean[j]);
            assertThat(param.path("outlier_param").path("outlier_value_ratio").path(x).asDouble())
                    .isEqualTo((double) outliers[j] / ROWS);
        }
        assertThat(ctx.summary.path("count").asLong()).isEqualTo(ROWS);
        long ones = Arrays.stream(rows).filter(r -> r[1].startsWith("1,")).count();
        assertThat(ctx.summary.path("label_counts").path("1").asLong()).isEqualTo(ones);
        assertThat(ctx.summary.path("label_counts").path("0").asLong()).isEqualTo(ROWS - ones);
    }

    @Test
    void minAndMaxFillsOnManyRowsEqualTheInMemoryOnes() {
        String[][] rows = rows(7);
        InMemoryContext ctx = new InMemoryContext("data_transform_0", "DataTransform");
        TableInput t = ctx.table("ns", "wide", "id", "y,x0,x1,x2,x3,x4", ",", rows);
        ctx.input("data", t).param("with_label", true).param("missing_fill", true)
                .param("missing_fill_method", "min").param("outlier_replace", true)
                .param("outlier_replace_method", "max").param("outlier_impute", List.of("-999"));

        new DataTransform().run(ctx);

        var param = ctx.saved.get("model").param();
        for (int j = 0; j < WIDTH; j++) {
            double[] v = valid(rows, j);
            String x = "x" + j;
            assertThat(param.path("imputer_param").path("missing_replace_value").path(x).asDouble())
                    .isEqualTo(Arrays.stream(v).min().orElseThrow());
            assertThat(param.path("outlier_param").path("outlier_replace_value").path(x).asDouble())
                    .isEqualTo(Arrays.stream(v).max().orElseThrow());
        }
    }

    @Test
    void sparseOnManyRowsTakesItsWidthFromTheWholeTable() {
        InMemoryContext ctx = new InMemoryContext("data_transform_0", "DataTransform");
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            // the widest row comes last: the width is known only once every row was seen
            rows.add(new String[] {"r" + i, (i % 2) + " " + (i % 3) + ":" + i + (i == ROWS - 1 ? " 9:1.5" : "")});
        }
        TableInput t = ctx.table("ns", "svm", "id", "", ",", rows.toArray(String[][]::new));
        ctx.input("data", t).param("input_format", "sparse").param("with_label", true);

        new DataTransform().run(ctx);

        Instances out = ctx.instances("data");
        assertThat(out.size()).isEqualTo(ROWS);
        assertThat(out.width()).isEqualTo(10);
        for (int i = 0; i < ROWS; i++) {
            double[] want = new double[10];
            want[i % 3] = i;
            if (i == ROWS - 1) {
                want[9] = 1.5;
            }
            assertThat(out.features()[i]).as("row %d", i).containsExactly(want);
            assertThat(out.labels()[i]).isEqualTo(i % 2);
        }
        assertThat(ctx.summary.path("feature_num").asInt()).isEqualTo(10);
    }

    @Test
    void aBadRowLateInTheTableLeavesNoOutput() {
        String[][] rows = rows(3);
        rows[ROWS - 2] = new String[] {"late", "1,1,2,3,4,oops"};
        InMemoryContext ctx = new InMemoryContext("data_transform_0", "DataTransform");
        TableInput t = ctx.table("ns", "wide", "id", "y,x0,x1,x2,x3,x4", ",", rows);
        // designated fills need no statistics: the bad row is met while the output is being written
        ctx.input("data", t).param("with_label", true).param("missing_fill", true).param("outlier_replace", true)
                .param("outlier_impute", List.of("-999"));

        assertThatThrownBy(() -> new DataTransform().run(ctx)).isInstanceOf(FlowException.class)
                .hasMessageContaining("row id late").hasMessageContaining("column x4").hasMessageContaining("oops");
        assertThat(ctx.outputs).doesNotContainKey("data");
        assertThat(ctx.saved).doesNotContainKey("model");
    }

    @Test
    void aSparseIndexBeyondTheModelLateInTheTableLeavesNoOutput() {
        InMemoryContext fit = new InMemoryContext("data_transform_0", "DataTransform");
        fit.input("data", fit.table("ns", "train", "id", "", ",", new String[] {"a", "1 0:1 2:3"}))
                .param("input_format", "sparse").param("with_label", true);
        new DataTransform().run(fit);

        InMemoryContext ctx = fit.next("data_transform_1", "DataTransform");
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(new String[] {"r" + i, "0 " + (i == ROWS - 1 ? 7 : 1) + ":2"});
        }
        ctx.input("data", ctx.table("ns", "predict", "id", "", ",", rows.toArray(String[][]::new)))
                .model("model", fit.savedModel("model"));

        assertThatThrownBy(() -> new DataTransform().run(ctx)).isInstanceOf(FlowException.class)
                .hasMessageContaining("feature index 7").hasMessageContaining("3 features");
        assertThat(ctx.outputs).doesNotContainKey("data");
    }

    @Property(tries = 200)
    void columnStatisticsEqualSortingAndAveraging(
            @ForAll @Size(min = 1, max = 300) List<@DoubleRange(min = -1e6, max = 1e6) Double> values,
            @ForAll @IntRange(min = 1, max = 70) int width, @ForAll boolean roundToDuplicates) {
        // width above 64 takes 8-bit digits (8 passes) instead of 16-bit ones (4 passes); rounding makes
        // duplicates and both zeros (-0.0 sorts before 0.0)
        double[] column = values.stream().mapToDouble(v -> roundToDuplicates ? Math.rint(v / 1e5) * 0.5 : v).toArray();
        ColumnStatistics stats = new ColumnStatistics(width, true);
        boolean[] valid = new boolean[width];
        valid[width - 1] = true;
        boolean more = true;
        while (more) {
            for (double v : column) {
                double[] row = new double[width];
                row[width - 1] = v;
                stats.add(row, valid);
            }
            more = stats.endPass();
        }
        int last = width - 1;
        assertThat(stats.count(last)).isEqualTo(column.length);
        assertThat(stats.median(last)).isEqualTo(DataTransform.median(column));
        assertThat(stats.mean(last)).isEqualTo(Arrays.stream(column).average().orElseThrow());
        assertThat(stats.min(last)).isEqualTo(Arrays.stream(column).min().orElseThrow());
        assertThat(stats.max(last)).isEqualTo(Arrays.stream(column).max().orElseThrow());
        if (width > 1) {
            assertThat(stats.count(0)).isZero();
        }
    }
}
