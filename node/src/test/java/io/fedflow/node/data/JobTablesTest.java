package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /v1/table/list on a real job: each component with the table it read and the one it wrote. */
class JobTablesTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    @Test
    void eachComponentListsItsOwnOutputTable() {
        String jobId = LocalJobs.trainBreast(node.http());

        JsonNode list = node.http().post("/v1/table/list", Map.of("job_id", jobId, "role", "local", "party_id", "0"));
        assertThat(list.get("retcode").asInt()).as(list.toString()).isZero();
        JsonNode data = list.get("data");
        assertThat(data.at("/reader_0/input/table/name").asText()).isEqualTo(LocalJobs.TABLE);
        for (String cpn : new String[] {"reader_0", "data_transform_0", "feature_scale_0", "lr_0"}) {
            JsonNode table = node.http().post("/v1/tracking/component/output/data/table", Map.of("job_id", jobId,
                    "role", "local", "party_id", "0", "component_name", cpn));
            assertThat(data.at("/" + cpn + "/output/data/name").asText()).as(cpn)
                    .isEqualTo(table.at("/data/0/table_name").asText());
        }
        assertThat(data.at("/data_transform_0/output/data/name").asText())
                .isNotEqualTo(data.at("/lr_0/output/data/name").asText());
    }
}
