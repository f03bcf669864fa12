package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.MariaDbExtension;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.Uploads;
import io.fedflow.proto.v1.DataServiceGrpc;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.WriterRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FATE's data writer into a real MariaDB: the copy's rows, its meta and lineage, a connector instead of
 * credentials, and nothing left behind when the write fails.
 */
class MysqlWriterTest {
    @RegisterExtension
    static final MariaDbExtension mariadb = new MariaDbExtension();
    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().partyId("0").build();

    static final String PASSWORD = "wr1ter-Pa55";
    static final String ROWS = "id,y,x0\na,1,0.5\nb,0,1.5\nc,1,2.5\n";

    @BeforeAll
    static void data() throws Exception {
        mariadb.createDatabase("sink", "writer", PASSWORD);
        Uploads.csv(node.http(), "experiment", "w_src", ROWS);
    }

    static JsonNode write(String body) {
        return node.http().post("/v1/data/writer", body);
    }

    static String address(String table) {
        return mariadb.address("writer", PASSWORD, "sink", table);
    }

    static List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = mariadb.root(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int width = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= width; i++) {
                    b.append(i == 1 ? "" : ",").append(rs.getString(i));
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    static JsonNode info(String namespace, String name) {
        return node.http().post("/v1/table/table_info", Map.of("namespace", namespace, "table_name", name));
    }

    static String jobStatus(String jobId) {
        return node.http().post("/v1/job/query", Map.of("job_id", jobId)).at("/data/0/f_status").asText();
    }

    @Test
    void writesATableIntoMysqlAndRegistersTheCopy() throws Exception {
        JsonNode r = write("{\"namespace\": \"experiment\", \"table_name\": \"w_src\", \"storage_engine\": \"MYSQL\", "
                + "\"address\": " + address("copied") + ", \"output_namespace\": \"out\", \"output_name\": \"copied\"}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(r.at("/data/job_id").asText()).isEqualTo(jobId);
        assertThat(r.at("/data/count").asInt()).isEqualTo(3);
        assertThat(r.at("/data/output_namespace").asText()).isEqualTo("out");
        assertThat(r.at("/data/output_name").asText()).isEqualTo("copied");
        assertThat(r.toString()).doesNotContain(PASSWORD);
        assertThat(jobStatus(jobId)).isEqualTo("success");
        // the writer job's conf, as job/query and job/config answer it, masks the password
        JsonNode job = node.http().post("/v1/job/query", Map.of("job_id", jobId));
        assertThat(job.at("/data/0/f_runtime_conf").toString()).contains("sink", "******").doesNotContain(PASSWORD);
        assertThat(node.http().post("/v1/job/config", Map.of("job_id", jobId)).toString()).doesNotContain(PASSWORD);

        assertThat(rows("SELECT id, y, x0 FROM sink.copied ORDER BY id")).containsExactly("a,1,0.5", "b,0,1.5",
                "c,1,2.5");
        JsonNode meta = info("out", "copied").get("data");
        assertThat(meta.get("engine").asText()).isEqualTo("MYSQL");
        assertThat(meta.get("count").asInt()).isEqualTo(3);
        assertThat(meta.get("origin").asText()).isEqualTo("writer");
        assertThat(meta.at("/address/passwd").asText()).isEqualTo("******");
        JsonNode source = node.http().post("/v1/table/tracking/source", Map.of("namespace", "out",
                "table_name", "copied"));
        assertThat(source.at("/data/0/parent_table_name").asText()).isEqualTo("w_src");
        assertThat(node.http().post("/v1/table/tracking/job", Map.of("namespace", "experiment",
                "table_name", "w_src")).at("/data/job").toString()).contains(jobId);

        // the copy is a MYSQL table of the node, read back in place
        var csv = node.http().send(HttpRequest.newBuilder(URI.create(node.http().base() + "/v1/data/download"))
                .header("Content-Type", "application/json").header("Accept", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("{\"namespace\": \"out\", \"table_name\": \"copied\"}"))
                .build());
        assertThat(csv.body()).isEqualTo(ROWS);

        // writing again under the same output name is refused before anything is written
        JsonNode again = write("{\"namespace\": \"experiment\", \"table_name\": \"w_src\", \"storage_engine\": "
                + "\"MYSQL\", \"address\": " + address("copied2") + ", \"output_namespace\": \"out\", "
                + "\"output_name\": \"copied\"}");
        assertThat(again.get("retcode").asInt()).isEqualTo(100);
        assertThat(again.get("retmsg").asText()).contains("out.copied", "already exists");
        assertThat(rows("SHOW TABLES FROM sink LIKE 'copied2'")).isEmpty();
    }

    @Test
    void aConnectorGivesTheCredentialsAndOverGrpcTheOutputNameIsGenerated() throws Exception {
        JsonNode created = node.http().post("/v1/table/connector/create", "{\"connector_name\": \"sink\", "
                + "\"engine\": \"MYSQL\", \"connector_info\": {\"user\": \"writer\", \"passwd\": \"" + PASSWORD
                + "\", \"host\": \"127.0.0.1\", \"port\": " + mariadb.port() + ", \"db\": \"sink\"}}");
        assertThat(created.get("retcode").asInt()).isZero();
        FlowResponse r = DataServiceGrpc.newBlockingStub(node.channel()).writer(WriterRequest.newBuilder()
                .setNamespace("experiment").setTableName("w_src").setStorageEngine("mysql")
                .setAddress(Struct.newBuilder().putFields("connector_name",
                        Value.newBuilder().setStringValue("sink").build())).build());
        assertThat(r.getRetcode()).isZero();
        assertThat(r.getJobId()).isNotEmpty();
        var data = r.getData().getStructValue().getFieldsMap();
        String name = data.get("output_name").getStringValue();
        String namespace = data.get("output_namespace").getStringValue();
        assertThat(namespace).isEqualTo("output_data_" + r.getJobId() + "_writer_0_0");
        assertThat(rows("SELECT id FROM sink.`" + name + "` ORDER BY id")).containsExactly("a", "b", "c");
        JsonNode meta = info(namespace, name).get("data");
        assertThat(meta.get("address").toString()).contains("\"connector_name\":\"sink\"").doesNotContain("passwd");
    }

    @Test
    void aFailedWriteLeavesTheMysqlTableAndTheCatalogAsTheyWere() throws Exception {
        // an existing table whose x0 is an integer: the third row's "abc" cannot go in (strict mode)
        mariadb.execute("CREATE TABLE sink.strict_t (id VARCHAR(255) PRIMARY KEY, y TEXT, x0 INT) ENGINE=InnoDB",
                "INSERT INTO sink.strict_t VALUES ('keep', '7', 7)");
        Uploads.csv(node.http(), "experiment", "w_bad", "id,y,x0\na,1,5\nb,0,6\nc,1,abc\n");
        JsonNode r = write("{\"namespace\": \"experiment\", \"table_name\": \"w_bad\", \"storage_engine\": \"MYSQL\", "
                + "\"address\": " + address("strict_t") + ", \"output_namespace\": \"out\", \"output_name\": "
                + "\"strict_t\"}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isNotZero();
        assertThat(r.get("retmsg").asText()).contains("sink.strict_t", "Incorrect integer value").doesNotContain(PASSWORD);
        assertThat(rows("SELECT id, y, x0 FROM sink.strict_t")).containsExactly("keep,7,7");
        assertThat(info("out", "strict_t").at("/data/exist").asInt()).isZero();
        assertThat(r.has("jobId")).isFalse();
        JsonNode jobs = node.http().post("/v1/job/query", Map.of("status", "failed"));
        assertThat(jobs.get("data").toString()).contains("writer_0").contains("Writer");
    }

    @Test
    void aTableTheWriterMadeIsDroppedWhenTheWriteFails() throws Exception {
        // the made table keys ids of up to 255 characters (FATE's shape): the second row's id is longer
        String longId = "x".repeat(300);
        Uploads.csv(node.http(), "experiment", "w_long", "id,y,x0\na,1,5\n" + longId + ",0,6\n");
        JsonNode r = write("{\"namespace\": \"experiment\", \"table_name\": \"w_long\", \"storage_engine\": "
                + "\"MYSQL\", \"address\": " + address("long_t") + ", \"output_namespace\": \"out\", "
                + "\"output_name\": \"long_t\"}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isNotZero();
        assertThat(r.get("retmsg").asText()).contains("sink.long_t");
        assertThat(rows("SHOW TABLES FROM sink LIKE 'long_t'")).isEmpty();
        assertThat(info("out", "long_t").at("/data/exist").asInt()).isZero();
    }

    @Test
    void theWriterModuleOfADslWritesAsAJobTask() throws Exception {
        String dsl = "{\"components\": {\"writer_0\": {\"module\": \"Writer\"}}}";
        String conf = "{\"dsl_version\": 2, \"initiator\": {\"role\": \"local\", \"party_id\": 0}, "
                + "\"role\": {\"local\": [0]}, \"component_parameters\": {\"role\": {\"local\": {\"0\": "
                + "{\"writer_0\": {\"namespace\": \"experiment\", \"table_name\": \"w_src\", \"storage_engine\": "
                + "\"MYSQL\", \"address\": " + address("by_dsl") + ", \"output_namespace\": \"out\", "
                + "\"output_table_name\": \"by_dsl\"}}}}}}";
        JsonNode submitted = node.http().post("/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": "
                + conf + "}");
        String jobId = LocalJobs.awaitSuccess(node.http(), submitted);
        assertThat(rows("SELECT id, y, x0 FROM sink.by_dsl ORDER BY id")).containsExactly("a,1,0.5", "b,0,1.5",
                "c,1,2.5");
        JsonNode meta = info("out", "by_dsl").get("data");
        assertThat(meta.get("count").asInt()).isEqualTo(3);
        assertThat(meta.get("engine").asText()).isEqualTo("MYSQL");
        assertThat(node.http().post("/v1/table/tracking/source", Map.of("namespace", "out", "table_name", "by_dsl"))
                .at("/data/0/parent_table_name").asText()).isEqualTo("w_src");
        assertThat(node.http().post("/v1/table/tracking/job", Map.of("namespace", "experiment",
                "table_name", "w_src")).at("/data/job").toString()).contains(jobId);
    }

    @Test
    void refusals() {
        String ok = "\"table_name\": \"w_src\", \"storage_engine\": \"MYSQL\", \"address\": " + address("r");
        assertRefused(write("{" + ok + "}"), 101, "namespace");
        assertRefused(write("{\"namespace\": \"experiment\", \"table_name\": \"w_src\", \"address\": "
                + address("r") + "}"), 101, "storage_engine");
        assertRefused(write("{\"namespace\": \"experiment\", \"table_name\": \"w_src\", \"storage_engine\": \"HIVE\", "
                + "\"address\": " + address("r") + "}"), 101, "storage_engine HIVE");
        assertRefused(write("{\"namespace\": \"experiment\", \"table_name\": \"w_src\", \"storage_engine\": "
                + "\"MYSQL\"}"), 101, "address");
        assertRefused(write("{\"namespace\": \"experiment\", \"table_name\": \"nosuch\", \"storage_engine\": "
                + "\"MYSQL\", \"address\": " + address("r") + "}"), 101, "no find table");
        assertRefused(write("{\"namespace\": \"experiment\", " + ok.replace(PASSWORD, "wrong") + "}"), 100,
                "cannot connect or log in");
        assertRefused(write("{\"namespace\": \"experiment\", \"table_name\": \"w_src\", \"storage_engine\": "
                + "\"MYSQL\", \"address\": {\"connector_name\": \"nope\"}}"), 101, "connector_name nope");
    }

    @Test
    void aDisabledTableIsNotWritten() throws Exception {
        Uploads.csv(node.http(), "experiment", "w_off", ROWS);
        node.http().post("/v1/table/disable", Map.of("namespace", "experiment", "table_name", "w_off"));
        assertRefused(write("{\"namespace\": \"experiment\", \"table_name\": \"w_off\", \"storage_engine\": "
                + "\"MYSQL\", \"address\": " + address("off") + "}"), 102, "disabled");
    }

    static void assertRefused(JsonNode r, int retcode, String says) {
        assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(retcode);
        assertThat(r.get("retmsg").asText()).contains(says).doesNotContain(PASSWORD);
    }
}
