package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.Uploads;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.TableRequest;
import io.fedflow.proto.v1.TableServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FATE's table disable, enable and disable/delete: a disabled table is refused to jobs and downloads. */
class TableDisableTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().partyId("0").build();

    private static final String ROWS = "id,y,x0\na,1,0.5\nb,0,1.5\nc,1,2.5\n";

    private static JsonNode post(String path, Map<String, String> body) {
        return node.http().post(path, body);
    }

    private static HttpResponse<String> csv(String ns, String name) {
        return node.http().send(HttpRequest.newBuilder(URI.create(node.http().base() + "/v1/data/download"))
                .header("Content-Type", "application/json").header("Accept", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("{\"namespace\": \"" + ns + "\", \"table_name\": \""
                        + name + "\"}")).build());
    }

    private static JsonNode submitReading(String table) {
        return node.http().post("/v1/job/submit", "{\"job_dsl\": " + LocalJobs.DSL + ", \"job_runtime_conf\": "
                + LocalJobs.conf(table, "\"max_iter\": 1", "") + "}");
    }

    @Test
    void aDisabledTableIsRefusedToJobsAndDownloadsUntilEnabled() throws Exception {
        Uploads.csv(node.http(), "experiment", "off_t", ROWS);

        JsonNode off = post("/v1/table/disable", Map.of("namespace", "experiment", "table_name", "off_t"));
        assertThat(off.get("retcode").asInt()).as(off.toString()).isZero();
        assertThat(off.get("data")).hasSize(1);
        assertThat(off.at("/data/0/table_name").asText()).isEqualTo("off_t");
        assertThat(off.at("/data/0/namespace").asText()).isEqualTo("experiment");
        assertThat(post("/v1/table/table_info", Map.of("namespace", "experiment", "name", "off_t"))
                .at("/data/enable").asBoolean()).isFalse();

        HttpResponse<String> download = csv("experiment", "off_t");
        assertThat(download.statusCode()).isNotEqualTo(200);
        JsonNode refused = FlowHttp.JSON.readTree(download.body());
        assertThat(refused.get("retcode").asInt()).isEqualTo(102);
        assertThat(refused.get("retmsg").asText()).contains("experiment.off_t", "disabled");

        JsonNode job = submitReading("off_t");
        assertThat(job.get("retcode").asInt()).as(job.toString()).isNotZero();
        assertThat(job.get("retmsg").asText()).contains("reader_0", "experiment.off_t", "disabled");

        // FATE's `name` works as table_name
        JsonNode on = post("/v1/table/enable", Map.of("namespace", "experiment", "name", "off_t"));
        assertThat(on.get("retcode").asInt()).as(on.toString()).isZero();
        assertThat(on.at("/data/0/table_name").asText()).isEqualTo("off_t");
        HttpResponse<String> again = csv("experiment", "off_t");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("a,1,0.5");
        JsonNode accepted = submitReading("off_t");
        assertThat(accepted.get("retcode").asInt()).as(accepted.toString()).isZero();
    }

    @Test
    void disableByNamespaceFlagsEveryTableOfIt() throws Exception {
        Uploads.csv(node.http(), "ns_all", "t1", ROWS);
        Uploads.csv(node.http(), "ns_all", "t2", ROWS);
        JsonNode off = post("/v1/table/disable", Map.of("namespace", "ns_all"));
        assertThat(off.get("data")).hasSize(2);
        JsonNode on = post("/v1/table/enable", Map.of("namespace", "ns_all"));
        assertThat(on.get("data")).hasSize(2);
        assertThat(post("/v1/table/table_info", Map.of("namespace", "ns_all", "name", "t2"))
                .at("/data/enable").asBoolean()).isTrue();
    }

    @Test
    void disableOrEnableOfAnUnknownTableAnswers101() {
        for (String path : new String[] {"/v1/table/disable", "/v1/table/enable"}) {
            JsonNode r = post(path, Map.of("namespace", "no", "table_name", "such"));
            assertThat(r.get("retcode").asInt()).as(path).isEqualTo(101);
            assertThat(r.get("retmsg").asText()).contains("no find table");
        }
    }

    @Test
    void anEmptyFilterMatchesNoTableAsFatesDoes() throws Exception {
        Uploads.csv(node.http(), "empty_filter", "t", ROWS);
        // FATE's query_table_meta matches nothing without a filter ("not allow query all table"): 101 no find table
        for (String path : new String[] {"/v1/table/disable", "/v1/table/enable"}) {
            JsonNode r = node.http().post(path, "{}");
            assertThat(r.get("retcode").asInt()).as(path).isEqualTo(101);
            assertThat(r.get("retmsg").asText()).as(path).startsWith("no find table").contains("table_name",
                    "namespace");
        }
        assertThat(post("/v1/table/table_info", Map.of("namespace", "empty_filter", "name", "t"))
                .at("/data/enable").asBoolean()).as("nothing was disabled").isTrue();
    }

    @Test
    void disableDeleteDeletesTheDisabledTablesOnlyAndOverGrpcToo() throws Exception {
        Uploads.csv(node.http(), "del", "gone", ROWS);
        Uploads.csv(node.http(), "del", "kept", ROWS);
        post("/v1/table/disable", Map.of("namespace", "del", "table_name", "gone"));

        JsonNode r = node.http().post("/v1/table/disable/delete", "{}");
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        assertThat(r.get("data").toString()).contains("\"table_name\":\"gone\"").doesNotContain("kept");
        assertThat(post("/v1/table/table_info", Map.of("namespace", "del", "name", "gone")).at("/data/exist").asInt())
                .isZero();
        assertThat(post("/v1/table/table_info", Map.of("namespace", "del", "name", "kept")).at("/data/exist").asInt())
                .isEqualTo(1);

        // nothing disabled is left: FATE's 101, over gRPC as over HTTP
        var grpc = TableServiceGrpc.newBlockingStub(node.channel());
        assertThatThrownBy(() -> grpc.deleteDisabledTables(TableRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).contains("no find table");
                    assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("101");
                });

        FlowResponse off = grpc.disableTable(TableRequest.newBuilder().setNamespace("del").setName("kept").build());
        assertThat(off.getRetcode()).isZero();
        assertThat(grpc.deleteDisabledTables(TableRequest.getDefaultInstance()).getRetcode()).isZero();
        assertThat(post("/v1/table/table_info", Map.of("namespace", "del", "name", "kept")).at("/data/exist").asInt())
                .isZero();
    }
}
