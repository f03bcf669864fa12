package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Table info, bind, delete, list, lineage; download jobs and the CSV stream. */
class TableApiTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().partyId("10000").build();

    @BeforeAll
    static void setUp() throws Exception {
        try (Connection c = node.node().database().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA warehouse");
            s.execute("CREATE TABLE warehouse.people (pid TEXT, age INT, score DOUBLE PRECISION, note TEXT)");
            s.execute("INSERT INTO warehouse.people VALUES ('p1', 30, 0.5, 'a'), ('p2', 41, 1.5, 'b'), "
                    + "('p3', 52, 2.5, NULL)");
        }
    }
    @TempDir
    static Path tmp;

    static String upload(String ns, String name, String content) throws IOException {
        Path f = tmp.resolve(ns + "_" + name + ".csv");
        Files.writeString(f, content);
        JsonNode r = FlowHttp.JSON.readTree(node.http().pythonUpload(f, "{\"head\": 1, \"partition\": 1, \"namespace\": \""
                + ns + "\", \"table_name\": \"" + name + "\", \"id_delimiter\": \",\", \"drop\": 1}").body());
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        return r.get("jobId").asText();
    }

    static HttpResponse<String> csv(String body) {
        return node.http().send(HttpRequest.newBuilder(URI.create(node.http().base() + "/v1/data/download"))
                .header("Content-Type", "application/json").header("Accept", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void tableInfoOfAnUnknownTableSaysItDoesNotExist() {
        JsonNode r = node.http().post("/v1/table/table_info", Map.of("namespace", "no", "table_name", "such"));
        assertThat(r.get("retcode").asInt()).isZero();
        assertThat(r.at("/data/exist").asInt()).isZero();
        assertThat(r.at("/data/count").asInt()).isZero();
        // FATE accepts `name` for table_name
        JsonNode byName = node.http().post("/v1/table/table_info", Map.of("namespace", "no", "name", "such"));
        assertThat(byName.at("/data/table_name").asText()).isEqualTo("such");
    }

    @Test
    void bindRegistersAPostgresTableThatCanBeDownloaded() {
        JsonNode r = node.http().post("/v1/table/bind", "{\"engine\": \"POSTGRES\", \"namespace\": \"wh\", \"name\": "
                + "\"people\", \"address\": {\"schema\": \"warehouse\", \"name\": \"people\"}, \"id_column\": \"pid\", "
                + "\"feature_column\": \"age,score\", \"head\": 1, \"partitions\": 2, \"local\": {\"role\": \"guest\"}}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        assertThat(r.at("/data/table_name").asText()).isEqualTo("people");

        JsonNode info = node.http().post("/v1/table/table_info", Map.of("namespace", "wh", "table_name", "people"));
        assertThat(info.at("/data/exist").asInt()).isEqualTo(1);
        assertThat(info.at("/data/count").asInt()).isEqualTo(3);
        assertThat(info.at("/data/origin").asText()).isEqualTo("table_bind");
        assertThat(info.at("/data/schema/sid").asText()).isEqualTo("pid");
        assertThat(info.at("/data/schema/header").asText()).isEqualTo("age,score");

        HttpResponse<String> rows = csv("{\"namespace\": \"wh\", \"table_name\": \"people\"}");
        assertThat(rows.statusCode()).isEqualTo(200);
        assertThat(rows.body().lines().toList()).containsExactlyInAnyOrder("pid,age,score", "p1,30,0.5",
                "p2,41,1.5", "p3,52,2.5");

        // bind again: exists without drop is refused; the bound data itself is never dropped
        JsonNode again = node.http().post("/v1/table/bind", "{\"engine\": \"POSTGRES\", \"namespace\": \"wh\", \"name\": "
                + "\"people\", \"address\": {\"schema\": \"warehouse\", \"name\": \"people\"}}");
        assertThat(again.get("retcode").asInt()).isEqualTo(100);
        JsonNode deleted = node.http().post("/v1/table/delete", Map.of("namespace", "wh", "table_name", "people"));
        assertThat(deleted.get("retcode").asInt()).isZero();
        JsonNode rebound = node.http().post("/v1/table/add", "{\"engine\": \"postgres\", \"namespace\": \"wh\", \"name\": "
                + "\"people\", \"address\": {\"schema\": \"warehouse\", \"name\": \"people\"}}");
        assertThat(rebound.get("retcode").asInt()).isZero();
        assertThat(node.http().post("/v1/table/table_info", Map.of("namespace", "wh", "table_name", "people"))
                .at("/data/count").asInt()).isEqualTo(3);
    }

    @Test
    void bindRefusesBadAddressesAndTheNodesOwnTables() {
        JsonNode missing = node.http().post("/v1/table/bind", "{\"engine\": \"POSTGRES\", \"namespace\": \"wh\", "
                + "\"name\": \"x\", \"address\": {\"schema\": \"warehouse\", \"name\": \"nope\"}}");
        assertThat(missing.get("retcode").asInt()).isEqualTo(100);
        assertThat(missing.get("retmsg").asText()).contains("check address failed");
        JsonNode engine = node.http().post("/v1/table/bind", "{\"engine\": \"HDFS\", \"namespace\": \"wh\", "
                + "\"name\": \"x\", \"address\": {\"name\": \"people\"}}");
        assertThat(engine.get("retcode").asInt()).isEqualTo(101);
        JsonNode own = node.http().post("/v1/table/bind", "{\"engine\": \"POSTGRES\", \"namespace\": \"wh\", "
                + "\"name\": \"x\", \"address\": {\"name\": \"t_storage_table_meta\"}}");
        assertThat(own.get("retcode").asInt()).isEqualTo(101);
        assertThat(own.get("retmsg").asText()).contains("address.schema");
        JsonNode column = node.http().post("/v1/table/bind", "{\"engine\": \"POSTGRES\", \"namespace\": \"wh\", "
                + "\"name\": \"x\", \"address\": {\"schema\": \"warehouse\", \"name\": \"people\"}, "
                + "\"id_column\": \"nope\"}");
        assertThat(column.get("retcode").asInt()).isEqualTo(101);
        assertThat(node.http().post("/v1/table/table_info", Map.of("namespace", "wh", "table_name", "x"))
                .at("/data/exist").asInt()).isZero();
    }

    @Test
    void deleteRemovesTheTableAndAnUnknownTableIsAnError() throws IOException {
        upload("del", "t", "id,x\n1,2\n");
        JsonNode r = node.http().post("/v1/table/delete", Map.of("namespace", "del", "table_name", "t"));
        assertThat(r.get("retcode").asInt()).isZero();
        assertThat(r.get("data").toString()).isEqualTo("{\"namespace\":\"del\",\"table_name\":\"t\"}");
        assertThat(node.http().post("/v1/table/table_info", Map.of("namespace", "del", "table_name", "t"))
                .at("/data/exist").asInt()).isZero();
        JsonNode again = node.http().post("/v1/table/delete", Map.of("namespace", "del", "table_name", "t"));
        assertThat(again.get("retcode").asInt()).isEqualTo(101);
        assertThat(again.get("retmsg").asText()).contains("del.t");
    }

    @Test
    void downloadJobWritesInsideTheExportDirectoryOnly() throws IOException {
        String content = "id,x,y\n1,2,3\n2,3,4\n";
        upload("dl", "t", content);
        JsonNode ok = node.http().post("/v1/data/download", "{\"namespace\": \"dl\", \"table_name\": \"t\", "
                + "\"output_path\": \"out/t.csv\"}");
        assertThat(ok.get("retcode").asInt()).as(ok.toString()).isZero();
        String jobId = ok.get("jobId").asText();
        assertThat(jobId).isNotEmpty();
        Path written = node.config().exportDir().resolve("out/t.csv");
        assertThat(Files.readString(written)).isEqualTo(content);
        JsonNode job = node.http().post("/v1/job/query", Map.of("job_id", jobId));
        assertThat(job.at("/data/0/f_status").asText()).isEqualTo("success");
        // an absolute path inside the export directory is fine too
        JsonNode abs = node.http().post("/v1/data/download", Map.of("namespace", "dl", "table_name", "t",
                "output_path", node.config().exportDir().resolve("abs.csv").toString(), "delimiter", "\t"));
        assertThat(abs.get("retcode").asInt()).isZero();
        assertThat(Files.readString(node.config().exportDir().resolve("abs.csv"))).isEqualTo(content.replace(',', '\t'));

        Path outside = tmp.resolve("outside");
        Files.createDirectories(outside);
        Files.createDirectories(node.config().exportDir());
        Files.createSymbolicLink(node.config().exportDir().resolve("escape"), outside);
        for (String path : new String[] {"../t.csv", "out/../../t.csv", tmp.resolve("t.csv").toString(),
                "escape/t.csv", "/etc/fedflow.csv"}) {
            JsonNode refused = node.http().post("/v1/data/download", Map.of("namespace", "dl", "table_name", "t",
                    "output_path", path));
            assertThat(refused.get("retcode").asInt()).as(path).isEqualTo(101);
            assertThat(refused.get("retmsg").asText()).as(path).contains("outside the export directory");
        }
        assertThat(Files.exists(outside.resolve("t.csv"))).isFalse();

        JsonNode unknown = node.http().post("/v1/data/download", Map.of("namespace", "dl", "table_name", "nope",
                "output_path", "x.csv"));
        assertThat(unknown.get("retcode").asInt()).isEqualTo(101);
        assertThat(unknown.get("retmsg").asText()).contains("dl.nope");
    }

    @Test
    void csvStreamErrorsAreNotHttp200() {
        HttpResponse<String> r = csv("{\"namespace\": \"no\", \"table_name\": \"such\"}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("\"retcode\":101");
    }

    @Test
    void lineageAndJobTables() throws IOException {
        String uploadJob = upload("lin", "t", "id,x\n1,2\n");
        JsonNode source = node.http().post("/v1/table/tracking/source", Map.of("namespace", "lin", "table_name", "t"));
        assertThat(source.get("retcode").asInt()).isZero();
        assertThat(source.get("data").isArray()).isTrue();
        assertThat(source.get("data")).isEmpty(); // uploaded: no parent table

        JsonNode dl = node.http().post("/v1/data/download", Map.of("namespace", "lin", "table_name", "t",
                "output_path", "lin.csv"));
        JsonNode jobs = node.http().post("/v1/table/tracking/job", Map.of("namespace", "lin", "table_name", "t"));
        assertThat(jobs.at("/data/count").asInt()).isEqualTo(1);
        assertThat(jobs.at("/data/job/0").asText()).isEqualTo(dl.get("jobId").asText());

        JsonNode list = node.http().post("/v1/table/list", Map.of("job_id", uploadJob, "role", "local", "party_id", "0"));
        assertThat(list.get("retcode").asInt()).as(list.toString()).isZero();
        assertThat(list.at("/data/upload_0/output/data/name").asText()).isEqualTo("t");
        assertThat(list.at("/data/upload_0/output/data/namespace").asText()).isEqualTo("lin");

        assertThat(node.http().post("/v1/table/tracking/source", Map.of("namespace", "lin", "table_name", "none"))
                .get("retcode").asInt()).isEqualTo(100);
        assertThat(node.http().post("/v1/table/list", Map.of("job_id", "1")).get("retcode").asInt()).isEqualTo(101);
    }

    @Test
    void uploadHistoryListsLiveUploadsNewestFirst() throws IOException {
        String first = upload("hist", "a", "id,x\n1,2\n");
        String second = upload("hist", "b", "id,x\n1,2\n2,3\n");
        JsonNode h = node.http().post("/v1/data/upload/history", Map.of("limit", 1));
        assertThat(h.get("data")).hasSize(1);
        assertThat(h.at("/data/0/" + second + "/upload_info/upload_count").asInt()).isEqualTo(2);
        JsonNode byJob = node.http().post("/v1/data/upload/history", Map.of("job_id", first));
        assertThat(byJob.at("/data/0/" + first + "/upload_info/table_name").asText()).isEqualTo("a");
        node.http().post("/v1/table/delete", Map.of("namespace", "hist", "table_name", "a"));
        assertThat(node.http().post("/v1/data/upload/history", Map.of("job_id", first)).get("data")).isEmpty();
    }
}
