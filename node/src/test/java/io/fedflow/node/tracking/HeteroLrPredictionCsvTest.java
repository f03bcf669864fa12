package io.fedflow.node.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.PipelineCsv;
import io.fedflow.node.testing.SitesExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real HeteroLR job across two sites (guest 9999, host and arbiter 10000): the guest's predictions
 * downloaded as FATE's client does parse as FATE's pipeline parses them
 * ({@code get_component("hetero_lr_0").get_output_data()}).
 */
class HeteroLrPredictionCsvTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();

    @Test
    void heteroLrPredictionsParseAsFatesPipelineParsesThem() {
        JsonNode r = Jobs.submit(sites.http("9999"), Jobs.HETERO_LR_DSL, Jobs.heteroLrConf(3, ""));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(FederatedSites.awaitStatus(sites.http("9999"), jobId, Duration.ofSeconds(180), FederatedSites.END))
                .isEqualTo("success");

        List<PipelineCsv.Prediction> rows = PipelineCsv.predictions(PipelineCsv.download(sites.http("9999"),
                Map.of("job_id", jobId, "role", "guest", "party_id", 9999, "component_name", "hetero_lr_0")), "data");
        assertThat(rows).hasSize(569);
        rows.forEach(p -> PipelineCsv.assertBinary(p, "train"));
    }
}
