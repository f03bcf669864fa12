package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.Uploads;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A host's rows read by id, as online inference reads them: one value per id held, none for an id not held. */
class TableKeysTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static TableKeys keys() {
        var pool = node.node().requestPool();
        return new TableKeys(pool.dataSource(),
                new BindAddresses(node.node().database().embeddedPort(), Duration.ofSeconds(5)),
                new TableCatalog(pool.dsl(), Clock.systemUTC()));
    }

    @Test
    void anIdHeldTwiceAnswersItsLastLineAsFatesTableKeyedByIdWould() throws Exception {
        Uploads.csv(node.http(), "keys", "repeated", "id,x0,x1\na,1,2\nb,3,4\na,5,6\nc,7,8\na,9,10\n");
        TableKeys keys = keys();
        TableKeys.KeyedTable table = keys.index(new TableId("keys", "repeated"));

        assertThat(table.columns()).containsExactly("x0", "x1");
        assertThat(keys.values(table, List.of("a", "b", "missing")))
                .isEqualTo(Map.of("a", "9,10", "b", "3,4"));
    }
}
