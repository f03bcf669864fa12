package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.Instances;
import io.fedflow.node.component.ModelInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HeteroFeatureBinning and HeteroFeatureSelection at predict: the trained model is applied, nothing is refit. */
class BinningSelectionPredictTest {
    static JsonNode json(String s) throws Exception {
        return Params.JSON.readTree(s);
    }

    static final String BINNING_PARAM = """
            {"binning_result": {"binning_result": {
                "a": {"split_points": [0.0, 1.0, 2.0], "woe_array": [-1.0, 0.5, 2.0]},
                "b": {"split_points": [10.0, 20.0]}}},
             "header": ["a", "b"]}""";

    final Instances data = new Instances(List.of("1", "2", "3"), List.of("a", "b"),
            new double[][] {{-5, 5}, {0.5, 15}, {9, 25}}, new double[] {0, 1, 1}, "y");
    final Params p = new Params(Params.JSON.createObjectNode(), "hetero_feature_binning_0");

    @Test
    void binNumReplacesTheTransformColumnsByTheirBinUnderTheTrainedSplitPoints() throws Exception {
        ModelInput model = new ModelInput("hetero_feature_binning_0", "HeteroFeatureBinning", json(BINNING_PARAM),
                json("{\"transform_param\": {\"transform_cols\": [0, 1], \"transform_type\": \"bin_num\"}}"));
        assertThat(apply(HeteroFeatureBinning.trainedTransform(p, data.featureNames(), model)))
                .isEqualTo(new double[][] {{0, 0}, {1, 1}, {2, 1}});
    }

    @Test
    void woeUsesTheTrainedWoeAndNoTransformTypePassesTheDataThrough() throws Exception {
        ModelInput woe = new ModelInput("b", "HeteroFeatureBinning", json(BINNING_PARAM),
                json("{\"transform_param\": {\"transform_cols\": [0], \"transform_type\": \"woe\"}}"));
        assertThat(apply(HeteroFeatureBinning.trainedTransform(p, data.featureNames(), woe)))
                .isEqualTo(new double[][] {{-1.0, 5}, {0.5, 15}, {2.0, 25}});
        ModelInput none = new ModelInput("b", "HeteroFeatureBinning", json(BINNING_PARAM),
                json("{\"transform_param\": {\"transform_cols\": [], \"transform_type\": null}}"));
        assertThat(HeteroFeatureBinning.trainedTransform(p, data.featureNames(), none)).isNull();
        ModelInput hostWoe = new ModelInput("b", "HeteroFeatureBinning", json(BINNING_PARAM),
                json("{\"transform_param\": {\"transform_cols\": [1], \"transform_type\": \"woe\"}}"));
        assertThatThrownBy(() -> HeteroFeatureBinning.trainedTransform(p, data.featureNames(), hostWoe))
                .hasMessageContaining("WOE of b");
    }

    /** Each row of the data through {@code t}, the data left as it was. */
    private double[][] apply(BinTransform t) {
        double[][] out = new double[data.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.apply(data.features()[i].clone());
        }
        return out;
    }

    @Test
    void selectionKeepsTheTrainedFinalLeftColumns() throws Exception {
        ModelInput model = new ModelInput("hetero_feature_selection_0", "HeteroFeatureSelection",
                json("{\"final_left_cols\": {\"original_cols\": [\"a\", \"b\"], \"left_cols\": {\"a\": false, \"b\": true}}}"),
                json("{}"));
        assertThat(HeteroFeatureSelection.trainedLeft(p, data.featureNames(), model)).containsExactly("b");
        ModelInput missing = new ModelInput("s", "HeteroFeatureSelection",
                json("{\"final_left_cols\": {\"left_cols\": {\"c\": true}}}"), json("{}"));
        assertThatThrownBy(() -> HeteroFeatureSelection.trainedLeft(p, data.featureNames(), missing)).hasMessageContaining("c");
    }
}
