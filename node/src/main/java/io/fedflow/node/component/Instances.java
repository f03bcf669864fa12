package io.fedflow.node.component;

import java.util.List;

/**
 * Rows of numeric features with an optional label, in memory: what DataTransform produces and what
 * FeatureScale, LR and Evaluation consume. Stored as a table whose schema has {@code sid},
 * {@code header} (feature names joined by the delimiter), {@code label_name} and {@code with_label};
 * a row's value is the label (when there is one) then the features, joined by the delimiter.
 *
 * @param ids row ids, in order
 * @param featureNames feature names, in column order
 * @param features one array per row, {@code featureNames.size()} wide
 * @param labels one label per row, or null when the data has no label
 * @param labelName the label column's name, or null
 */
public record Instances(List<String> ids, List<String> featureNames, double[][] features, double[] labels,
                        String labelName) {
    public Instances {
        if (features.length != ids.size() || labels != null && labels.length != ids.size()) {
            throw new IllegalArgumentException("ids, features and labels must have the same number of rows");
        }
    }

    public int size() {
        return ids.size();
    }

    public boolean hasLabel() {
        return labels != null;
    }

    public int width() {
        return featureNames.size();
    }
}
