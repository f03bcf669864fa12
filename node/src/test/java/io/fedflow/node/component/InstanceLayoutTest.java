package io.fedflow.node.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceLayoutTest {
    private static TableInput table(String header, boolean withLabel, String delimiter) {
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        schema.put("sid", "id");
        schema.put("header", header);
        schema.put("with_label", withLabel);
        if (withLabel) {
            schema.put("label_name", "y");
        }
        return new TableInput("t.data", "ns", "t", schema, delimiter, 0);
    }

    private record Row(String id, double label, double[] x) {}

    private static List<Row> parse(InstanceLayout layout, String id, String value) throws Exception {
        List<Row> rows = new ArrayList<>();
        layout.parse(id, value, (i, l, x) -> rows.add(new Row(i, l, x)));
        return rows;
    }

    @Test
    void aLabelledRowIsTheLabelThenTheFeaturesInHeaderOrder() throws Exception {
        InstanceLayout layout = InstanceLayout.of(table("x0,x1,x2", true, ","));
        assertThat(layout.featureNames()).containsExactly("x0", "x1", "x2");
        assertThat(layout.labelName()).isEqualTo("y");
        Row r = parse(layout, "7", "1,0.5,-2,3e2").get(0);
        assertThat(r.id()).isEqualTo("7");
        assertThat(r.label()).isEqualTo(1.0);
        assertThat(r.x()).containsExactly(0.5, -2.0, 300.0);
    }

    @Test
    void withoutALabelTheLabelIsNanAndTheTablesDelimiterSplits() throws Exception {
        InstanceLayout layout = InstanceLayout.of(table("a;b", false, ";"));
        Row r = parse(layout, "k", "4;5").get(0);
        assertThat(r.label()).isNaN();
        assertThat(r.x()).containsExactly(4.0, 5.0);
        assertThat(layout.labelName()).isNull();
    }

    @Test
    void aLabelOnlyTableHasEmptyFeatures() throws Exception {
        Row r = parse(InstanceLayout.of(table("", true, ",")), "1", "0").get(0);
        assertThat(r.label()).isEqualTo(0.0);
        assertThat(r.x()).isEmpty();
    }

    @Test
    void rowsOfTheWrongWidthAreRefusedNamingTheRowAndTheCounts() {
        InstanceLayout layout = InstanceLayout.of(table("x0,x1", true, ","));
        assertThatThrownBy(() -> parse(layout, "r9", "1,2"))
                .isInstanceOf(FlowException.class).hasMessageContaining("row r9 has 2 values, expected 3");
        assertThatThrownBy(() -> parse(layout, "r9", "1,2,3,4"))
                .isInstanceOf(FlowException.class).hasMessageContaining("row r9 has 4 values, expected 3");
    }

    @Test
    void aValueThatIsNotANumberIsRefusedNamingItsColumn() {
        InstanceLayout layout = InstanceLayout.of(table("x0,x1", true, ","));
        assertThatThrownBy(() -> parse(layout, "r1", "1,2,abc"))
                .isInstanceOf(FlowException.class).hasMessageContaining("row r1, column x1: \"abc\" is not a number");
        assertThatThrownBy(() -> parse(layout, "r1", "yes,2,3"))
                .isInstanceOf(FlowException.class).hasMessageContaining("column y:");
    }
}
