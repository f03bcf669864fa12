package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.ModelStoreAddress;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.TestNodes;
import io.fedflow.node.tracking.OutputDataService;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A model moved between two nodes, by export and import or through a model store in a third database both
 * nodes share, scores the same rows to the same numbers at the node it moved to as at the node that trained it.
 */
class ModelMoveTest {
    /** A PostgreSQL database apart from both nodes' own: the shared model store. */
    private static final String STORE = TestNodes.newEmptyDatabase();

    @RegisterExtension
    static final NodeExtension trainer = NodeExtension.builder().partyId("9999")
            .configure(b -> b.modelStore(new ModelStoreAddress(STORE, "postgres", null))).build();
    @RegisterExtension
    static final NodeExtension other = NodeExtension.builder().partyId("10000")
            .configure(b -> b.modelStore(new ModelStoreAddress(STORE, "postgres", null))).build();

    private static String version;
    private static JsonNode trainerScores;

    @BeforeAll
    static void trainAndScoreAtTheTrainer() {
        assertThat(LocalJobs.uploadBreast(trainer.http()).get("retcode").asInt()).isZero();
        assertThat(LocalJobs.uploadBreast(other.http()).get("retcode").asInt()).isZero();
        version = runToEnd(trainer.http(), LocalJobs.submit(trainer.http()));
        trainerScores = scores(trainer.http(), runToEnd(trainer.http(),
                LocalJobs.submitPredict(trainer.http(), version)));
        // every row, not output/data's 100-row preview
        assertThat(trainerScores.get(0).size()).isGreaterThan(OutputDataService.DEFAULT_PREVIEW_ROWS);
    }

    @Test
    void exportedHereImportedThereScoresTheSame() throws IOException {
        HttpResponse<byte[]> exported = trainer.http().getWithBody("/v1/model/export", ref(false));
        assertThat(exported.statusCode()).isEqualTo(200);
        Map<String, String> form = new LinkedHashMap<>();
        ref(false).forEach((k, v) -> form.put(k, String.valueOf(v)));
        form.put("force_update", "1"); // the other test may have restored it there already
        HttpResponse<String> imported = other.http().pythonModelImport(form, "model.zip", exported.body());
        assertThat(FlowHttp.JSON.readTree(imported.body()).get("retcode").asInt()).as(imported.body()).isZero();

        JsonNode otherScores = scores(other.http(), runToEnd(other.http(),
                LocalJobs.submitPredict(other.http(), version)));
        assertThat(otherScores).isEqualTo(trainerScores);
    }

    @Test
    void storedHereRestoredThereScoresTheSame() throws SQLException {
        JsonNode stored = trainer.http().post("/v1/model/store", ref(true));
        assertThat(stored.get("retcode").asInt()).as(stored.toString()).isZero();
        assertThat(storedInTheSharedDatabase()).isEqualTo(stored.at("/data/sha256").asText());

        Map<String, Object> restore = ref(true);
        restore.put("sha256", stored.at("/data/sha256").asText());
        JsonNode restored = other.http().post("/v1/model/restore", restore);
        assertThat(restored.get("retcode").asInt()).as(restored.toString()).isZero();
        JsonNode held = other.http().post("/v1/model/query", Map.of("model_version", version));
        assertThat(held.at("/data/0/f_model_id").asText()).as(held.toString()).isEqualTo(LocalJobs.MODEL_ID);

        JsonNode otherScores = scores(other.http(), runToEnd(other.http(),
                LocalJobs.submitPredict(other.http(), version)));
        assertThat(otherScores).isEqualTo(trainerScores);
    }

    private static String storedInTheSharedDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(STORE, "postgres", null);
             PreparedStatement s = c.prepareStatement(
                     "SELECT f_sha256 FROM t_model_store WHERE f_party_model_id = ? AND f_model_version = ?")) {
            s.setString(1, "local#0#" + LocalJobs.MODEL_ID);
            s.setString(2, version);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                return r.getString(1);
            }
        }
    }

    private static Map<String, Object> ref(boolean force) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("role", "local");
        ref.put("party_id", "0");
        ref.put("model_id", LocalJobs.MODEL_ID);
        ref.put("model_version", version);
        if (force) {
            ref.put("force_update", true);
        }
        return ref;
    }

    /** Every row the predict job's LR scored, as output/data answers them. */
    private static JsonNode scores(FlowHttp h, String predictJob) {
        JsonNode scored = h.post("/v1/tracking/component/output/data", Map.of("job_id", predictJob,
                "role", "local", "party_id", "0", "component_name", "lr_0", "limit", 10000));
        assertThat(scored.get("retcode").asInt()).as(scored.toString()).isZero();
        return scored.get("data");
    }

    private static String runToEnd(FlowHttp h, JsonNode submitted) {
        assertThat(submitted.get("retcode").asInt()).as(submitted.toString()).isZero();
        String jobId = submitted.get("jobId").asText();
        Awaitility.await().atMost(Duration.ofMinutes(3)).until(
                () -> LocalJobs.query(h, jobId).at("/data/0/f_status").asText(), "success"::equals);
        return jobId;
    }
}
