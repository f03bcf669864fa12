package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Uploads as FATE's clients send them, and every bad input the foundation issue names. */
class UploadHttpTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();
    @TempDir
    static Path tmp;

    static String conf(String namespace, String table, int drop) {
        // json.dumps spacing, as the python client sends it
        return "{\"file\": \"/home/user/data/" + table + ".csv\", \"id_delimiter\": \",\", \"head\": 1, "
                + "\"partition\": 4, \"namespace\": \"" + namespace + "\", \"table_name\": \"" + table
                + "\", \"verbose\": 0, \"drop\": " + drop + "}";
    }

    static Path csv(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).isEqualTo(200);
        return FlowHttp.JSON.readTree(r.body());
    }

    static JsonNode tableInfo(String ns, String name) {
        return node.http().post("/v1/table/table_info", Map.of("namespace", ns, "table_name", name));
    }

    @Test
    void pythonStyleUploadCreatesTableAndSuccessfulJob() throws Exception {
        Path data = Path.of("../examples/data/breast_hetero_guest.csv");
        Path file = Files.exists(data) ? data : csv("g.csv", "id,y,x0\n1,0,0.5\n2,1,0.25\n");
        long rows = Files.readAllLines(file).size() - 1;

        HttpResponse<String> r = node.http().pythonUpload(file, conf("experiment", "breast_hetero_guest", 1));
        JsonNode body = json(r);
        assertThat(body.get("retcode").asInt()).as(r.body()).isZero();
        assertThat(body.get("retmsg").asText()).isEqualTo("success");
        String jobId = body.get("jobId").asText();
        assertThat(jobId).matches("\\d{21,}");
        assertThat(body.at("/data/job_id").asText()).isEqualTo(jobId);
        assertThat(body.at("/data/model_info/model_id").asText()).isEqualTo("local-0#model");
        assertThat(body.at("/data/model_info/model_version").asText()).isEqualTo(jobId);
        // the node took a port at start (--http-port 0): the link names it, not 0
        assertThat(body.at("/data/board_url").asText()).isEqualTo("http://127.0.0.1:" + node.httpPort()
                + "/board/job.html?job_id=" + jobId + "&role=local&party_id=0");
        // FATE's key order and compact form: sorted keys, retcode printed even when 0
        assertThat(r.body()).startsWith("{\"data\":{").contains("\"jobId\":\"" + jobId + "\",\"retcode\":0,");

        // the pipeline polls the upload job as role local, party 0
        JsonNode q = node.http().post("/v1/job/query", "{\"job_id\": \"" + jobId + "\", \"role\": \"local\", \"party_id\": 0}");
        assertThat(q.get("retcode").asInt()).isZero();
        assertThat(q.get("data")).hasSize(1);
        JsonNode row = q.get("data").get(0);
        assertThat(row.get("f_job_id").asText()).isEqualTo(jobId);
        assertThat(row.get("f_status").asText()).isEqualTo("success");
        assertThat(row.get("f_role").asText()).isEqualTo("local");
        assertThat(row.get("f_party_id").asText()).isEqualTo("0");
        assertThat(row.has("f_runtime_conf")).isTrue();
        assertThat(row.has("f_dsl")).isTrue();

        JsonNode info = tableInfo("experiment", "breast_hetero_guest");
        assertThat(info.at("/data/exist").asInt()).isEqualTo(1);
        assertThat(info.at("/data/count").asLong()).isEqualTo(rows);
        assertThat(info.at("/data/partition").asInt()).isEqualTo(4);
        assertThat(info.at("/data/schema/sid").asText()).isEqualTo("id");
        assertThat(info.at("/data/origin").asText()).isEqualTo("upload");
        assertThat(info.at("/data/enable").asBoolean()).isTrue();
        assertThat(info.at("/data/address").isObject()).isTrue();
    }

    @Test
    void queryStringIsDecodedWithoutFormSemantics() throws Exception {
        // '+', '&' and ' ' reach the server raw or as %20: form decoding would mangle this name
        Path file = csv("odd.csv", "id,x\n1,2\n");
        JsonNode body = json(node.http().pythonUpload(file, conf("ns", "a+b&c d", 0)));
        assertThat(body.get("retcode").asInt()).as(body.toString()).isZero();
        assertThat(tableInfo("ns", "a+b&c d").at("/data/exist").asInt()).isEqualTo(1);
    }

    @Test
    void refusesMissingNamespaceAndTableName() throws Exception {
        Path file = csv("m.csv", "id,x\n1,2\n");
        JsonNode body = json(node.http().pythonUpload(file, "{\"head\": 1, \"partition\": 4, \"table_name\": \"t\"}"));
        assertThat(body.get("retcode").asInt()).isEqualTo(101);
        assertThat(body.get("retmsg").asText()).contains("namespace");
        body = json(node.http().pythonUpload(file, "{\"head\": 1, \"partition\": 4, \"namespace\": \"n\"}"));
        assertThat(body.get("retcode").asInt()).isEqualTo(101);
        assertThat(body.get("retmsg").asText()).contains("table_name");
        body = json(node.http().pythonUpload(file, "{\"partition\": 4, \"namespace\": \"n\", \"table_name\": \"t\"}"));
        assertThat(body.get("retcode").asInt()).isEqualTo(101);
        assertThat(body.get("retmsg").asText()).contains("head");
    }

    @Test
    void existingTableWithoutDropIsRefusedAndDropReplacesIt() throws Exception {
        Path first = csv("d1.csv", "id,x\n1,2\n2,3\n");
        JsonNode created = json(node.http().pythonUpload(first, conf("drop", "t", 0)));
        assertThat(created.get("retcode").asInt()).isZero();
        assertThat(dataTables()).contains("t_" + created.get("jobId").asText());

        JsonNode again = json(node.http().pythonUpload(csv("d2.csv", "id,x\n9,9\n"), conf("drop", "t", 0)));
        assertThat(again.get("retcode").asInt()).isEqualTo(100);
        assertThat(again.get("retmsg").asText()).contains("already exists").contains("--drop");
        assertThat(again.has("jobId")).isFalse();
        assertThat(tableInfo("drop", "t").at("/data/count").asLong()).isEqualTo(2);

        JsonNode replaced = json(node.http().pythonUpload(csv("d3.csv", "id,x\n7,1\n8,1\n9,1\n"), conf("drop", "t", 1)));
        assertThat(replaced.get("retcode").asInt()).isZero();
        assertThat(tableInfo("drop", "t").at("/data/count").asLong()).isEqualTo(3);
        // the replaced rows are gone with the old meta, in the same transaction
        assertThat(dataTables()).doesNotContain("t_" + created.get("jobId").asText())
                .contains("t_" + replaced.get("jobId").asText());
    }

    @Test
    void failedReplacementKeepsTheOldTable() throws Exception {
        assertThat(json(node.http().pythonUpload(csv("k1.csv", "id,x\n1,2\n"), conf("keep", "t", 0))).get("retcode")
                .asInt()).isZero();
        List<String> before = dataTables();
        JsonNode bad = json(node.http().pythonUpload(csv("k2.csv", "id,x\n1,2\n3\n"), conf("keep", "t", 1)));
        assertThat(bad.get("retcode").asInt()).isEqualTo(102);
        assertThat(tableInfo("keep", "t").at("/data/count").asLong()).isEqualTo(1);
        assertThat(dataTables()).isEqualTo(before);
        // the failed job is recorded as failed
        JsonNode q = node.http().post("/v1/job/query", Map.of("job_id", bad.get("jobId").asText()));
        assertThat(q.at("/data/0/f_status").asText()).isEqualTo("failed");
    }

    @Test
    void badFilesFailWithDataErrorAndLeaveNothing() throws Exception {
        record Case(String name, byte[] content, String message) {}
        List<Case> cases = List.of(
                new Case("empty", new byte[0], "empty"),
                new Case("header-only", "id,x,y\n".getBytes(StandardCharsets.UTF_8), "no data rows"),
                new Case("ragged", "id,x,y\n1,2,3\n2,3\n".getBytes(StandardCharsets.UTF_8), "line 3 has 2 columns"),
                new Case("wrong-delimiter", "id;x;y\n1;2;3\n".getBytes(StandardCharsets.UTF_8), "id_delimiter"),
                new Case("not-utf8", new byte[] {'i', 'd', ',', 'x', '\n', '1', ',', (byte) 0xff, (byte) 0xfe, '\n'},
                        "UTF-8"),
                new Case("empty-id", "id,x\n,2\n".getBytes(StandardCharsets.UTF_8), "empty id"));
        List<String> before = dataTables();
        for (Case c : cases) {
            Path f = tmp.resolve(c.name() + ".csv");
            Files.write(f, c.content());
            JsonNode body = json(node.http().pythonUpload(f, conf("bad", c.name(), 0)));
            assertThat(body.get("retcode").asInt()).as(c.name() + ": " + body).isEqualTo(102);
            assertThat(body.get("retmsg").asText()).as(c.name()).contains(c.message());
            assertThat(tableInfo("bad", c.name()).at("/data/exist").asInt()).as(c.name()).isZero();
        }
        assertThat(dataTables()).isEqualTo(before);
    }

    @Test
    void malformedConfAndBodiesGetTheEnvelope() throws Exception {
        HttpResponse<String> r = node.http().send(HttpRequest.newBuilder(
                        URI.create(node.http().base() + "/v1/data/upload?%7Bnot-json"))
                .header("Content-Type", "multipart/form-data; boundary=abc")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "--abc\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\nid\n1\n\r\n--abc--\r\n"))
                .build());
        JsonNode body = json(r);
        assertThat(body.get("retcode").asInt()).isEqualTo(100);
        assertThat(body.get("retmsg").asText()).contains("not valid JSON");

        JsonNode bad = node.http().post("/v1/table/table_info", "{\"namespace\": ");
        assertThat(bad.get("retcode").asInt()).isEqualTo(100);
        assertThat(bad.get("retmsg").asText()).isNotBlank();

        JsonNode notObject = node.http().post("/v1/table/table_info", "[1]");
        assertThat(notObject.get("retcode").asInt()).isNotZero();

        JsonNode wrongType = node.http().post("/v1/data/upload/history", "{\"limit\": \"ten\"}");
        assertThat(wrongType.get("retcode").asInt()).isEqualTo(101);
        assertThat(wrongType.get("retmsg").asText()).contains("limit");

        JsonNode noFilter = node.http().post("/v1/job/query", "{}");
        assertThat(noFilter.get("retcode").asInt()).isZero();
        assertThat(noFilter.get("retmsg").asText()).isEqualTo("no job could be found");
        assertThat(noFilter.get("data")).isEmpty();
        // a bodiless POST without a Content-Type, as FATE's clients send some calls
        HttpResponse<String> bodiless = node.http().send(HttpRequest.newBuilder(
                URI.create(node.http().base() + "/v1/job/query"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(json(bodiless).get("retcode").asInt()).as(bodiless.body()).isZero();

        JsonNode unknown = node.http().post("/v1/no/such/api", "{}");
        assertThat(unknown.get("retcode").asInt()).isEqualTo(100);
        assertThat(unknown.get("retmsg").asText()).contains("/v1/no/such/api");
    }

    @Test
    void useLocalDataReadsOnlyFromTheImportDirectory() throws Exception {
        Path importDir = node.config().importDir();
        Files.createDirectories(importDir.resolve("sub"));
        Files.writeString(importDir.resolve("sub/local.csv"), "id,x\n1,2\n2,4\n");
        JsonNode ok = node.http().post("/v1/data/upload", "{\"file\": \"sub/local.csv\", \"head\": 1, \"partition\": 2, "
                + "\"namespace\": \"local\", \"table_name\": \"t\", \"use_local_data\": 0}");
        assertThat(ok.get("retcode").asInt()).as(ok.toString()).isZero();
        assertThat(ok.get("jobId").asText()).isNotEmpty();
        assertThat(tableInfo("local", "t").at("/data/count").asLong()).isEqualTo(2);

        Path outside = Files.writeString(tmp.resolve("outside.csv"), "id,x\n1,2\n");
        for (String path : List.of(outside.toString(), "../outside.csv", "sub/../../outside.csv", "/etc/passwd")) {
            JsonNode refused = node.http().post("/v1/data/upload", "{\"file\": \"" + path + "\", \"head\": 1, "
                    + "\"partition\": 2, \"namespace\": \"local\", \"table_name\": \"x\", \"use_local_data\": 0}");
            assertThat(refused.get("retcode").asInt()).as(path).isEqualTo(101);
            assertThat(refused.get("retmsg").asText()).as(path).contains("outside the import directory");
        }
        Files.createSymbolicLink(importDir.resolve("link.csv"), outside);
        JsonNode viaLink = node.http().post("/v1/data/upload", "{\"file\": \"link.csv\", \"head\": 1, \"partition\": 2, "
                + "\"namespace\": \"local\", \"table_name\": \"x\", \"use_local_data\": 0}");
        assertThat(viaLink.get("retcode").asInt()).isEqualTo(101);
        assertThat(tableInfo("local", "x").at("/data/exist").asInt()).isZero();
    }

    @Test
    void concurrentUploadsOfOneTableNeverMixRows() throws Exception {
        StringBuilder a = new StringBuilder("id,x\n");
        StringBuilder b = new StringBuilder("id,x\n");
        for (int i = 0; i < 20_000; i++) {
            a.append("a").append(i).append(",1\n");
            b.append("b").append(i).append(",2\n");
        }
        Path fa = csv("ca.csv", a.toString());
        Path fb = csv("cb.csv", b.toString());
        var ra = CompletableFuture.supplyAsync(() -> node.http().pythonUpload(fa, conf("race", "t", 0)));
        var rb = CompletableFuture.supplyAsync(() -> node.http().pythonUpload(fb, conf("race", "t", 0)));
        JsonNode ja = json(ra.join());
        JsonNode jb = json(rb.join());
        List<Integer> codes = List.of(ja.get("retcode").asInt(), jb.get("retcode").asInt());
        assertThat(codes).containsExactlyInAnyOrder(0, 100);
        JsonNode loser = ja.get("retcode").asInt() == 0 ? jb : ja;
        assertThat(loser.get("retmsg").asText()).contains("already exists");
        // the table holds one upload's rows, all of them
        HttpResponse<String> csv = node.http().send(HttpRequest.newBuilder(
                        URI.create(node.http().base() + "/v1/data/download"))
                .header("Accept", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"namespace\": \"race\", \"table_name\": \"t\"}")).build());
        List<String> lines = csv.body().lines().skip(1).toList();
        assertThat(lines).hasSize(20_000);
        assertThat(lines.stream().map(l -> l.charAt(0)).distinct().count()).isEqualTo(1);
    }

    /**
     * What COPY's text format must escape, and UTF-8 beyond ASCII, come back exactly: quoted fields with a
     * tab, backslash, CR and LF, accents, CJK and a surrogate pair, and fields longer than the 256 KiB
     * COPY buffer (one ASCII, one with a non-ASCII char at its end), with "," and with a tab delimiter.
     */
    @Test
    void awkwardTextIsStoredExactly() throws Exception {
        String longAscii = "a\\b\tc".repeat(60_000); // > 256 KiB once escaped
        String longUtf8 = "x".repeat(300_000) + "é\t";
        List<List<String>> rows = List.of(
                List.of("1", "tab\there", "back\\slash", "cr\rlf\n"),
                List.of("é2", "naïve", "中文", "emoji \uD83D\uDE00 end"),
                List.of("3", "", "\"quoted\"", "a,b"),
                List.of("4", longAscii, "mid", longUtf8),
                List.of("5\\", "\\t", "\\\\", "€\\n"));
        for (String delimiter : List.of(",", "\t")) {
            StringBuilder file = new StringBuilder("id" + delimiter + "a" + delimiter + "b" + delimiter + "c\r\n");
            for (List<String> row : rows) {
                List<String> quoted = new ArrayList<>();
                for (String f : row) {
                    quoted.add("\"" + f.replace("\"", "\"\"") + "\"");
                }
                file.append(String.join(delimiter, quoted)).append("\r\n");
            }
            String table = delimiter.equals(",") ? "comma" : "tab";
            String conf = "{\"file\": \"x.csv\", \"id_delimiter\": \"" + (delimiter.equals(",") ? "," : "\\t")
                    + "\", \"head\": 1, \"partition\": 1, \"namespace\": \"awkward\", \"table_name\": \""
                    + table + "\", \"drop\": 1}";
            JsonNode r = json(node.http().pythonUpload(csv("awkward-" + table + ".csv", file.toString()), conf));
            assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
            List<List<String>> stored = new ArrayList<>();
            try (Connection c = node.node().database().dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet meta = s.executeQuery("SELECT f_address->>'table' FROM t_storage_table_meta "
                         + "WHERE f_namespace = 'awkward' AND f_name = '" + table + "'")) {
                meta.next();
                String physical = meta.getString(1);
                try (ResultSet rs = s.executeQuery("SELECT f_line, f_key, f_value FROM fedflow_data." + physical
                        + " ORDER BY f_line")) {
                    while (rs.next()) {
                        assertThat(rs.getLong(1)).isEqualTo(stored.size() + 1);
                        stored.add(List.of(rs.getString(2), rs.getString(3)));
                    }
                }
            }
            List<List<String>> expected = new ArrayList<>();
            for (List<String> row : rows) {
                expected.add(List.of(row.get(0), String.join(delimiter, row.subList(1, row.size()))));
            }
            assertThat(stored).isEqualTo(expected);
        }
    }

    /**
     * A client that goes away in the middle of the file part (here right after a complete line) must not
     * leave a table holding the rows that arrived: the streamed upload fails instead of ending early.
     */
    @Test
    void aClientGoneMidFileLeavesNoTable() throws Exception {
        List<String> before = dataTables();
        String boundary = "cutcutcut";
        String conf = "{\"file\": \"cut.csv\", \"id_delimiter\": \",\", \"head\": 1, \"partition\": 1, "
                + "\"namespace\": \"cut\", \"table_name\": \"t\", \"drop\": 1}";
        StringBuilder sent = new StringBuilder("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"cut.csv\"\r\nContent-Type: application/octet-stream\r\n\r\nid,x\n");
        for (int i = 1; i <= 20_000; i++) {
            sent.append(i).append(",1\n");
        }
        byte[] part = sent.toString().getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket("127.0.0.1", node.httpPort())) {
            var out = socket.getOutputStream();
            out.write(("POST /v1/data/upload?" + FlowHttp.requestsQuote(conf) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: "
                    + (part.length * 10L) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(part);
            out.flush();
            // the loader has started on the rows sent
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(UploadHttpTest::cutUploadStatus, "running"::equals);
        } // closed without the rest of the body
        String status = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(UploadHttpTest::cutUploadStatus, st -> st != null && !st.equals("running"));
        assertThat(status).isEqualTo("failed");
        assertThat(tableInfo("cut", "t").at("/data/exist").asInt()).isZero();
        assertThat(dataTables()).isEqualTo(before);
    }

    /** The status of the upload task into namespace "cut", or null before it exists. */
    static String cutUploadStatus() throws Exception {
        try (Connection c = node.node().database().dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT f_status FROM t_task WHERE f_component_module = "
                     + "'Upload' AND f_component_parameters->>'namespace' = 'cut'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The PostgreSQL tables holding uploaded rows. */
    static List<String> dataTables() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = node.node().database().dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'fedflow_data' "
                     + "ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
