package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fedflow.node.component.ComponentContext.MetricPoint;
import io.fedflow.node.component.Instances;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.component.TaskCancelledException;
import io.fedflow.node.core.FlowException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LRTest {
    static final Path BREAST = Path.of("../examples/data/breast_hetero_guest.csv");

    /** Stores the breast CSV as table experiment.breast_hetero_guest (id, then y,x0..x9) in {@code ctx}. */
    static TableInput breast(InMemoryContext ctx) throws IOException {
        List<String> lines = Files.readAllLines(BREAST);
        String[] head = lines.get(0).split(",", 2);
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                String[] kv = line.split(",", 2);
                rows.add(new String[] {kv[0], kv[1]});
            }
        }
        return ctx.table("experiment", "breast_hetero_guest", head[0], head[1], ",", rows.toArray(new String[0][]));
    }

    /** Reader → DataTransform (with label): the instances table. */
    static TableInput breastInstances(InMemoryContext root) throws IOException {
        breast(root);
        InMemoryContext reader = root.next("reader_0", "Reader");
        reader.param("table", Map.of("name", "breast_hetero_guest", "namespace", "experiment"));
        new Reader().run(reader);
        InMemoryContext dt = root.next("data_transform_0", "DataTransform");
        dt.input("data", reader.outputs.get("data")).param("with_label", true);
        new DataTransform().run(dt);
        return dt.outputs.get("data");
    }

    private static InMemoryContext lr(InMemoryContext root, TableInput train) {
        InMemoryContext ctx = root.next("lr_0", "LR");
        ctx.input("train_data", train)
                .param("max_iter", 30).param("optimizer", "rmsprop").param("learning_rate", 0.15)
                .param("alpha", 0.01).param("penalty", "L2");
        return ctx;
    }

    @Test
    void zerosInitStartsTheInterceptAtTheLabelsLogOdds() {
        assertThat(LR.logOdds(new double[] {1, 1, 1, 0})).isCloseTo(Math.log(3), within(1e-12));
        assertThat(LR.logOdds(new double[] {0, 0, 1, 0, 0})).isCloseTo(Math.log(0.25), within(1e-12));
        // a single class has no finite log-odds (FATE divides by zero): the intercept stays at 0
        assertThat(LR.logOdds(new double[] {1, 1})).isZero();
        assertThat(LR.logOdds(new double[] {0, 0, 0})).isZero();
    }

    @Test
    void breastReachesHighAucAndLossDecreases() throws IOException {
        InMemoryContext root = new InMemoryContext("root", "none");
        TableInput train = breastInstances(root);
        assertThat(train.count()).isEqualTo(569);
        InMemoryContext ctx = lr(root, train);
        new LR().run(ctx);

        List<MetricPoint> loss = ctx.metric("train", "loss");
        assertThat(loss).hasSizeBetween(2, 30);
        assertThat(loss.get(0).key()).isEqualTo(0);
        assertThat(loss.get(0).value()).isGreaterThan(loss.get(loss.size() - 1).value());
        InMemoryContext.Meta meta = ctx.meta("train", "loss");
        assertThat(meta.metricType()).isEqualTo("LOSS");
        assertThat(meta.extra().path("unit_name").asText()).isEqualTo("iters");
        assertThat(meta.extra().path("curve_name").asText()).isEqualTo("loss");

        var param = ctx.saved.get("model").param();
        assertThat(param.path("weight").size()).isEqualTo(10);
        assertThat(param.path("header").get(0).asText()).isEqualTo("x0");
        assertThat(param.path("loss_history").size()).isEqualTo(loss.size());
        assertThat(param.path("iters").asInt()).isEqualTo(loss.size());
        assertThat(ctx.saved.get("model").meta().path("optimizer").asText()).isEqualTo("rmsprop");

        TableInput pred = ctx.outputs.get("data");
        assertThat(pred.delimiter()).isEqualTo("\t");
        assertThat(pred.schema().path("header").asText())
                .isEqualTo("label\tpredict_result\tpredict_score\tpredict_detail\ttype");
        List<String[]> rows = ctx.rows(pred);
        assertThat(rows).hasSize(569);
        String[] first = rows.get(0)[1].split("\t", -1);
        assertThat(first).hasSize(5);
        assertThat(first[3]).startsWith("{\"0\":").contains(",\"1\":");
        assertThat(first[4]).isEqualTo("train");

        InMemoryContext eval = root.next("evaluation_0", "Evaluation");
        eval.input("data", pred);
        new Evaluation().run(eval);
        double auc = eval.summary.path("lr_0").path("train").path("auc").asDouble();
        assertThat(auc).isGreaterThanOrEqualTo(0.97);
        assertThat(eval.metric("train", "lr_0")).extracting(MetricPoint::key).contains("auc", "ks");
    }

    @Test
    void miniBatchesAreDeterministicAndValidationIsLogged() throws IOException {
        InMemoryContext root = new InMemoryContext("root", "none");
        TableInput train = breastInstances(root);
        InMemoryContext a = lr(root, train).param("batch_size", 100).param("max_iter", 5)
                .param("validation_freqs", 1).input("validate_data", train);
        new LR().run(a);
        assertThat(a.rows(a.outputs.get("data"))).hasSize(2 * 569); // train and validate rows
        InMemoryContext b = lr(root, train).param("batch_size", 100).param("max_iter", 5);
        new LR().run(b);
        assertThat(a.saved.get("model").param().path("weight"))
                .isEqualTo(b.saved.get("model").param().path("weight"));
        assertThat(a.metric("validate", "iteration_0")).extracting(MetricPoint::key).containsExactly("auc", "ks");
        assertThat(a.meta("validate", "iteration_0").metricType()).isEqualTo("EVALUATION_SUMMARY");
        assertThat(a.summary.path("validation_metrics").path("validate").has("auc")).isTrue();
    }

    @Test
    void earlyStoppingKeepsTheBestIteration() throws IOException {
        InMemoryContext root = new InMemoryContext("root", "none");
        TableInput train = breastInstances(root);
        InMemoryContext ctx = lr(root, train).param("max_iter", 30).param("tol", 0.0)
                .param("validation_freqs", 1).param("early_stopping_rounds", 2).input("validate_data", train);
        new LR().run(ctx);
        var param = ctx.saved.get("model").param();
        int iters = param.path("iters").asInt();
        int best = param.path("best_iteration").asInt();
        assertThat(best).isBetween(0, iters - 1);
        assertThat(iters).isLessThan(30);
        assertThat(ctx.logs).anyMatch(l -> l.startsWith("early stopping"));
    }

    @Test
    void predictsWithAnInputModel() throws IOException {
        InMemoryContext root = new InMemoryContext("root", "none");
        TableInput train = breastInstances(root);
        InMemoryContext fit = lr(root, train);
        new LR().run(fit);

        InMemoryContext predict = root.next("lr_0", "LR");
        predict.input("test_data", train).model("model", fit.savedModel("model"));
        new LR().run(predict);
        List<String[]> trained = fit.rows(fit.outputs.get("data"));
        List<String[]> predicted = predict.rows(predict.outputs.get("data"));
        assertThat(predicted).hasSize(569);
        String[] t = trained.get(3)[1].split("\t");
        String[] p = predicted.get(3)[1].split("\t");
        assertThat(p[2]).isEqualTo(t[2]);
        assertThat(p[4]).isEqualTo("predict");
    }

    @Test
    void stopsWhenCancelled() throws IOException {
        InMemoryContext root = new InMemoryContext("root", "none");
        TableInput train = breastInstances(root);
        InMemoryContext ctx = lr(root, train).param("tol", 0.0);
        ctx.cancelAfterChecks = 3;
        assertThatThrownBy(() -> new LR().run(ctx)).isInstanceOf(TaskCancelledException.class);
        assertThat(ctx.metric("train", "loss")).hasSize(3);
        assertThat(ctx.outputs).isEmpty();
        assertThat(ctx.saved).isEmpty();
    }

    @Test
    void refusesBadParametersAndMultiClass() {
        InMemoryContext root = new InMemoryContext("root", "none");
        TableInput multi = root.writeInstances("data", new Instances(List.of("a", "b", "c"), List.of("x0"),
                new double[][] {{1}, {2}, {3}}, new double[] {0, 1, 2}, "y"));
        InMemoryContext ctx = root.next("lr_0", "LR").input("train_data", multi);
        assertThatThrownBy(() -> new LR().run(ctx)).isInstanceOf(FlowException.class)
                .hasMessageContaining("lr_0").hasMessageContaining("3 classes");

        InMemoryContext opt = root.next("lr_1", "LR").input("train_data", multi).param("optimizer", "lbfgs");
        assertThatThrownBy(() -> new LR().run(opt)).isInstanceOf(FlowException.class)
                .hasMessageContaining("optimizer").hasMessageContaining("lbfgs");

        InMemoryContext batch = root.next("lr_2", "LR").input("train_data", multi).param("batch_size", 3);
        assertThatThrownBy(() -> new LR().run(batch)).isInstanceOf(FlowException.class)
                .hasMessageContaining("batch_size");
    }

    @Test
    void optimizersAndPenaltiesAllLearn() throws IOException {
        InMemoryContext root = new InMemoryContext("root", "none");
        TableInput train = breastInstances(root);
        for (String optimizer : List.of("sgd", "adam", "adagrad", "nesterov_momentum_sgd")) {
            for (String penalty : List.of("L1", "L2", "none")) {
                InMemoryContext ctx = lr(root, train).param("optimizer", optimizer).param("penalty", penalty)
                        .param("init_param", Map.of("init_method", "zeros"));
                new LR().run(ctx);
                List<MetricPoint> loss = ctx.metric("train", "loss");
                assertThat(loss.get(0).value()).as(optimizer + "/" + penalty)
                        .isGreaterThan(loss.get(loss.size() - 1).value());
            }
        }
    }
}
