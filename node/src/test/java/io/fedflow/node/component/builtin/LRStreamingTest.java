package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.component.ComponentContext.MetricPoint;
import io.fedflow.node.component.Instances;
import io.fedflow.node.component.TableInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The local LR streams its tables (a pass per iteration, mini-batches as the rows come; predictions written as
 * scored): on a table of many rows (more than a node's 5,000-row fetch, mini-batches with a shorter last one)
 * its losses, weights and predictions are those of the whole-table loop, run here directly on the rows in
 * memory with LR's own update.
 */
class LRStreamingTest {
    private static final int ROWS = 12_345;
    private static final int WIDTH = 5;

    private static Instances instances(long seed, int rows) {
        Random r = new Random(seed);
        List<String> ids = new ArrayList<>();
        double[][] x = new double[rows][WIDTH];
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            ids.add("id" + i);
            double z = 0;
            for (int j = 0; j < WIDTH; j++) {
                x[i][j] = Math.round(r.nextGaussian() * 100) / 100.0;
                z += (j - 2) * x[i][j];
            }
            y[i] = r.nextDouble() < LR.sigmoid(z) ? 1 : 0;
        }
        return new Instances(ids, List.of("x0", "x1", "x2", "x3", "x4"), x, y, "y");
    }

    /** The whole-table training loop LR ran before it streamed: losses per iteration, then the weights. */
    private static List<Double> direct(InMemoryContext ctx, Instances tr, double[] wOut) {
        LR.Settings s = LR.Settings.of(new Params(ctx), ctx);
        int n = tr.size();
        int d = tr.width();
        int dim = d + (s.fitIntercept ? 1 : 0);
        double[] w = LR.init(s, dim, d);
        if (s.fitIntercept && "zeros".equals(s.initMethod)) {
            w[d] = LR.logOdds(tr.labels());
        }
        int batch = s.batchSize < 0 || s.batchSize >= n ? n : s.batchSize;
        LR.Optimizer opt = new LR.Optimizer(s, d);
        List<Double> losses = new ArrayList<>();
        for (int iter = 0; iter < s.maxIter; iter++) {
            opt.setIters(iter);
            double lossSum = LR.lossNorm(s, w, d) * n;
            for (int start = 0; start < n; start += batch) {
                int end = Math.min(n, start + batch);
                double[] g = new double[dim];
                for (int i = start; i < end; i++) {
                    double z = LR.dot(w, tr.features()[i], d, s.fitIntercept);
                    double r = LR.sigmoid(z) - tr.labels()[i];
                    for (int j = 0; j < d; j++) {
                        g[j] += r * tr.features()[i][j];
                    }
                    if (s.fitIntercept) {
                        g[d] += r;
                    }
                    lossSum += LR.logLoss(z, tr.labels()[i]);
                }
                for (int j = 0; j < dim; j++) {
                    g[j] /= end - start;
                }
                LR.update(s, opt, w, g, d);
            }
            losses.add(lossSum / n);
        }
        System.arraycopy(w, 0, wOut, 0, dim);
        return losses;
    }

    @Test
    void miniBatchesOverManyRowsGiveTheWholeTableLoopsNumbers() {
        Instances data = instances(31, ROWS);
        Instances validate = instances(32, 6_000);
        InMemoryContext root = new InMemoryContext("root", "none");
        TableInput train = root.writeInstances("data", data);
        InMemoryContext va = root.next("dt_1", "DataTransform");
        TableInput vaTable = va.writeInstances("data", validate);
        InMemoryContext ctx = root.next("lr_0", "LR");
        ctx.input("train_data", train).input("validate_data", vaTable)
                .param("max_iter", 4).param("optimizer", "adam").param("learning_rate", 0.05)
                .param("alpha", 0.01).param("penalty", "L2").param("batch_size", 1_000).param("tol", 0.0)
                .param("validation_freqs", 2).param("init_param", Map.of("init_method", "zeros"));
        new LR().run(ctx);

        double[] w = new double[WIDTH + 1];
        List<Double> losses = direct(ctx, data, w);
        assertThat(ctx.metric("train", "loss")).extracting(MetricPoint::value).containsExactlyElementsOf(losses);
        var weight = ctx.saved.get("model").param().path("weight");
        for (int j = 0; j < WIDTH; j++) {
            assertThat(weight.path("x" + j).asDouble()).isEqualTo(w[j]);
        }
        assertThat(ctx.saved.get("model").param().path("intercept").asDouble()).isEqualTo(w[WIDTH]);

        // predictions: train rows then validate rows, in table order, each scored with the final weights
        List<String[]> rows = ctx.rows(ctx.outputs.get("data"));
        assertThat(rows).hasSize(ROWS + 6_000);
        for (int i = 0; i < rows.size(); i += 997) {
            Instances t = i < ROWS ? data : validate;
            int k = i < ROWS ? i : i - ROWS;
            double score = LR.sigmoid(LR.dot(w, t.features()[k], WIDTH, true));
            String[] v = rows.get(i)[1].split("\t", -1);
            assertThat(rows.get(i)[0]).isEqualTo(t.ids().get(k));
            assertThat(v[0]).isEqualTo(Labels.format(t.labels()[k]));
            assertThat(Double.parseDouble(v[2])).isEqualTo(score);
            assertThat(v[4]).isEqualTo(i < ROWS ? "train" : "validate");
        }
        // validation at iterations 1 and 3: AUC over every validate row's score
        assertThat(ctx.metric("validate", "iteration_1")).extracting(MetricPoint::key).containsExactly("auc", "ks");
        assertThat(ctx.metric("validate", "iteration_3")).isNotEmpty();
    }

    @Test
    void predictingWithAModelScoresEachRowAsItIsRead() {
        Instances data = instances(33, ROWS);
        InMemoryContext root = new InMemoryContext("root", "none");
        TableInput train = root.writeInstances("data", data);
        InMemoryContext fit = root.next("lr_0", "LR");
        fit.input("train_data", train).param("max_iter", 2).param("batch_size", 4_000);
        new LR().run(fit);

        InMemoryContext predict = root.next("lr_1", "LR");
        predict.input("test_data", train).model("model", fit.savedModel("model"));
        new LR().run(predict);
        assertThat(predict.summary.path("predict_count").asLong()).isEqualTo(ROWS);
        List<String[]> trained = fit.rows(fit.outputs.get("data"));
        List<String[]> predicted = predict.rows(predict.outputs.get("data"));
        assertThat(predicted).hasSize(ROWS);
        for (int i = 0; i < ROWS; i += 1_001) {
            assertThat(predicted.get(i)[1].split("\t")[2]).isEqualTo(trained.get(i)[1].split("\t")[2]);
        }
    }
}
