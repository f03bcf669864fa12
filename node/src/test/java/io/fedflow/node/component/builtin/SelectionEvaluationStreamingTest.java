package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.Instances;
import io.fedflow.node.component.ModelInput;
import io.fedflow.node.component.TableInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * HeteroFeatureSelection writes its kept columns a row at a time as it scans, and Evaluation keeps a
 * prediction table as two primitive arrays (label and score, 16 bytes a row): on tables of many rows (more
 * than a node's 5,000-row fetch) both give what a direct computation over the whole table gives.
 */
class SelectionEvaluationStreamingTest {
    private static final int ROWS = 12_345;

    @Test
    void selectionWithATrainedModelKeepsItsColumnsRowForRow() {
        Random r = new Random(41);
        List<String> ids = new ArrayList<>();
        double[][] x = new double[ROWS][4];
        double[] y = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            ids.add("id" + i);
            y[i] = r.nextInt(2);
            for (int j = 0; j < 4; j++) {
                x[i][j] = Math.round(r.nextGaussian() * 1000) / 100.0;
            }
        }
        Instances data = new Instances(ids, List.of("a", "b", "c", "d"), x, y, "y");
        InMemoryContext up = new InMemoryContext("bin_0", "HeteroFeatureBinning");
        TableInput t = up.writeInstances("data", data);
        ObjectNode param = InMemoryContext.JSON.createObjectNode();
        ObjectNode left = param.putObject("final_left_cols").putObject("left_cols");
        left.put("a", false).put("b", true).put("d", true); // c: not decided, so kept
        InMemoryContext ctx = up.next("selection_0", "HeteroFeatureSelection");
        ctx.role = "guest";
        ctx.input("data", t).model("model", new ModelInput("selection_t", "HeteroFeatureSelection", param,
                InMemoryContext.JSON.createObjectNode()));
        new HeteroFeatureSelection().run(ctx);

        Instances out = ctx.instances("data");
        assertThat(out.featureNames()).containsExactly("b", "c", "d");
        assertThat(out.ids()).isEqualTo(ids);
        assertThat(out.labels()).containsExactly(y);
        for (int i = 0; i < ROWS; i++) {
            assertThat(out.features()[i]).containsExactly(x[i][1], x[i][2], x[i][3]);
        }
    }

    /** AUC by its definition: over every (positive, negative) pair, 1 when the positive scores higher, 1/2 tied. */
    private static double pairwiseAuc(double[] labels, double[] scores) {
        // scores are in 0.00 .. 1.00: count by score value instead of by pair
        long[] pos = new long[101];
        long[] neg = new long[101];
        for (int i = 0; i < labels.length; i++) {
            int v = (int) Math.round(scores[i] * 100);
            if (labels[i] == 1) {
                pos[v]++;
            } else {
                neg[v]++;
            }
        }
        double wins = 0;
        long negBelow = 0;
        long p = 0;
        long q = 0;
        for (int v = 0; v <= 100; v++) {
            wins += pos[v] * (negBelow + neg[v] / 2.0);
            negBelow += neg[v];
            p += pos[v];
            q += neg[v];
        }
        return wins / ((double) p * q);
    }

    @Test
    void evaluationOfManyRowsPerTypeMatchesADirectComputation() {
        Random r = new Random(42);
        String[][] rows = new String[ROWS][];
        double[][] byType = new double[4][ROWS]; // train labels, train scores, validate labels, validate scores
        int[] counts = new int[2];
        for (int i = 0; i < ROWS; i++) {
            int label = r.nextInt(2);
            double score = Math.round(Math.min(1, Math.max(0, 0.5 + (label - 0.5) * 0.3 + r.nextGaussian() * 0.25))
                    * 100) / 100.0;
            int type = r.nextInt(3) == 0 ? 1 : 0; // types interleaved, as LR's train and validate never are
            byType[2 * type][counts[type]] = label;
            byType[2 * type + 1][counts[type]++] = score;
            rows[i] = new String[] {"id" + i, LR.predictionRow(Integer.toString(label), score, 0.5,
                    type == 0 ? "train" : "validate")};
        }
        InMemoryContext ctx = new InMemoryContext("evaluation_0", "Evaluation");
        TableInput pred = ctx.table("lr_0", "data", "id", String.join("\t", PredictTable.HEADER), "\t", rows);
        ctx.input("data", pred).param("metrics", List.of("auc", "accuracy"));
        new Evaluation().run(ctx);

        for (int type = 0; type < 2; type++) {
            double[] labels = Arrays.copyOf(byType[2 * type], counts[type]);
            double[] scores = Arrays.copyOf(byType[2 * type + 1], counts[type]);
            var s = ctx.summary.path("lr_0").path(type == 0 ? "train" : "validate");
            assertThat(s.path("auc").asDouble()).isCloseTo(pairwiseAuc(labels, scores),
                    Assertions.within(1e-12));
            long right = 0;
            for (int i = 0; i < labels.length; i++) {
                right += (scores[i] > 0.5 ? 1 : 0) == labels[i] ? 1 : 0;
            }
            assertThat(s.path("accuracy").asDouble()).isEqualTo(right / (double) labels.length);
        }
    }

    /** The primitive stable order Evaluation's metrics rank by is the order a stable sort of boxed indexes gives. */
    @Property(tries = 200)
    void primitiveOrderIsTheStableBoxedOrder(@ForAll @Size(max = 300) List<@DoubleRange(min = -3, max = 3) Double> raw,
                                             @ForAll boolean descending) {
        // rounded to one decimal: many ties, whose input order a stable sort keeps
        double[] scores = raw.stream().mapToDouble(v -> Math.round(v * 10) / 10.0).toArray();
        Integer[] boxed = new Integer[scores.length];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = i;
        }
        Comparator<Integer> asc = Comparator.comparingDouble(i -> scores[i]);
        Arrays.sort(boxed, descending ? (a, b) -> Double.compare(scores[b], scores[a]) : asc);
        assertThat(BinaryMetrics.order(scores, descending)).containsExactly(
                Arrays.stream(boxed).mapToInt(Integer::intValue).toArray());
    }
}
