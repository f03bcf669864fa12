package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.ComponentContext.MetricPoint;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.core.FlowException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    private static final double EPS = 1e-12;

    /** A prediction table from component {@code cpn}, as LR writes it. */
    private static TableInput predictions(InMemoryContext root, String cpn, double[] labels, double[] scores,
                                          String type) {
        InMemoryContext up = root.next(cpn, "LR");
        return up.writeTable("data", PredictTable.schema("id"), PredictTable.DELIMITER, out -> {
            for (int i = 0; i < labels.length; i++) {
                JsonNode detail = InMemoryContext.JSON.createObjectNode().put("0", 1 - scores[i]).put("1", scores[i]);
                out.row("id" + i, PredictTable.row(Labels.format(labels[i]), scores[i] > 0.5 ? "1" : "0", scores[i],
                        detail, type));
            }
        });
    }

    @Test
    void binaryAucKsAndThresholdMetrics() {
        InMemoryContext root = new InMemoryContext("root", "none");
        TableInput t = predictions(root, "lr_0", new double[] {0, 0, 1, 1}, new double[] {0.1, 0.4, 0.35, 0.8}, "train");
        InMemoryContext ctx = root.next("evaluation_0", "Evaluation").input("data", t);
        new Evaluation().run(ctx);

        JsonNode s = ctx.summary.path("lr_0").path("train");
        assertThat(s.path("auc").asDouble()).isCloseTo(0.75, within(EPS));
        assertThat(s.path("ks").asDouble()).isCloseTo(0.5, within(EPS));
        assertThat(s.path("accuracy").asDouble()).isCloseTo(0.75, within(EPS));
        assertThat(s.path("precision").asDouble()).isCloseTo(1.0, within(EPS));
        assertThat(s.path("recall").asDouble()).isCloseTo(0.5, within(EPS));
        assertThat(s.path("f1_score").asDouble()).isCloseTo(2.0 / 3, within(EPS));

        assertThat(ctx.metric("train", "lr_0")).extracting(MetricPoint::key)
                .containsExactly("auc", "ks", "accuracy", "precision", "recall", "f1_score");
        assertThat(ctx.meta("train", "lr_0").metricType()).isEqualTo("EVALUATION_SUMMARY");

        List<MetricPoint> roc = ctx.metric("train", "lr_0_roc");
        assertThat(roc.get(0).key()).isEqualTo(0.0);
        assertThat(roc.get(roc.size() - 1).key()).isEqualTo(1.0);
        assertThat(roc.get(roc.size() - 1).value()).isEqualTo(1.0);
        InMemoryContext.Meta rocMeta = ctx.meta("train", "lr_0_roc");
        assertThat(rocMeta.metricType()).isEqualTo("ROC_EVALUATION");
        assertThat(rocMeta.extra().path("unit_name").asText()).isEqualTo("fpr");
        assertThat(rocMeta.extra().path("thresholds").size()).isEqualTo(roc.size());

        assertThat(ctx.metric("train", "lr_0_ks_fpr")).hasSize(101);
        assertThat(ctx.meta("train", "lr_0_ks_tpr").metricType()).isEqualTo("KS_EVALUATION");
        assertThat(ctx.meta("train", "lr_0_ks_tpr").extra().path("pair_type").asText()).isEqualTo("lr_0");
    }

    /** labels by descending score: 1 1 0 1 0 0 (3 positives out of 6). */
    private static final double[] SIX_LABELS = {1, 1, 0, 1, 0, 0};
    private static final double[] SIX_SCORES = {0.9, 0.8, 0.7, 0.6, 0.2, 0.1};

    @Test
    void confusionAndRatesAtThresholds() {
        // above 0.6: 0.9(1) 0.8(1) 0.7(0) -> tp 2, fp 1; below: 0.6(1) 0.2(0) 0.1(0) -> fn 1, tn 2
        BinaryMetrics.Confusion c = BinaryMetrics.confusion(SIX_LABELS, SIX_SCORES, 0.6);
        assertThat(List.of(c.tp(), c.fp(), c.tn(), c.fn())).containsExactly(2.0, 1.0, 2.0, 1.0);
        assertThat(c.precision()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(c.recall()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(c.f1()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(c.accuracy()).isCloseTo(4.0 / 6, within(EPS));
        // above 0.7: tp 2, fp 0, tn 3, fn 1
        BinaryMetrics.Confusion d = BinaryMetrics.confusion(SIX_LABELS, SIX_SCORES, 0.7);
        assertThat(List.of(d.tp(), d.fp(), d.tn(), d.fn())).containsExactly(2.0, 0.0, 3.0, 1.0);
        assertThat(d.precision()).isEqualTo(1.0);
        assertThat(d.f1()).isCloseTo(0.8, within(EPS));
        assertThat(d.accuracy()).isCloseTo(5.0 / 6, within(EPS));

        assertThat(BinaryMetrics.thresholds(SIX_SCORES)).containsExactly(0.9, 0.8, 0.7, 0.6, 0.2, 0.1);
        assertThat(BinaryMetrics.thresholds(new double[] {0.5, 0.5, 0.2})).containsExactly(0.5, 0.2);
        double[] many = new double[1000];
        for (int i = 0; i < many.length; i++) {
            many[i] = i / 1000.0;
        }
        double[] cut = BinaryMetrics.thresholds(many);
        assertThat(cut).hasSize(100);
        assertThat(cut[0]).isEqualTo(0.999);
        assertThat(cut[99]).isEqualTo(0.009);
    }

    @Test
    void liftAndGain() {
        BinaryMetrics.LiftGain lg = BinaryMetrics.liftGain(SIX_LABELS, SIX_SCORES, 20);
        // 6 rows: the 20 shares collapse to the top 1..6 rows
        assertThat(lg.share()).hasSize(6);
        double[] gain = {1.0 / 3, 2.0 / 3, 2.0 / 3, 1, 1, 1};
        double[] lift = {2, 2, 4.0 / 3, 1.5, 1.2, 1};
        for (int i = 0; i < 6; i++) {
            assertThat(lg.share()[i]).isCloseTo((i + 1) / 6.0, within(EPS));
            assertThat(lg.gain()[i]).isCloseTo(gain[i], within(EPS));
            assertThat(lg.lift()[i]).isCloseTo(lift[i], within(EPS));
        }
        assertThat(lg.thresholds()).containsExactly(0.9, 0.8, 0.7, 0.6, 0.2, 0.1);

        double[] labels = new double[100];
        double[] scores = new double[100];
        for (int i = 0; i < 100; i++) {
            labels[i] = i % 3 == 0 ? 1 : 0;
            scores[i] = (i * 37 % 100) / 100.0;
        }
        BinaryMetrics.LiftGain big = BinaryMetrics.liftGain(labels, scores, 20);
        assertThat(big.share()).hasSize(20);
        assertThat(big.share()[0]).isCloseTo(0.05, within(EPS));
        assertThat(big.share()[19]).isEqualTo(1.0);
        assertThat(big.gain()[19]).isEqualTo(1.0);
        assertThat(big.lift()[19]).isCloseTo(1.0, within(EPS));
        for (int i = 1; i < 20; i++) {
            assertThat(big.gain()[i]).isGreaterThanOrEqualTo(big.gain()[i - 1]);
        }
        assertThat(BinaryMetrics.liftGain(new double[] {0, 0}, new double[] {0.1, 0.2}, 20)).isNull();
    }

    @Test
    void curvesOverThresholdsAreLogged() {
        InMemoryContext root = new InMemoryContext("root", "none");
        TableInput t = predictions(root, "lr_0", SIX_LABELS, SIX_SCORES, "train");
        InMemoryContext ctx = root.next("evaluation_0", "Evaluation").input("data", t);
        new Evaluation().run(ctx);

        // the summary keeps its single values at 0.5: above 0.5 -> tp 3, fp 1, tn 2, fn 0
        JsonNode s = ctx.summary.path("lr_0").path("train");
        assertThat(s.path("precision").asDouble()).isCloseTo(0.75, within(EPS));
        assertThat(s.path("recall").asDouble()).isEqualTo(1.0);
        assertThat(ctx.metric("train", "lr_0")).extracting(MetricPoint::key)
                .containsExactly("auc", "ks", "accuracy", "precision", "recall", "f1_score");

        String[][] curves = {{"precision", "PRECISION_EVALUATION"}, {"recall", "RECALL_EVALUATION"},
            {"accuracy", "ACCURACY_EVALUATION"}, {"f1_score", "F1_SCORE_EVALUATION"},
            {"confusion_mat", "CONFUSION_MAT_EVALUATION"}};
        for (String[] c : curves) {
            List<MetricPoint> pts = ctx.metric("train", "lr_0_" + c[0]);
            assertThat(pts).as(c[0]).extracting(MetricPoint::key).containsExactly(0.1, 0.2, 0.6, 0.7, 0.8, 0.9);
            InMemoryContext.Meta meta = ctx.meta("train", "lr_0_" + c[0]);
            assertThat(meta.metricType()).isEqualTo(c[1]);
            assertThat(meta.extra().path("curve_name").asText()).isEqualTo("lr_0");
            assertThat(meta.extra().path("thresholds").size()).isEqualTo(6);
        }
        // at threshold 0.6 (index 2): tp 2, fp 1, tn 2, fn 1
        assertThat(ctx.metric("train", "lr_0_precision").get(2).value()).isCloseTo(0.666667, within(EPS));
        assertThat(ctx.metric("train", "lr_0_accuracy").get(3).value()).isCloseTo(0.833333, within(EPS));
        JsonNode cm = ctx.meta("train", "lr_0_confusion_mat").extra();
        assertThat(List.of(cm.path("tp").get(2).asInt(), cm.path("fp").get(2).asInt(), cm.path("tn").get(2).asInt(),
                cm.path("fn").get(2).asInt())).containsExactly(2, 1, 2, 1);
        assertThat(ctx.metric("train", "lr_0_confusion_mat").get(2).value()).isEqualTo(2.0);

        List<MetricPoint> gain = ctx.metric("train", "lr_0_gain");
        List<MetricPoint> lift = ctx.metric("train", "lr_0_lift");
        assertThat(gain).hasSize(6);
        assertThat(gain.get(5).key()).isEqualTo(1.0);
        assertThat(gain.get(5).value()).isEqualTo(1.0);
        assertThat(lift.get(5).value()).isEqualTo(1.0);
        assertThat(lift.get(0).value()).isEqualTo(2.0);
        assertThat(ctx.meta("train", "lr_0_lift").metricType()).isEqualTo("LIFT_EVALUATION");
        assertThat(ctx.meta("train", "lr_0_gain").metricType()).isEqualTo("GAIN_EVALUATION");
        assertThat(ctx.meta("train", "lr_0_gain").extra().path("unit_name").asText()).isEqualTo("population_share");

        // only the asked metrics are drawn
        InMemoryContext only = root.next("evaluation_1", "Evaluation").input("data", t)
                .param("metrics", List.of("lift"));
        new Evaluation().run(only);
        assertThat(only.metric("train", "lr_0_lift")).hasSize(6);
        assertThat(only.metric("train", "lr_0_gain")).isEmpty();
        assertThat(only.metric("train", "lr_0_precision")).isEmpty();
    }

    @Test
    void aucAveragesTies() {
        // pos scores 0.5, 0.9; neg 0.5, 0.2: pairs 0.5 (tie) + 1 + 1 + 1 out of 4
        assertThat(BinaryMetrics.auc(new double[] {0, 1, 0, 1}, new double[] {0.5, 0.5, 0.2, 0.9}))
                .isCloseTo(0.875, within(EPS));
        assertThat(BinaryMetrics.auc(new double[] {1, 1}, new double[] {0.5, 0.2})).isNaN();
    }

    @Test
    void ksIsTheLargestGap() {
        // sorted desc: 0.9(1) 0.8(1) 0.7(0) 0.6(1) 0.2(0) 0.1(0): above 0.8 -> tpr 1/3; above 0.7 -> tpr 2/3, fpr 0
        double[] labels = {1, 1, 0, 1, 0, 0};
        double[] scores = {0.9, 0.8, 0.7, 0.6, 0.2, 0.1};
        BinaryMetrics.Ks ks = BinaryMetrics.ks(labels, scores);
        assertThat(ks.ks()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(ks.fpr()[100]).isEqualTo(1.0);
        assertThat(ks.cuts()[50]).isEqualTo(0.5);
    }

    @Test
    void typesAndInputsAreEvaluatedSeparately() {
        InMemoryContext root = new InMemoryContext("root", "none");
        InMemoryContext up = root.next("lr_0", "LR");
        TableInput t = up.writeTable("data", PredictTable.schema("id"), PredictTable.DELIMITER, out -> {
            double[][] rows = {{0, 0.2}, {1, 0.9}, {0, 0.7}, {1, 0.6}};
            for (int i = 0; i < rows.length; i++) {
                JsonNode detail = InMemoryContext.JSON.createObjectNode().put("0", 1 - rows[i][1]).put("1", rows[i][1]);
                out.row("r" + i, PredictTable.row(Labels.format(rows[i][0]), "0", rows[i][1], detail,
                        i < 2 ? "train" : "validate"));
            }
        });
        TableInput other = predictions(root, "lr_1", new double[] {0, 1}, new double[] {0.3, 0.6}, "train");
        InMemoryContext ctx = root.next("evaluation_0", "Evaluation").input("data", t).input("data", other)
                .param("metrics", List.of("auc"));
        new Evaluation().run(ctx);
        assertThat(ctx.summary.path("lr_0").path("train").path("auc").asDouble()).isEqualTo(1.0);
        assertThat(ctx.summary.path("lr_0").path("validate").path("auc").asDouble()).isEqualTo(0.0);
        assertThat(ctx.summary.path("lr_1").path("train").path("auc").asDouble()).isEqualTo(1.0);
        assertThat(ctx.metric("validate", "lr_0")).extracting(MetricPoint::key).containsExactly("auc");
        assertThat(ctx.metric("train", "lr_0_roc")).isEmpty();
    }

    @Test
    void posLabelSelectsThePositiveClass() {
        InMemoryContext root = new InMemoryContext("root", "none");
        TableInput t = predictions(root, "lr_0", new double[] {1, 1, 2, 2}, new double[] {0.1, 0.4, 0.35, 0.8}, "train");
        InMemoryContext ctx = root.next("evaluation_0", "Evaluation").input("data", t).param("pos_label", 2)
                .param("metrics", List.of("auc"));
        new Evaluation().run(ctx);
        assertThat(ctx.summary.path("lr_0").path("train").path("auc").asDouble()).isCloseTo(0.75, within(EPS));
    }

    @Test
    void regressionMetrics() {
        InMemoryContext root = new InMemoryContext("root", "none");
        double[] y = {3, -0.5, 2, 7};
        double[] f = {2.5, 0.0, 2, 8};
        TableInput t = predictions(root, "linr_0", y, f, "train");
        InMemoryContext ctx = root.next("evaluation_0", "Evaluation").input("data", t).param("eval_type", "regression");
        new Evaluation().run(ctx);
        JsonNode s = ctx.summary.path("linr_0").path("train");
        // the values sklearn gives for this example
        assertThat(s.path("mean_squared_error").asDouble()).isCloseTo(0.375, within(EPS));
        assertThat(s.path("root_mean_squared_error").asDouble()).isCloseTo(Math.sqrt(0.375), within(EPS));
        assertThat(s.path("mean_absolute_error").asDouble()).isCloseTo(0.5, within(EPS));
        assertThat(s.path("median_absolute_error").asDouble()).isCloseTo(0.5, within(EPS));
        assertThat(s.path("r2_score").asDouble()).isCloseTo(0.9486081370449679, within(1e-12));
        assertThat(s.path("explained_variance").asDouble()).isCloseTo(0.9571734475374732, within(1e-12));
        List<Object> keys = new ArrayList<>();
        ctx.metric("train", "linr_0").forEach(pt -> keys.add(pt.key()));
        assertThat(keys).hasSize(6);

        InMemoryContext aliases = root.next("evaluation_1", "Evaluation").input("data", t)
                .param("eval_type", "regression").param("metrics", List.of("rmse", "mae"));
        new Evaluation().run(aliases);
        assertThat(aliases.metric("train", "linr_0")).extracting(MetricPoint::key)
                .containsExactly("root_mean_squared_error", "mean_absolute_error");
    }

    @Test
    void refusesMultiAndUnknownMetrics() {
        InMemoryContext root = new InMemoryContext("root", "none");
        TableInput t = predictions(root, "lr_0", new double[] {0, 1}, new double[] {0.1, 0.9}, "train");
        InMemoryContext multi = root.next("evaluation_0", "Evaluation").input("data", t).param("eval_type", "multi");
        assertThatThrownBy(() -> new Evaluation().run(multi)).isInstanceOf(FlowException.class)
                .hasMessageContaining("eval_type").hasMessageContaining("multi");
        InMemoryContext unknown = root.next("evaluation_1", "Evaluation").input("data", t)
                .param("metrics", List.of("auc", "bogus"));
        assertThatThrownBy(() -> new Evaluation().run(unknown)).isInstanceOf(FlowException.class)
                .hasMessageContaining("bogus");
        InMemoryContext wrongType = root.next("evaluation_2", "Evaluation").input("data", t)
                .param("metrics", List.of("r2"));
        assertThatThrownBy(() -> new Evaluation().run(wrongType)).isInstanceOf(FlowException.class)
                .hasMessageContaining("not used for binary");
    }
}
