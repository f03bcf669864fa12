package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.MariaDbExtension;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.ConnectorRequest;
import io.fedflow.proto.v1.TableServiceGrpc;
import io.grpc.StatusRuntimeException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MYSQL tables against a real MariaDB server: connectors (password never answered), bind/add checking the
 * address as FATE does, a job reading a bound table in place, and disabled MYSQL tables refused.
 */
class MysqlTablesTest {
    @RegisterExtension
    static final MariaDbExtension mariadb = new MariaDbExtension();
    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().partyId("0")
            .configure(b -> b.limits(Limits.builder().bindConnectTimeout(Duration.ofSeconds(2)).build())).build();

    static final String PASSWORD = "s3cret-Pa55";

    @BeforeAll
    static void data() throws Exception {
        mariadb.createDatabase("warehouse", "fate", PASSWORD);
        mariadb.execute("CREATE TABLE warehouse.breast (id VARCHAR(20) PRIMARY KEY, y INT, x0 DOUBLE, x1 DOUBLE, "
                + "x2 DOUBLE, x3 DOUBLE, x4 DOUBLE, x5 DOUBLE, x6 DOUBLE, x7 DOUBLE, x8 DOUBLE, x9 DOUBLE)");
        List<String> lines = Files.readAllLines(Path.of("../examples/data/breast_hetero_guest.csv"));
        try (Connection c = mariadb.root(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO warehouse.breast VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                for (int i = 0; i < f.length; i++) {
                    ps.setString(i + 1, f[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
        mariadb.execute("CREATE TABLE warehouse.people (pid VARCHAR(10), age INT, city VARCHAR(20))",
                "INSERT INTO warehouse.people VALUES ('p1', 30, 'Oslo'), ('p2', 41, NULL)");
    }

    static JsonNode bind(String path, String namespace, String name, String address, String extra) {
        return node.http().post(path, "{\"engine\": \"MYSQL\", \"namespace\": \"" + namespace + "\", \"name\": \""
                + name + "\", \"address\": " + address + ", \"head\": 1, \"id_delimiter\": \",\"" + extra + "}");
    }

    static JsonNode info(String namespace, String name) {
        return node.http().post("/v1/table/table_info", Map.of("namespace", namespace, "table_name", name));
    }

    static void assertRefusedLeavingNoMeta(JsonNode r, int retcode, String name, String... says) {
        assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(retcode);
        assertThat(r.get("retmsg").asText()).contains(says).doesNotContain(PASSWORD);
        assertThat(info("bad", name).at("/data/exist").asInt()).isZero();
    }

    @Test
    void aBoundMysqlTableIsReadInPlaceByAJob() {
        JsonNode bound = bind("/v1/table/bind", "experiment", "mysql_breast",
                mariadb.address("fate", PASSWORD, "warehouse", "breast"),
                ", \"id_name\": \"id\", \"feature_column\": \"y,x0,x1,x2,x3,x4,x5,x6,x7,x8,x9\", \"partition\": 8");
        assertThat(bound.get("retcode").asInt()).as(bound.toString()).isZero();
        assertThat(bound.at("/data/table_name").asText()).isEqualTo("mysql_breast");

        JsonNode meta = info("experiment", "mysql_breast").get("data");
        assertThat(meta.get("engine").asText()).isEqualTo("MYSQL");
        assertThat(meta.get("count").asInt()).isEqualTo(569);
        assertThat(meta.at("/schema/sid").asText()).isEqualTo("id");
        assertThat(meta.at("/schema/header").asText()).isEqualTo("y,x0,x1,x2,x3,x4,x5,x6,x7,x8,x9");
        assertThat(meta.at("/address/passwd").asText()).isEqualTo("******");
        assertThat(meta.at("/address/db").asText()).isEqualTo("warehouse");
        assertThat(meta.toString()).doesNotContain(PASSWORD);

        JsonNode submitted = node.http().post("/v1/job/submit", "{\"job_dsl\": " + LocalJobs.DSL
                + ", \"job_runtime_conf\": " + LocalJobs.conf("mysql_breast", "\"max_iter\": 3", "") + "}");
        String jobId = LocalJobs.awaitSuccess(node.http(), submitted);
        JsonNode readers = node.http().post("/v1/table/tracking/job",
                Map.of("namespace", "experiment", "table_name", "mysql_breast"));
        assertThat(readers.at("/data/job").toString()).contains(jobId);
        JsonNode lr = node.http().post("/v1/tracking/component/output/data/table",
                Map.of("job_id", jobId, "role", "local", "party_id", "0", "component_name", "reader_0"));
        String ns = lr.at("/data/0/table_namespace").asText(lr.at("/data/0/namespace").asText());
        String name = lr.at("/data/0/table_name").asText();
        assertThat(info(ns, name).at("/data/count").asInt()).as(lr.toString()).isEqualTo(569);
    }

    @Test
    void addIsBindAndTakesEveryOtherColumnWithoutFeatureColumn() {
        JsonNode added = bind("/v1/table/add", "mysql", "people",
                mariadb.address("fate", PASSWORD, "warehouse", "people"), ", \"id_name\": \"pid\"");
        assertThat(added.get("retcode").asInt()).as(added.toString()).isZero();
        JsonNode meta = info("mysql", "people").get("data");
        assertThat(meta.at("/schema/header").asText()).isEqualTo("age,city");
        assertThat(meta.get("count").asInt()).isEqualTo(2);

        JsonNode again = bind("/v1/table/add", "mysql", "people",
                mariadb.address("fate", PASSWORD, "warehouse", "people"), ", \"id_name\": \"pid\"");
        assertThat(again.get("retcode").asInt()).isEqualTo(100);
        assertThat(again.get("retmsg").asText()).contains("already exists", "drop");

        // the rows as a download reads them: NULL is an empty value
        var csv = node.http().send(HttpRequest.newBuilder(
                        URI.create(node.http().base() + "/v1/data/download"))
                .header("Content-Type", "application/json").header("Accept", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"namespace\": \"mysql\", \"table_name\": \"people\"}")).build());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.body()).isEqualTo("pid,age,city\np1,30,Oslo\np2,41,\n");
    }

    @Test
    void anUnreachableServerIsRefusedAtBindTime() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        JsonNode r = bind("/v1/table/bind", "bad", "unreachable", "{\"user\": \"fate\", \"passwd\": \"" + PASSWORD
                + "\", \"host\": \"127.0.0.1\", \"port\": " + closed + ", \"db\": \"warehouse\", \"name\": \"people\"}",
                "");
        assertRefusedLeavingNoMeta(r, 100, "unreachable", MysqlTables.CONNECT_FAILED);
    }

    @Test
    void badCredentialsAreRefusedWithoutThePassword() {
        JsonNode r = bind("/v1/table/bind", "bad", "login", mariadb.address("fate", "wrong-" + PASSWORD, "warehouse",
                "people"), "");
        assertRefusedLeavingNoMeta(r, 100, "login", MysqlTables.CONNECT_FAILED);
        assertThat(r.get("retmsg").asText()).doesNotContain("wrong-");
    }

    @Test
    void aMissingTableOrDatabaseIsRefused() {
        assertRefusedLeavingNoMeta(bind("/v1/table/bind", "bad", "notable",
                mariadb.address("fate", PASSWORD, "warehouse", "nosuch"), ""), 100, "notable",
                "warehouse.nosuch", "does not exist");
        assertRefusedLeavingNoMeta(bind("/v1/table/bind", "bad", "nodb",
                mariadb.address("fate", PASSWORD, "nodb", "people"), ""), 100, "nodb", "address.db", "nodb");
    }

    @Test
    void aMissingIdOrFeatureColumnIsRefused() {
        assertRefusedLeavingNoMeta(bind("/v1/table/bind", "bad", "noid",
                mariadb.address("fate", PASSWORD, "warehouse", "people"), ", \"id_name\": \"uid\""), 101, "noid",
                "uid", "id_name", "[pid, age, city]");
        assertRefusedLeavingNoMeta(bind("/v1/table/bind", "bad", "nofeature",
                mariadb.address("fate", PASSWORD, "warehouse", "people"), ", \"id_name\": \"pid\", "
                        + "\"feature_column\": \"age,height\""), 101, "nofeature", "height", "feature_column");
    }

    @Test
    void addressFieldsAreChecked() {
        assertRefusedLeavingNoMeta(bind("/v1/table/bind", "bad", "nohost", "{\"db\": \"warehouse\", "
                + "\"name\": \"people\"}", ""), 101, "nohost", "address.host");
        assertRefusedLeavingNoMeta(bind("/v1/table/bind", "bad", "urlhost", "{\"host\": \"127.0.0.1:1/x?y=\", "
                + "\"db\": \"warehouse\", \"name\": \"people\"}", ""), 101, "urlhost", "address.host");
        assertRefusedLeavingNoMeta(bind("/v1/table/bind", "bad", "port", "{\"host\": \"127.0.0.1\", \"port\": 70000, "
                + "\"db\": \"warehouse\", \"name\": \"people\"}", ""), 101, "port", "address.port");
        assertRefusedLeavingNoMeta(bind("/v1/table/bind", "bad", "nodbfield", "{\"host\": \"127.0.0.1\", "
                + "\"name\": \"people\"}", ""), 101, "nodbfield", "address.db");
        assertRefusedLeavingNoMeta(bind("/v1/table/bind", "bad", "noname", "{\"host\": \"127.0.0.1\", "
                + "\"db\": \"warehouse\"}", ""), 101, "noname", "address.name");
    }

    @Test
    void connectorsAreCreatedUpdatedAndQueriedWithThePasswordMasked() {
        JsonNode created = node.http().post("/v1/table/connector/create", "{\"connector_name\": \"wh\", "
                + "\"engine\": \"MYSQL\", \"connector_info\": {\"user\": \"fate\", \"passwd\": \"wrong\", "
                + "\"host\": \"127.0.0.1\", \"port\": " + mariadb.port() + ", \"db\": \"warehouse\"}}");
        assertThat(created.get("retcode").asInt()).as(created.toString()).isZero();
        JsonNode q = node.http().post("/v1/table/connector/query", Map.of("connector_name", "wh"));
        assertThat(q.get("retcode").asInt()).isZero();
        assertThat(q.at("/data/passwd").asText()).isEqualTo("******");
        assertThat(q.at("/data/user").asText()).isEqualTo("fate");
        assertThat(q.at("/data/port").asInt()).isEqualTo(mariadb.port());

        // a bind through it logs in with the connector's settings: wrong for now
        JsonNode refused = bind("/v1/table/bind", "bad", "viaconnector", "{\"connector_name\": \"wh\", "
                + "\"name\": \"people\"}", "");
        assertRefusedLeavingNoMeta(refused, 100, "viaconnector", MysqlTables.CONNECT_FAILED);

        // create on an existing name replaces its settings (FATE's create_or_update), here over gRPC
        var grpc = TableServiceGrpc.newBlockingStub(node.channel());
        grpc.createConnector(ConnectorRequest.newBuilder().setConnectorName("wh").setEngine("mysql")
                .setConnectorInfo(Struct.newBuilder()
                        .putFields("user", Value.newBuilder().setStringValue("fate").build())
                        .putFields("password", Value.newBuilder().setStringValue(PASSWORD).build())
                        .putFields("host", Value.newBuilder().setStringValue("127.0.0.1").build())
                        .putFields("port", Value.newBuilder().setNumberValue(mariadb.port()).build())
                        .putFields("db", Value.newBuilder().setStringValue("warehouse").build())).build());
        var answer = grpc.queryConnector(ConnectorRequest.newBuilder().setConnectorName("wh").build());
        assertThat(answer.getData().getStructValue().getFieldsMap().get("passwd").getStringValue())
                .isEqualTo("******");
        assertThat(answer.toString()).doesNotContain(PASSWORD);

        JsonNode bound = bind("/v1/table/bind", "mysql", "people_wh", "{\"connector_name\": \"wh\", "
                + "\"name\": \"people\"}", ", \"id_name\": \"pid\"");
        assertThat(bound.get("retcode").asInt()).as(bound.toString()).isZero();
        JsonNode meta = info("mysql", "people_wh").get("data");
        assertThat(meta.get("count").asInt()).isEqualTo(2);
        // the meta names the connector only: the credentials stay in it
        assertThat(meta.get("address").toString()).contains("\"connector_name\":\"wh\"").doesNotContain("passwd");
    }

    @Test
    void connectorRefusals() {
        JsonNode noName = node.http().post("/v1/table/connector/create", "{\"engine\": \"MYSQL\", "
                + "\"connector_info\": {\"host\": \"h\"}}");
        assertThat(noName.get("retcode").asInt()).isEqualTo(101);
        assertThat(noName.get("retmsg").asText()).contains("connector_name");
        JsonNode hive = node.http().post("/v1/table/connector/create", "{\"connector_name\": \"c\", \"engine\": "
                + "\"HIVE\", \"connector_info\": {\"host\": \"h\"}}");
        assertThat(hive.get("retcode").asInt()).isEqualTo(101);
        assertThat(hive.get("retmsg").asText()).contains("HIVE", "MYSQL");
        JsonNode noInfo = node.http().post("/v1/table/connector/create", "{\"connector_name\": \"c\", \"engine\": "
                + "\"MYSQL\"}");
        assertThat(noInfo.get("retcode").asInt()).isEqualTo(101);
        assertThat(noInfo.get("retmsg").asText()).contains("connector_info");
        JsonNode unknownKey = node.http().post("/v1/table/connector/create", "{\"connector_name\": \"c\", "
                + "\"engine\": \"MYSQL\", \"connector_info\": {\"host\": \"h\", \"sslkey\": \"x\"}}");
        assertThat(unknownKey.get("retcode").asInt()).isEqualTo(101);
        assertThat(unknownKey.get("retmsg").asText()).contains("connector_info.sslkey");
        JsonNode noHost = node.http().post("/v1/table/connector/create", "{\"connector_name\": \"c\", "
                + "\"engine\": \"MYSQL\", \"connector_info\": {\"user\": \"u\"}}");
        assertThat(noHost.get("retcode").asInt()).isEqualTo(101);
        assertThat(noHost.get("retmsg").asText()).contains("connector_info.host");
        // none of the refused ones was stored
        JsonNode unknown = node.http().post("/v1/table/connector/query", Map.of("connector_name", "c"));
        assertThat(unknown.get("retcode").asInt()).isEqualTo(101);
        assertThat(unknown.get("retmsg").asText()).contains("no find connector", "c");
        JsonNode queryNoName = node.http().post("/v1/table/connector/query", "{}");
        assertThat(queryNoName.get("retcode").asInt()).isEqualTo(101);
        assertThat(queryNoName.get("retmsg").asText()).contains("connector_name");
        JsonNode bindUnknown = bind("/v1/table/bind", "bad", "unknownconnector", "{\"connector_name\": \"nope\", "
                + "\"name\": \"people\"}", "");
        assertRefusedLeavingNoMeta(bindUnknown, 101, "unknownconnector", "connector_name nope");
        var grpc = TableServiceGrpc.newBlockingStub(node.channel());
        assertThatThrownBy(() -> grpc.queryConnector(ConnectorRequest.newBuilder().setConnectorName("c").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("101"));
    }

    @Test
    void aDisabledMysqlTableIsRefusedToJobs() {
        JsonNode bound = bind("/v1/table/bind", "experiment", "mysql_off",
                mariadb.address("fate", PASSWORD, "warehouse", "breast"), ", \"id_name\": \"id\"");
        assertThat(bound.get("retcode").asInt()).as(bound.toString()).isZero();
        JsonNode off = node.http().post("/v1/table/disable", Map.of("namespace", "experiment",
                "table_name", "mysql_off"));
        assertThat(off.get("retcode").asInt()).isZero();
        JsonNode job = node.http().post("/v1/job/submit", "{\"job_dsl\": " + LocalJobs.DSL
                + ", \"job_runtime_conf\": " + LocalJobs.conf("mysql_off", "\"max_iter\": 1", "") + "}");
        assertThat(job.get("retcode").asInt()).as(job.toString()).isNotZero();
        assertThat(job.get("retmsg").asText()).contains("experiment.mysql_off", "disabled");
        JsonNode delete = node.http().post("/v1/table/disable/delete", "{}");
        assertThat(delete.get("data").toString()).contains("mysql_off");
        // the table was someone else's: its rows stay on the MySQL server
        assertThat(info("experiment", "mysql_off").at("/data/exist").asInt()).isZero();
        JsonNode rebound = bind("/v1/table/bind", "experiment", "mysql_off",
                mariadb.address("fate", PASSWORD, "warehouse", "breast"), ", \"id_name\": \"id\"");
        assertThat(rebound.get("retcode").asInt()).isZero();
        assertThat(info("experiment", "mysql_off").at("/data/count").asInt()).isEqualTo(569);
    }
}
