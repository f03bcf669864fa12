package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.GrpcUploads;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.UploadConf;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * data/upload with FATE's extend_sid and auto_increasing_sid, over each way a file arrives (multipart as
 * FATE's client sends it, a JSON body naming a server file, the gRPC stream): the ids are generated as FATE
 * generates them, every column of the file becomes data, and the table's meta says so.
 */
class UploadSampleIdsTest {
    private static final int ROWS = 250;
    private static final String CSV = "id,x\n" + String.join("\n", IntStream.range(0, ROWS)
            .mapToObj(i -> "r" + i + "," + i * 2).toList()) + "\n";

    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    @TempDir
    static Path tmp;

    @Test
    void extendSidGivesEveryRowOneUploadsUuidAndItsIndex() throws Exception {
        for (String path : List.of("multipart", "json", "grpc")) {
            upload(path, "uuid_" + path, true, false);
            assertGenerated("uuid_" + path, false);
        }
    }

    @Test
    void autoIncreasingSidNumbersTheRowsFromZero() throws Exception {
        for (String path : List.of("multipart", "json", "grpc")) {
            upload(path, "inc_" + path, true, true);
            assertGenerated("inc_" + path, true);
        }
    }

    @Test
    void withoutExtendSidTheFirstColumnIsTheIdEvenWithAutoIncreasingSid() throws Exception {
        for (String path : List.of("multipart", "json", "grpc")) {
            upload(path, "plain_" + path, false, true);
            JsonNode info = tableInfo("plain_" + path);
            assertThat(info.get("extend_sid").asBoolean()).isFalse();
            assertThat(info.at("/schema/sid").asText()).isEqualTo("id");
            assertThat(info.at("/schema/header").asText()).isEqualTo("x");
            List<String> rows = download("plain_" + path);
            assertThat(rows.get(0)).isEqualTo("id,x");
            assertThat(rows.subList(1, rows.size())).containsExactlyElementsOf(CSV.lines().skip(1).toList());
        }
    }

    private static void assertGenerated(String table, boolean increasing) throws Exception {
        JsonNode info = tableInfo(table);
        assertThat(info.get("count").asLong()).isEqualTo(ROWS);
        assertThat(info.get("extend_sid").asBoolean()).as(info.toString()).isTrue();
        assertThat(info.get("auto_increasing_sid").asBoolean()).as(info.toString()).isEqualTo(increasing);
        // FATE's schema: the generated id column, and the whole header line as data
        assertThat(info.at("/schema/sid").asText()).isEqualTo("extend_sid");
        assertThat(info.at("/schema/header").asText()).isEqualTo("id,x");

        List<String> lines = download(table);
        assertThat(lines.get(0)).isEqualTo("extend_sid,id,x");
        List<String> rows = lines.subList(1, lines.size());
        assertThat(rows).hasSize(ROWS);
        Set<String> prefixes = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < ROWS; i++) {
            String row = rows.get(i);
            String id = row.substring(0, row.indexOf(','));
            assertThat(row.substring(id.length() + 1)).isEqualTo("r" + i + "," + i * 2);
            if (increasing) {
                assertThat(id).isEqualTo(Integer.toString(i));
            } else {
                // uuid1().hex (32 hex digits, version 1, RFC 4122 variant), then the row's index
                assertThat(id).matches("[0-9a-f]{12}1[0-9a-f]{3}[89ab][0-9a-f]{15}" + i);
                prefixes.add(id.substring(0, 32));
            }
            ids.add(id);
        }
        assertThat(ids).hasSize(ROWS);
        if (!increasing) {
            assertThat(prefixes).hasSize(1);
        }
    }

    private static void upload(String path, String table, boolean extendSid, boolean autoIncreasing)
            throws Exception {
        String flags = "\"extend_sid\": " + extendSid + ", \"auto_increasing_sid\": " + autoIncreasing;
        JsonNode answer;
        switch (path) {
            case "multipart" -> {
                Path f = Files.writeString(tmp.resolve(table + ".csv"), CSV);
                answer = FlowHttp.JSON.readTree(node.http().pythonUpload(f, "{\"head\": 1, \"partition\": 1, "
                        + "\"namespace\": \"sids\", \"table_name\": \"" + table + "\", \"id_delimiter\": \",\", "
                        + flags + "}").body());
            }
            case "json" -> {
                Files.createDirectories(node.config().importDir());
                Files.writeString(node.config().importDir().resolve(table + ".csv"), CSV);
                answer = node.http().post("/v1/data/upload", "{\"file\": \"" + table + ".csv\", \"head\": 1, "
                        + "\"partition\": 1, \"namespace\": \"sids\", \"table_name\": \"" + table
                        + "\", \"use_local_data\": 0, " + flags + "}");
            }
            default -> {
                FlowResponse r = GrpcUploads.upload(node.channel(), UploadConf.newBuilder().setNamespace("sids")
                        .setTableName(table).setHead(1).setPartition(1).setIdDelimiter(",").setExtendSid(extendSid)
                        .setAutoIncreasingSid(autoIncreasing).build(), CSV.getBytes(StandardCharsets.UTF_8), 700);
                assertThat(r.getRetcode()).as(r.toString()).isZero();
                return;
            }
        }
        assertThat(answer.get("retcode").asInt()).as(path + ": " + answer).isZero();
    }

    private static JsonNode tableInfo(String table) {
        JsonNode r = node.http().post("/v1/table/table_info", Map.of("namespace", "sids", "table_name", table));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        return r.get("data");
    }

    private static List<String> download(String table) {
        HttpResponse<String> csv = node.http().send(HttpRequest.newBuilder(
                        URI.create(node.http().base() + "/v1/data/download"))
                .header("Accept", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"namespace\": \"sids\", \"table_name\": \"" + table + "\"}")).build());
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
        return csv.body().lines().toList();
    }
}
