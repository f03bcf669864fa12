package io.fedflow.node.model;

import java.util.List;

/**
 * A binary logistic regression as PMML 4.4, in the shape sklearn2pmml gives FATE's merged LogisticRegression: a
 * {@code RegressionModel} with the logit normalization, the score's table at target category 1 and an empty one
 * at 0, so any PMML scorer gives {@code probability(1) = sigmoid(intercept + Σ coefficient·feature)}.
 */
final class LogisticPmml {
    private LogisticPmml() {}

    static String write(String target, List<String> features, double[] coefficients, double intercept) {
        StringBuilder x = new StringBuilder();
        x.append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
        x.append("<PMML xmlns=\"http://www.dmg.org/PMML-4_4\" version=\"4.4\">\n");
        x.append("\t<Header>\n\t\t<Application name=\"Fedflow\"/>\n\t</Header>\n");
        x.append("\t<DataDictionary>\n");
        x.append("\t\t<DataField name=\"").append(escape(target)).append("\" optype=\"categorical\" ")
                .append("dataType=\"integer\">\n\t\t\t<Value value=\"0\"/>\n\t\t\t<Value value=\"1\"/>\n")
                .append("\t\t</DataField>\n");
        for (String f : features) {
            x.append("\t\t<DataField name=\"").append(escape(f))
                    .append("\" optype=\"continuous\" dataType=\"double\"/>\n");
        }
        x.append("\t</DataDictionary>\n");
        x.append("\t<RegressionModel functionName=\"classification\" algorithmName=\"sklearn.linear_model._logistic."
                + "LogisticRegression\" normalizationMethod=\"logit\">\n");
        x.append("\t\t<MiningSchema>\n\t\t\t<MiningField name=\"").append(escape(target))
                .append("\" usageType=\"target\"/>\n");
        for (String f : features) {
            x.append("\t\t\t<MiningField name=\"").append(escape(f)).append("\"/>\n");
        }
        x.append("\t\t</MiningSchema>\n");
        x.append("\t\t<Output>\n");
        for (String c : List.of("0", "1")) {
            x.append("\t\t\t<OutputField name=\"probability(").append(c).append(")\" optype=\"continuous\" ")
                    .append("dataType=\"double\" feature=\"probability\" value=\"").append(c).append("\"/>\n");
        }
        x.append("\t\t</Output>\n");
        x.append("\t\t<RegressionTable intercept=\"").append(intercept).append("\" targetCategory=\"1\">\n");
        for (int j = 0; j < features.size(); j++) {
            x.append("\t\t\t<NumericPredictor name=\"").append(escape(features.get(j))).append("\" coefficient=\"")
                    .append(coefficients[j]).append("\"/>\n");
        }
        x.append("\t\t</RegressionTable>\n");
        x.append("\t\t<RegressionTable intercept=\"0.0\" targetCategory=\"0\"/>\n");
        x.append("\t</RegressionModel>\n</PMML>\n");
        return x.toString();
    }

    /** Feature names come from uploaded headers: anything may be in them. */
    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c < 0x20 ? " " : String.valueOf(c));
            }
        }
        return out.toString();
    }
}
