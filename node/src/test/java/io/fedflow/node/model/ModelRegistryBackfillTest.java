package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.store.Database;
import io.fedflow.node.testing.TestNodes;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Upgrading a node whose database predates the model registry: the train jobs that had succeeded become
 * models with their component models; uploads, predict jobs and jobs that did not succeed do not.
 */
class ModelRegistryBackfillTest {
    private static final String MODEL_ID = "guest-9999#host-10000#model";

    @Test
    void successfulTrainJobsBecomeModels() throws SQLException, IOException {
        String url = TestNodes.newEmptyDatabase();
        Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/migration").target("8").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement()) {
            insertJob(s, "202601010000000000001", "success", false, "202601010000000000001");
            insertJob(s, "202601010000000000002", "failed", false, "202601010000000000002");
            insertJob(s, "202601010000000000003", "success", true, "202601010000000000003");
            insertJob(s, "202601010000000000004", "success", false, "202601010000000000001");
            s.execute("INSERT INTO t_component_model VALUES ('202601010000000000001', 'hetero_lr_0', 'guest', '9999',"
                    + " 0, 'HeteroLR', 'model', '{\"weight\": {\"x0\": 0.5}}', '{\"penalty\": \"L2\"}', 1)");
        }
        try (Database db = Database.external(url, "postgres", null)) {
            ModelRegistry registry = new ModelRegistry(new ModelRegistryStore(db.dsl()));
            assertThat(registry.search("", "", "", "", "")).extracting(PipelineModel::modelVersion)
                    .containsExactly("202601010000000000001");
            PipelineModel model = registry.require(MODEL_ID, "202601010000000000001", "guest", "9999");
            assertThat(model.jobId()).isEqualTo("202601010000000000001");
            assertThat(model.parentVersion()).isEmpty();
            assertThat(registry.components(MODEL_ID, "202601010000000000001", "guest", "9999"))
                    .singleElement().satisfies(m -> {
                        assertThat(m.componentName()).isEqualTo("hetero_lr_0");
                        assertThat(m.param().at("/weight/x0").asDouble()).isEqualTo(0.5);
                    });
        }
    }

    private static void insertJob(Statement s, String jobId, String status, boolean inline, String modelVersion)
            throws SQLException {
        s.execute("INSERT INTO t_job (f_job_id, f_role, f_party_id, f_dsl, f_runtime_conf, f_runtime_conf_on_party,"
                + " f_train_runtime_conf, f_roles, f_initiator_role, f_initiator_party_id, f_status, f_create_time,"
                + " f_update_time, f_inline, f_model_id, f_model_version) VALUES ('" + jobId + "', 'guest', '9999',"
                + " '{\"components\": {}}', '{}', '{}', '{}', '{\"guest\": [\"9999\"], \"host\": [\"10000\"]}',"
                + " 'guest', '9999', '" + status + "', 1, 1, " + inline + ", '" + MODEL_ID + "', '" + modelVersion
                + "')");
    }
}
