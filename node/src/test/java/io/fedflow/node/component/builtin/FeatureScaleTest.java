package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fedflow.node.component.Instances;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.core.FlowException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureScaleTest {
    private static final double EPS = 1e-12;

    /** Instances x0 = [1, 2, 3, 5], x1 = [10, 10, 10, 10], labels [0, 1, 0, 1], written by an upstream. */
    private static TableInput data(InMemoryContext up) {
        return up.writeInstances("data", new Instances(List.of("a", "b", "c", "d"), List.of("x0", "x1"),
                new double[][] {{1, 10}, {2, 10}, {3, 10}, {5, 10}}, new double[] {0, 1, 0, 1}, "y"));
    }

    @Test
    void minMax() {
        InMemoryContext up = new InMemoryContext("dt_0", "DataTransform");
        InMemoryContext ctx = up.next("scale_0", "FeatureScale");
        ctx.input("data", data(up)).param("method", "min_max_scale");
        new FeatureScale().run(ctx);

        Instances out = ctx.instances("data");
        double[][] f = out.features();
        assertThat(f[0]).containsExactly(0.0, 0.0);
        assertThat(f[1]).containsExactly(0.25, 0.0);
        assertThat(f[2]).containsExactly(0.5, 0.0);
        assertThat(f[3]).containsExactly(1.0, 0.0); // x1 has no range: 0, not NaN
        assertThat(out.labels()).containsExactly(0.0, 1.0, 0.0, 1.0);
        assertThat(out.ids()).containsExactly("a", "b", "c", "d");

        var param = ctx.saved.get("model").param();
        assertThat(param.path("col_scale_param").path("x0").path("column_lower").asDouble()).isEqualTo(1.0);
        assertThat(param.path("col_scale_param").path("x0").path("column_upper").asDouble()).isEqualTo(5.0);
        assertThat(ctx.saved.get("model").meta().path("method").asText()).isEqualTo("min_max_scale");
        assertThat(ctx.summary.path("x0").path("column_upper").asDouble()).isEqualTo(5.0);
    }

    @Test
    void standardIsTheDefault() {
        InMemoryContext up = new InMemoryContext("dt_0", "DataTransform");
        InMemoryContext ctx = up.next("scale_0", "FeatureScale");
        ctx.input("data", data(up));
        new FeatureScale().run(ctx);

        double mean = 11.0 / 4;
        double std = Math.sqrt((1 + 4 + 9 + 25) / 4.0 - mean * mean); // population std, as FATE
        double[][] f = ctx.instances("data").features();
        assertThat(f[0][0]).isCloseTo((1 - mean) / std, within(EPS));
        assertThat(f[3][0]).isCloseTo((5 - mean) / std, within(EPS));
        for (double[] row : f) {
            assertThat(row[1]).isEqualTo(0.0); // no spread: 0, not NaN
        }
        var col = ctx.saved.get("model").param().path("col_scale_param").path("x0");
        assertThat(col.path("mean").asDouble()).isCloseTo(mean, within(EPS));
        assertThat(col.path("std").asDouble()).isCloseTo(std, within(EPS));
        assertThat(ctx.saved.get("model").param().path("col_scale_param").path("x1").path("std").asDouble())
                .isEqualTo(1.0);
    }

    @Test
    void featBoundsClipInNormalMode() {
        InMemoryContext up = new InMemoryContext("dt_0", "DataTransform");
        InMemoryContext ctx = up.next("scale_0", "FeatureScale");
        ctx.input("data", data(up)).param("method", "min_max_scale").param("feat_upper", 3).param("scale_col_indexes", List.of(0));
        new FeatureScale().run(ctx);
        double[][] f = ctx.instances("data").features();
        assertThat(f[1][0]).isEqualTo(0.5);
        assertThat(f[3][0]).isEqualTo(1.0); // 5 clipped to 3
        assertThat(f[3][1]).isEqualTo(10.0); // x1 not chosen: unchanged
    }

    @Test
    void scaleByNameWithEmptyIndexes() {
        InMemoryContext up = new InMemoryContext("dt_0", "DataTransform");
        InMemoryContext ctx = up.next("scale_0", "FeatureScale");
        ctx.input("data", data(up)).param("method", "min_max_scale").param("scale_col_indexes", List.of())
                .param("scale_names", List.of("x1"));
        new FeatureScale().run(ctx);
        assertThat(ctx.instances("data").features()[3]).containsExactly(5.0, 0.0);
        assertThat(ctx.saved.get("model").param().path("col_scale_param").has("x0")).isFalse();
    }

    @Test
    void appliesInputModelInsteadOfFitting() {
        InMemoryContext up = new InMemoryContext("dt_0", "DataTransform");
        InMemoryContext fit = up.next("scale_0", "FeatureScale");
        fit.input("data", data(up)).param("method", "min_max_scale");
        new FeatureScale().run(fit);

        InMemoryContext up2 = up.next("dt_1", "DataTransform");
        TableInput test = up2.writeInstances("data", new Instances(List.of("p", "q", "r"), List.of("x0", "x1"),
                new double[][] {{0, 10}, {3, 99}, {6, 10}}, null, null));
        InMemoryContext apply = up.next("scale_0", "FeatureScale");
        apply.input("data", test).model("model", fit.savedModel("model"));
        new FeatureScale().run(apply);
        double[][] f = apply.instances("data").features();
        assertThat(f[0]).containsExactly(0.0, 0.0);  // 0 clipped to the train min 1
        assertThat(f[1]).containsExactly(0.5, 0.0);  // x1 range 0: clipped to 10, scaled to 0
        assertThat(f[2]).containsExactly(1.0, 0.0);  // 6 clipped to the train max 5
        assertThat(apply.saved.get("model").param().path("col_scale_param").path("x0").path("column_upper").asDouble())
                .isEqualTo(5.0);
    }

    @Test
    void standardModelAppliedToNewData() {
        InMemoryContext up = new InMemoryContext("dt_0", "DataTransform");
        InMemoryContext fit = up.next("scale_0", "FeatureScale");
        fit.input("data", data(up)).param("method", "standard_scale").param("with_std", false);
        new FeatureScale().run(fit);
        InMemoryContext up2 = up.next("dt_1", "DataTransform");
        TableInput test = up2.writeInstances("data", new Instances(List.of("p"), List.of("x0", "x1"),
                new double[][] {{4, 10}}, null, null));
        InMemoryContext apply = up.next("scale_0", "FeatureScale");
        apply.input("data", test).model("model", fit.savedModel("model"));
        new FeatureScale().run(apply);
        assertThat(apply.instances("data").features()[0][0]).isCloseTo(4 - 11.0 / 4, within(EPS));
    }

    @Test
    void refusesUnknownMethodAndBadIndexes() {
        InMemoryContext up = new InMemoryContext("dt_0", "DataTransform");
        TableInput in = data(up);
        InMemoryContext ctx = up.next("scale_0", "FeatureScale");
        ctx.input("data", in).param("method", "log_scale");
        assertThatThrownBy(() -> new FeatureScale().run(ctx)).isInstanceOf(FlowException.class)
                .hasMessageContaining("scale_0").hasMessageContaining("method");
        InMemoryContext bad = up.next("scale_1", "FeatureScale");
        bad.input("data", in).param("scale_col_indexes", List.of(5));
        assertThatThrownBy(() -> new FeatureScale().run(bad)).isInstanceOf(FlowException.class)
                .hasMessageContaining("scale_col_indexes");
    }
}
