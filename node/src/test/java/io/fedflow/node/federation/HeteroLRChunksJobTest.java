package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.HeteroModels;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HeteroLR on breast between two pairs of real sites: one pair at the default chunk cap (a batch is one chunk),
 * the other with {@code --component-chunk-rows} 7 at the guest and 5 at the host (the smaller rules: batches of
 * 320 and 249 rows read in 64 and 50 chunks, each its own message). The same loss curve, weights and
 * predictions come out of both, to the last bit; a predict job with the chunked pair's model scores as it did.
 */
class HeteroLRChunksJobTest {
    @RegisterExtension
    static final SitesExtension oneChunk = SitesExtension.breastHetero().build();
    @RegisterExtension
    static final SitesExtension chunked = SitesExtension.breastHetero()
            .configure((id, b) -> b.limits(Limits.builder().componentChunkRows("9999".equals(id) ? 7 : 5).build()))
            .build();

    @Test
    void chunksOfAFewRowsTrainAndScoreExactlyAsOneChunkPerBatch() {
        String whole = train(oneChunk);
        String small = train(chunked);

        assertThat(guestLog(chunked, small)).contains("guest batch 0.0 (320 rows in 64 chunks)")
                .contains("guest batch 0.1 (249 rows in 50 chunks)");
        assertThat(guestLog(oneChunk, whole)).contains("guest batch 0.0 (320 rows in 1 chunks)");

        assertThat(lossCurve(chunked, small)).hasSize(3).isEqualTo(lossCurve(oneChunk, whole));
        for (String role : new String[] {"guest", "host"}) {
            JsonNode expected = HeteroModels.model(site(oneChunk, role), whole, role, HeteroModels.LR);
            JsonNode actual = HeteroModels.model(site(chunked, role), small, role, HeteroModels.LR);
            assertThat(actual).as(role).isEqualTo(expected);
        }
        JsonNode predicted = predictions(chunked, small);
        assertThat(predicted.size()).isEqualTo(569);
        assertThat(predicted).isEqualTo(predictions(oneChunk, whole));

        // a predict job with the model scores the rows, chunk by chunk, as the train job did
        String modelId = FederatedSites.job(chunked.http("9999"), small)
                .at("/f_runtime_conf_on_party/job_parameters/common/model_id").asText();
        String predictJob = run(chunked, PREDICT_DSL, Jobs.heteroLrConf(3, ", \"job_type\": \"predict\", "
                + "\"model_id\": \"" + modelId + "\", \"model_version\": \"" + small + "\""));
        JsonNode scored = predictions(chunked, predictJob);
        assertThat(scored.size()).isEqualTo(569);
        for (int i = 0; i < scored.size(); i++) {
            JsonNode row = scored.get(i);
            JsonNode trained = predicted.get(i);
            // id, label, predict_result, predict_score, predict_detail as trained; the type says predict
            for (int c = 0; c < 5; c++) {
                assertThat(row.get(c)).as(row + " vs " + trained).isEqualTo(trained.get(c));
            }
            assertThat(row.get(5).asText()).isEqualTo("predict");
        }
    }

    static final String PREDICT_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"test_data": ["data_transform_0.data"]},
                                                               "model": ["pipeline.hetero_lr_0.model"]},
                              "output": {"data": ["data"], "model": ["model"]}}}}""";

    private static String train(SitesExtension sites) {
        return run(sites, Jobs.HETERO_LR_DSL, Jobs.heteroLrConf(3, ""));
    }

    private static String run(SitesExtension sites, String dsl, String conf) {
        TestNode guest = sites.site("9999");
        JsonNode r = Jobs.submit(guest.http(), dsl, conf);
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(FederatedSites.awaitStatus(guest.http(), jobId, Duration.ofMinutes(10), FederatedSites.END))
                .as(FederatedSites.tasks(guest.http(), jobId, Map.of()).toString()).isEqualTo("success");
        assertThat(FederatedSites.awaitStatus(sites.http("10000"), jobId, Duration.ofSeconds(30),
                FederatedSites.END)).isEqualTo("success");
        return jobId;
    }

    private static TestNode site(SitesExtension sites, String role) {
        return sites.site("guest".equals(role) ? "9999" : "10000");
    }

    private static JsonNode lossCurve(SitesExtension sites, String jobId) {
        JsonNode metrics = sites.http("10000").post("/v1/tracking/component/metric/all", Map.of("job_id", jobId,
                "role", "arbiter", "party_id", "10000", "component_name", HeteroModels.LR));
        return metrics.at("/data/train/loss/data");
    }

    /** The guest's output rows (id, label, predict_result, score, detail, type), in the order written. */
    private static JsonNode predictions(SitesExtension sites, String jobId) {
        JsonNode out = sites.http("9999").post("/v1/tracking/component/output/data", Map.of("job_id", jobId,
                "role", "guest", "party_id", "9999", "component_name", HeteroModels.LR, "limit", 1000));
        assertThat(out.get("retcode").asInt()).as(out.toString()).isZero();
        return out.at("/data/0");
    }

    private static String guestLog(SitesExtension sites, String jobId) {
        Path log = sites.node("9999").config().logsDir().resolve(jobId).resolve("guest/9999/hetero_lr_0/INFO.log");
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
