package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LogCapture;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.DataChunk;
import io.fedflow.proto.v1.DataServiceGrpc;
import io.fedflow.proto.v1.DownloadRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database error met on the data routes (a bound table gone, a data table dropped behind the node's
 * back, a value or a row PostgreSQL refuses) is answered with what failed and a log id: no SQL, no
 * driver text. The details are in the node's log under that id.
 */
class DatabaseErrorAnswersTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().partyId("10000").build();

    @BeforeAll
    static void setUp() throws Exception {
        sql("CREATE SCHEMA shop", "CREATE TABLE shop.items (iid TEXT, price INT)",
                "INSERT INTO shop.items VALUES ('i1', 3), ('i2', 4)");
    }
    @TempDir
    static Path tmp;

    static void sql(String... statements) throws SQLException {
        try (Connection c = node.node().database().dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    static JsonNode upload(String name, String content) throws IOException {
        Path f = tmp.resolve(name + ".csv");
        Files.writeString(f, content);
        return FlowHttp.JSON.readTree(node.http().pythonUpload(f, "{\"head\": 1, \"partition\": 1, \"namespace\": "
                + "\"leak\", \"table_name\": \"" + name + "\", \"id_delimiter\": \",\", \"drop\": 1}").body());
    }

    /** The retmsg names {@code what}, carries no SQL, and its log id leads to the details in the log. */
    static void assertNeutral(String retmsg, LogCapture log, String what, String logged) {
        assertThat(retmsg).contains(what);
        assertThat(retmsg.toLowerCase()).doesNotContain("select ", "insert into", "error:", "detail:", "where:",
                "position:", "copy ", "t_storage", "fedflow_data");
        Matcher id = Pattern.compile("logged (?:on the node )?as (\\w+)").matcher(retmsg);
        assertThat(id.find()).as(retmsg).isTrue();
        String text = log.text();
        assertThat(text.split(Pattern.quote("[" + id.group(1) + "]"), -1)).as(text).hasSize(2);
        assertThat(text.substring(text.indexOf("[" + id.group(1) + "]"))).contains(logged);
    }

    @Test
    void bindingATableThatDoesNotExistNamesItWithoutTheDriversWords() {
        try (LogCapture log = new LogCapture()) {
            JsonNode r = node.http().post("/v1/table/bind", "{\"engine\": \"POSTGRES\", \"namespace\": \"leak\", "
                    + "\"name\": \"x\", \"address\": {\"schema\": \"shop\", \"name\": \"gone\"}}");
            assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(100);
            assertNeutral(r.get("retmsg").asText(), log, "check address failed: cannot read table", "does not exist");
            assertThat(r.get("retmsg").asText()).contains("\"gone\"");
        }
    }

    @Test
    void aBoundTableDroppedBehindTheNodesBackIsACleanReadFailure() throws Exception {
        sql("CREATE TABLE shop.brief (iid TEXT, price INT)", "INSERT INTO shop.brief VALUES ('i1', 3)");
        JsonNode bound = node.http().post("/v1/table/bind", "{\"engine\": \"POSTGRES\", \"namespace\": \"leak\", "
                + "\"name\": \"brief\", \"address\": {\"schema\": \"shop\", \"name\": \"brief\"}}");
        assertThat(bound.get("retcode").asInt()).as(bound.toString()).isZero();
        sql("DROP TABLE shop.brief");
        try (LogCapture log = new LogCapture()) {
            JsonNode r = node.http().post("/v1/data/download", Map.of("namespace", "leak", "table_name", "brief",
                    "output_path", "brief.csv"));
            assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(102);
            assertNeutral(r.get("retmsg").asText(), log, "cannot read table leak.brief", "does not exist");
        }
    }

    @Test
    void anUploadedTableWhoseDataTableWasDroppedIsACleanReadFailure() throws Exception {
        JsonNode up = upload("dropped", "id,x\n1,2\n");
        assertThat(up.get("retcode").asInt()).as(up.toString()).isZero();
        sql("DROP TABLE fedflow_data.t_" + up.get("jobId").asText());
        try (LogCapture log = new LogCapture()) {
            JsonNode r = node.http().post("/v1/data/download", Map.of("namespace", "leak", "table_name", "dropped",
                    "output_path", "dropped.csv"));
            assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(102);
            assertNeutral(r.get("retmsg").asText(), log, "cannot read table leak.dropped", "does not exist");
        }
        // the same over gRPC's stream
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", node.httpPort()).usePlaintext().build();
        try (LogCapture log = new LogCapture()) {
            Iterator<DataChunk> chunks = DataServiceGrpc.newBlockingStub(channel).downloadStream(
                    DownloadRequest.newBuilder().setNamespace("leak").setTableName("dropped").build());
            assertThatThrownBy(() -> chunks.forEachRemaining(c -> { }))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("102");
                        assertNeutral(e.getStatus().getDescription(), log, "cannot read table leak.dropped",
                                "does not exist");
                    });
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void anUploadTheDatabaseRefusesNamesTheTableNotTheStatement() throws Exception {
        // A check behind the node's back: the catalogue refuses this table's row, with the driver's
        // usual Detail and Where lines.
        sql("CREATE FUNCTION public.refuse_meta() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.f_name = 'refused' THEN RAISE EXCEPTION 'no room' USING DETAIL = 'insert into the catalogue'; "
                + "END IF; RETURN NEW; END $$",
                "CREATE TRIGGER refuse_meta BEFORE INSERT ON public.t_storage_table_meta FOR EACH ROW "
                + "EXECUTE FUNCTION public.refuse_meta()");
        try (LogCapture log = new LogCapture()) {
            JsonNode r = upload("refused", "id,x\n1,2\n");
            assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(102);
            assertNeutral(r.get("retmsg").asText(), log, "upload of leak.refused failed", "no room");
            JsonNode job = node.http().post("/v1/job/query", Map.of("job_id", r.get("jobId").asText()));
            assertThat(job.at("/data/0/f_status").asText()).isEqualTo("failed");
            assertThat(job.toString().toLowerCase()).doesNotContain("insert into", "error:");
        } finally {
            sql("DROP TRIGGER refuse_meta ON public.t_storage_table_meta");
        }
    }

    @Test
    void aValueTheDatabaseCannotStoreIsAnArgumentErrorNamingTheUpload() throws Exception {
        // PostgreSQL text cannot hold NUL: the COPY refuses the line.
        try (LogCapture log = new LogCapture()) {
            JsonNode r = upload("nul_inside", "id,x\n1,a\u0000b\n");
            assertThat(r.get("retcode").asInt()).as(r.toString()).isNotZero();
            String retmsg = r.get("retmsg").asText();
            assertThat(retmsg).contains("leak.nul_inside");
            assertThat(retmsg.toLowerCase()).doesNotContain("error:", "where:", "copy ", "invalid byte sequence");
        }
    }
}
