package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fedflow.node.component.Instances;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataTransformTest {

    private static InMemoryContext ctx() {
        return new InMemoryContext("data_transform_0", "DataTransform");
    }

    @Test
    void denseWithLabelAndMeanFill() {
        InMemoryContext ctx = ctx();
        TableInput t = ctx.table("ns", "t", "id", "y,x0,x1", ",",
                new String[] {"a", "1,1.0,NA"},
                new String[] {"b", "0,,2"},
                new String[] {"c", "1,3,4"});
        ctx.input("data", t).param("with_label", true).param("missing_fill", true)
                .param("missing_fill_method", "mean");

        new DataTransform().run(ctx);

        Instances out = ctx.instances("data");
        assertThat(out.ids()).containsExactly("a", "b", "c");
        assertThat(out.featureNames()).containsExactly("x0", "x1");
        assertThat(out.labelName()).isEqualTo("y");
        assertThat(out.labels()).containsExactly(1.0, 0.0, 1.0);
        assertThat(out.features()[0]).containsExactly(1.0, 3.0); // x1 filled with mean(2, 4)
        assertThat(out.features()[1]).containsExactly(2.0, 2.0); // x0 filled with mean(1, 3)
        assertThat(out.features()[2]).containsExactly(3.0, 4.0);

        InMemoryContext.SavedModel model = ctx.saved.get("model");
        assertThat(model.param().path("header").toString()).isEqualTo("[\"x0\",\"x1\"]");
        assertThat(model.param().path("label_name").asText()).isEqualTo("y");
        assertThat(model.param().path("with_label").asBoolean()).isTrue();
        assertThat(model.param().path("imputer_param").path("missing_replace_value").path("x0").asDouble()).isEqualTo(2.0);
        assertThat(model.param().path("imputer_param").path("missing_replace_value").path("x1").asDouble()).isEqualTo(3.0);
        assertThat(model.meta().path("imputer_meta").path("strategy").asText()).isEqualTo("mean");
        assertThat(ctx.summary.path("count").asInt()).isEqualTo(3);
        assertThat(ctx.summary.path("label_counts").path("1").asInt()).isEqualTo(2);
        assertThat(ctx.summary.path("missing_fill_info").path("missing_impute_rate").path("x1").asDouble())
                .isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void designatedFillAndMedian() {
        InMemoryContext ctx = ctx();
        TableInput t = ctx.table("ns", "t", "id", "x0,x1", ",",
                new String[] {"a", "null,1"},
                new String[] {"b", "5,None"},
                new String[] {"c", "7,3"},
                new String[] {"d", "9,10"});
        ctx.input("data", t).param("missing_fill", true).param("default_value", List.of(-1, -2));
        new DataTransform().run(ctx);
        assertThat(ctx.instances("data").features()[0]).containsExactly(-1.0, 1.0);
        assertThat(ctx.instances("data").features()[1]).containsExactly(5.0, -2.0);
        assertThat(ctx.instances("data").hasLabel()).isFalse();

        InMemoryContext med = ctx.next("dt_1", "DataTransform");
        med.input("data", t).param("missing_fill", true).param("missing_fill_method", "median");
        new DataTransform().run(med);
        assertThat(med.instances("data").features()[0][0]).isEqualTo(7.0);
        assertThat(med.instances("data").features()[1][1]).isEqualTo(3.0);
    }

    @Test
    void sparseWithLabel() {
        InMemoryContext ctx = ctx();
        TableInput t = ctx.table("ns", "svm", "id", "", ",",
                new String[] {"r1", "1 0:0.5 3:1.5"},
                new String[] {"r2", "0 1:2"});
        ctx.input("data", t).param("input_format", "sparse").param("delimitor", " ").param("with_label", true);
        new DataTransform().run(ctx);

        Instances out = ctx.instances("data");
        assertThat(out.featureNames()).containsExactly("x0", "x1", "x2", "x3");
        assertThat(out.labels()).containsExactly(1.0, 0.0);
        assertThat(out.features()[0]).containsExactly(0.5, 0.0, 0.0, 1.5);
        assertThat(out.features()[1]).containsExactly(0.0, 2.0, 0.0, 0.0);
        assertThat(ctx.saved.get("model").meta().path("input_format").asText()).isEqualTo("sparse");
    }

    @Test
    void refusesNonNumberWithoutFill() {
        InMemoryContext ctx = ctx();
        TableInput t = ctx.table("ns", "t", "id", "y,x0,x1", ",",
                new String[] {"a", "1,1,2"},
                new String[] {"row7", "0,abc,2"});
        ctx.input("data", t).param("with_label", true);
        assertThatThrownBy(() -> new DataTransform().run(ctx))
                .isInstanceOf(FlowException.class)
                .hasMessageContaining("row id row7")
                .hasMessageContaining("column x0")
                .hasMessageContaining("abc")
                .satisfies(e -> assertThat(((FlowException) e).retCode()).isEqualTo(RetCode.DATA_ERROR));
    }

    @Test
    void refusesMissingWithoutFill() {
        InMemoryContext ctx = ctx();
        TableInput t = ctx.table("ns", "t", "id", "x0,x1", ",", new String[] {"k9", "1,"});
        ctx.input("data", t);
        assertThatThrownBy(() -> new DataTransform().run(ctx))
                .isInstanceOf(FlowException.class)
                .hasMessageContaining("row id k9")
                .hasMessageContaining("column x1")
                .hasMessageContaining("missing_fill");
    }

    @Test
    void refusesUnknownLabelAndTagFormat() {
        InMemoryContext ctx = ctx();
        TableInput t = ctx.table("ns", "t", "id", "y,x0", ",", new String[] {"a", "1,2"});
        ctx.input("data", t).param("with_label", true).param("label_name", "target");
        assertThatThrownBy(() -> new DataTransform().run(ctx))
                .isInstanceOf(FlowException.class)
                .hasMessageContaining("data_transform_0")
                .hasMessageContaining("label_name")
                .hasMessageContaining("target");

        InMemoryContext tag = ctx.next("dt_2", "DataTransform");
        tag.input("data", t).param("input_format", "tag");
        assertThatThrownBy(() -> new DataTransform().run(tag))
                .isInstanceOf(FlowException.class)
                .hasMessageContaining("input_format")
                .hasMessageContaining("tag");
    }

    @Test
    void labelIsFoundByNameAnywhereAndCaseInsensitive() {
        InMemoryContext ctx = ctx();
        TableInput t = ctx.table("ns", "t", "id", "x0,Y,x1", ",", new String[] {"a", "1,0,2"});
        ctx.input("data", t).param("with_label", true);
        new DataTransform().run(ctx);
        assertThat(ctx.instances("data").featureNames()).containsExactly("x0", "x1");
        assertThat(ctx.instances("data").features()[0]).containsExactly(1.0, 2.0);
        assertThat(ctx.instances("data").labels()).containsExactly(0.0);
    }

    @Test
    void transformWithModelUsesTrainingHeaderAndFills() {
        InMemoryContext fit = ctx();
        TableInput train = fit.table("ns", "train", "id", "y,x0,x1", ",",
                new String[] {"a", "1,1,10"},
                new String[] {"b", "0,3,NA"});
        fit.input("data", train).param("with_label", true).param("missing_fill", true)
                .param("missing_fill_method", "max");
        new DataTransform().run(fit);

        // predict data: no label column, columns in another order, a missing x1
        InMemoryContext predict = fit.next("data_transform_0", "DataTransform");
        TableInput test = predict.table("ns", "test", "id", "x1,x0", ",", new String[] {"z", ",5"});
        predict.input("data", test).model("model", fit.savedModel("model"));
        new DataTransform().run(predict);
        Instances out = predict.instances("data");
        assertThat(out.featureNames()).containsExactly("x0", "x1");
        assertThat(out.hasLabel()).isFalse();
        assertThat(out.features()[0]).containsExactly(5.0, 10.0);
    }

    @Test
    void withMatchIdLeavesTheFirstColumnOutAsFatesDataTransform() {
        // an extend_sid upload: generated sample ids, the file's id column kept as data
        InMemoryContext ctx = ctx();
        TableInput t = ctx.table("ns", "ext", "extend_sid", "id,y,x0", ",",
                new String[] {"u0", "r0,1,0.5"},
                new String[] {"u1", "r1,0,1.5"});
        ctx.input("data", t).param("with_label", true).param("with_match_id", true);
        new DataTransform().run(ctx);
        Instances out = ctx.instances("data");
        assertThat(out.ids()).containsExactly("u0", "u1");
        assertThat(out.featureNames()).containsExactly("x0");
        assertThat(out.features()[1]).containsExactly(1.5);
        assertThat(ctx.saved.get("model").param().path("match_id_name").asText()).isEqualTo("id");
        assertThat(ctx.saved.get("model").meta().path("with_match_id").asBoolean()).isTrue();

        // predict with that model: the match id column is left out again, whatever the column order
        InMemoryContext predict = ctx.next("data_transform_0", "DataTransform");
        TableInput test = predict.table("ns", "test", "extend_sid", "x0,id", ",", new String[] {"u9", "2.5,r9"});
        predict.input("data", test).model("model", ctx.savedModel("model"));
        new DataTransform().run(predict);
        assertThat(predict.instances("data").features()[0]).containsExactly(2.5);
    }

    @Test
    void matchIdNameChoosesTheColumnAndIsChecked() {
        InMemoryContext ctx = ctx();
        TableInput t = ctx.table("ns", "ext", "extend_sid", "x0,y,uid", ",", new String[] {"u0", "0.5,1,k7"});
        ctx.input("data", t).param("with_label", true).param("with_match_id", true).param("match_id_name", "uid");
        new DataTransform().run(ctx);
        assertThat(ctx.instances("data").featureNames()).containsExactly("x0");

        InMemoryContext unknown = ctx.next("dt_2", "DataTransform");
        unknown.input("data", t).param("with_match_id", true).param("match_id_name", "nope");
        assertThatThrownBy(() -> new DataTransform().run(unknown)).isInstanceOf(FlowException.class)
                .hasMessageContaining("match_id_name").hasMessageContaining("nope");

        InMemoryContext onLabel = ctx.next("dt_3", "DataTransform");
        onLabel.input("data", t).param("with_label", true).param("with_match_id", true).param("match_id_name", "y");
        assertThatThrownBy(() -> new DataTransform().run(onLabel)).isInstanceOf(FlowException.class)
                .hasMessageContaining("label column");
    }

    @Test
    void sparseWithMatchIdSkipsTheFirstToken() {
        InMemoryContext ctx = ctx();
        TableInput t = ctx.table("ns", "svm", "extend_sid", "", ",",
                new String[] {"u1", "m1 1 0:0.5"},
                new String[] {"u2", "m2 0 1:2"});
        ctx.input("data", t).param("input_format", "sparse").param("delimitor", " ").param("with_label", true)
                .param("with_match_id", true);
        new DataTransform().run(ctx);
        Instances out = ctx.instances("data");
        assertThat(out.labels()).containsExactly(1.0, 0.0);
        assertThat(out.features()[1]).containsExactly(0.0, 2.0);
    }
}
