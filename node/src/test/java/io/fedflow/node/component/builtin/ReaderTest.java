package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedflow.node.component.TableInput;
import io.fedflow.node.core.FlowException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReaderTest {
    @Test
    void copiesTheStoredTable() {
        InMemoryContext ctx = new InMemoryContext("reader_0", "Reader");
        TableInput t = ctx.table("experiment", "t", "id", "y;x0", ";", new String[] {"1", "0;1.5"}, new String[] {"2", "1;2"});
        ctx.param("table", Map.of("name", "t", "namespace", "experiment"));
        new Reader().run(ctx);
        TableInput out = ctx.outputs.get("data");
        assertThat(out.schema()).isEqualTo(t.schema());
        assertThat(out.delimiter()).isEqualTo(";");
        assertThat(ctx.rows(out)).extracting(r -> r[0] + "=" + r[1]).containsExactly("1=0;1.5", "2=1;2");
        assertThat(ctx.summary.path("count").asInt()).isEqualTo(2);
        assertThat(ctx.summary.path("table").path("namespace").asText()).isEqualTo("experiment");
        assertThat(ctx.meta("reader_namespace", "reader_name").extra().path("table_info").path("x0").asText())
                .isEqualTo("1.5,2");
    }

    @Test
    void refusesAMissingOrIncompleteTableParameter() {
        InMemoryContext none = new InMemoryContext("reader_0", "Reader");
        assertThatThrownBy(() -> new Reader().run(none)).isInstanceOf(FlowException.class)
                .hasMessageContaining("reader_0").hasMessageContaining("table");
        InMemoryContext noNs = new InMemoryContext("reader_0", "Reader").param("table", Map.of("name", "t"));
        assertThatThrownBy(() -> new Reader().run(noNs)).isInstanceOf(FlowException.class)
                .hasMessageContaining("reader_0").hasMessageContaining("namespace");
        InMemoryContext absent = new InMemoryContext("reader_0", "Reader")
                .param("table", Map.of("name", "nope", "namespace", "experiment"));
        assertThatThrownBy(() -> new Reader().run(absent)).isInstanceOf(FlowException.class)
                .hasMessageContaining("experiment.nope");
    }
}
