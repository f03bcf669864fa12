package io.fedflow.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LogCapture;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.wire.FateJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Request bodies are read strictly (wrong JSON types, invalid UTF-8 and trailing content are argument
 * errors naming the field or the byte), what FATE's clients really send still works, and no answer
 * carries SQL or the driver's words.
 */
class RequestValidationTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    static HttpResponse<String> postBytes(String path, byte[] body, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.http().base() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return node.http().send(b.build());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return FlowHttp.JSON.readTree(r.body());
    }

    static void assertArgumentError(JsonNode answer, String... mentions) {
        assertThat(answer.path("retcode").asInt()).as(answer.toString()).isEqualTo(101);
        assertThat(answer.path("retmsg").asText()).as(answer.toString()).contains(mentions);
        assertNoSql(answer.path("retmsg").asText());
    }

    static void assertNoSql(String retmsg) {
        assertThat(retmsg.toLowerCase()).doesNotContain("select ", "insert into", "error:", "sql", "t_storage");
    }

    // Defect 10: SQL and driver messages stay out of answers.

    @Test
    void aNulInANameIsAnArgumentErrorNamingTheField() throws IOException {
        assertArgumentError(node.http().post("/v1/table/table_info", "{\"namespace\": \"a\", \"table_name\": \"b\\u0000c\"}"),
                "table_name", "NUL");
        assertArgumentError(node.http().post("/v1/data/download", "{\"namespace\": \"a\\u0000\", \"table_name\": \"b\"}"),
                "namespace", "NUL");
        assertArgumentError(node.http().post("/v1/job/query", "{\"job_id\": \"j\\u0000\"}"), "job_id");
        // NUL anywhere (jsonb cannot hold it either), named by its field
        assertArgumentError(node.http().post("/v1/job/submit", "{\"job_dsl\": {\"components\": {\"a\\u0000\": {}}}, "
                + "\"job_runtime_conf\": {}}"), "job_dsl");
    }

    @Test
    void controlCharactersInNamesAreArgumentErrors() throws IOException {
        assertArgumentError(node.http().post("/v1/table/table_info", "{\"namespace\": \"a\\u0001\", \"table_name\": \"b\"}"),
                "namespace", "U+0001");
    }

    @Test
    void aDatabaseRefusalReachingSqlIsAnsweredWithoutSqlAndLoggedOnce() throws IOException {
        // Requests cannot carry a NUL to PostgreSQL (JSON and gRPC refuse it up front); a file's content can.
        Path file = Files.createTempFile("nul", ".csv");
        Files.writeString(file, "id,x\n1,a\u0000b\n");
        try (LogCapture log = new LogCapture()) {
            JsonNode answer = json(node.http().pythonUpload(file, "{\"head\": 1, \"partition\": 1, \"namespace\": \"a\", "
                    + "\"table_name\": \"nul\", \"id_delimiter\": \",\", \"drop\": 1}"));
            assertArgumentError(answer, "upload of a.nul failed", "cannot be stored");
            String retmsg = answer.get("retmsg").asText();
            Matcher id = Pattern.compile("logged as (\\w+)").matcher(retmsg);
            assertThat(id.find()).as(retmsg).isTrue();
            // the details are in the node's log, once, under the id the answer gives
            assertThat(log.text().split(Pattern.quote("[" + id.group(1) + "]"), -1)).hasSize(2);
            assertThat(log.text()).contains("invalid byte sequence");
            assertThat(log.stackTraceLines()).isZero();
        }
    }

    // Defect 11: no silent coercion.

    @Test
    void anArrayWhereAStringIsExpectedIsRefused() throws IOException {
        assertArgumentError(node.http().post("/v1/table/table_info", "{\"namespace\": \"a\", \"table_name\": [\"x\"]}"),
                "field table_name must be a string, got an array");
        assertArgumentError(node.http().post("/v1/data/download", "{\"namespace\": {\"a\": 1}, \"table_name\": \"x\"}"),
                "field namespace must be a string, got an object");
        assertArgumentError(node.http().post("/v1/data/upload/history", "{\"limit\": [5]}"), "field limit");
        assertArgumentError(node.http().post("/v1/data/upload/history", "{\"limit\": \"five\"}"), "field limit");
        assertArgumentError(node.http().post("/v1/data/upload/history", "{\"limit\": 1e300}"), "field limit");
        assertArgumentError(node.http().post("/v1/data/upload", "{\"use_local_data\": 0, \"file\": \"x.csv\", "
                + "\"namespace\": \"n\", \"table_name\": \"t\", \"head\": 1, \"partition\": 1, \"extend_sid\": \"yes\"}"),
                "field extend_sid");
        assertArgumentError(node.http().post("/v1/job/query", "[{\"job_id\": \"x\"}]"), "JSON object", "an array");
    }

    @Test
    void invalidUtf8IsRefusedWithItsOffset() throws IOException {
        byte[] body = "{\"namespace\": \"a\", \"table_name\": \"\u00ff\u00fe\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertArgumentError(json(postBytes("/v1/table/table_info", body, null)), "UTF-8", "byte 34");
        assertArgumentError(json(postBytes("/v1/data/download", body, null)), "UTF-8", "byte 34");
    }

    @Test
    void jsonNestedPastTheCapIsRefusedEvenWhereTheFieldIsIgnored() {
        String atCap = "{\"a\":".repeat(FateJson.MAX_NESTING_DEPTH - 1) + "1" + "}".repeat(FateJson.MAX_NESTING_DEPTH - 1);
        String overCap = "[".repeat(FateJson.MAX_NESTING_DEPTH + 1) + "]".repeat(FateJson.MAX_NESTING_DEPTH + 1);
        // site/peer/reload reads no field, so only the cap can refuse a body there
        assertThat(node.http().post("/v1/site/peer/reload", atCap).path("retcode").asInt()).isZero();
        assertArgumentError(node.http().post("/v1/site/peer/reload", "{\"a\": " + overCap + "}"), "nests deeper than 64");
        assertArgumentError(node.http().post("/v1/table/table_info", overCap), "nests deeper than 64");
        assertArgumentError(node.http().post("/v1/data/download", overCap), "nests deeper than 64");
    }

    @Test
    void contentAfterTheJsonIsRefusedWithItsOffset() throws IOException {
        String body = "{\"namespace\": \"a\", \"table_name\": \"x\"} junk";
        assertArgumentError(node.http().post("/v1/table/table_info", body), "after the JSON", "byte 38");
        assertArgumentError(node.http().post("/v1/data/download", body), "after the JSON", "byte 38");
        assertArgumentError(node.http().post("/v1/data/upload", body), "after the JSON", "byte 38");
        assertArgumentError(node.http().post("/v1/table/table_info", "{} {}"), "after the JSON", "byte 3");
    }

    @Test
    void theUploadConfInTheQueryStringIsReadAsStrictly() throws IOException {
        String part = "--abc\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\nid\n1\n\r\n--abc--\r\n";
        String conf = "{\"namespace\": \"n\", \"table_name\": \"t\", \"head\": 1, \"partition\": 1}";
        for (String[] query : new String[][] {
                {FlowHttp.requestsQuote(conf) + "junk", "after the JSON"},
                {FlowHttp.requestsQuote(conf).replace("%22t%22", "%22%FF%22"), "not valid UTF-8"},
                {FlowHttp.requestsQuote(conf.replace("\"t\"", "[\"t\"]")), "field table_name must be a string"}}) {
            HttpResponse<String> r = node.http().send(HttpRequest.newBuilder(URI.create(node.http().base() + "/v1/data/upload?"
                            + query[0]))
                    .header("Content-Type", "multipart/form-data; boundary=abc")
                    .POST(HttpRequest.BodyPublishers.ofString(part)).build());
            assertArgumentError(json(r), query[1]);
        }
    }

    @Test
    void streamRoutesRefuseBadBodiesWithANon200StatusAndTheEnvelope() throws IOException {
        for (String path : new String[] {"/v1/job/log/download", "/v1/tracking/component/output/data/download"}) {
            HttpResponse<String> wrongType = postBytes(path, "{\"job_id\": [\"x\"]}".getBytes(StandardCharsets.UTF_8),
                    null);
            assertThat(wrongType.statusCode()).isEqualTo(400);
            assertArgumentError(json(wrongType), "field job_id must be a string");
            HttpResponse<String> trailing = postBytes(path, "{\"job_id\": \"x\"}]".getBytes(StandardCharsets.UTF_8),
                    null);
            assertThat(trailing.statusCode()).isEqualTo(400);
            assertArgumentError(json(trailing), "byte 15");
        }
        HttpResponse<String> csv = postBytes("/v1/data/download", "{\"table_name\": true}".getBytes(StandardCharsets.UTF_8),
                "text/csv");
        assertThat(csv.statusCode()).isEqualTo(400);
        assertArgumentError(json(csv), "field table_name must be a string, got a boolean");
    }

    @Test
    void whatFatesClientsSendStillWorks() throws IOException {
        // party_id as an int (SDK) or a string (CLI); limit as a string; empty and bodiless calls
        for (String body : new String[] {"{\"job_id\": \"x\", \"role\": \"guest\", \"party_id\": 9999}",
                "{\"job_id\": \"x\", \"role\": \"guest\", \"party_id\": \"9999\", \"local\": {\"role\": \"guest\"}}",
                "", "{}", "null", " {\"conf_path\": \"/tmp/c.json\"}\n"}) {
            JsonNode r = node.http().post("/v1/job/query", body);
            assertThat(r.path("retcode").asInt()).as(body + " -> " + r).isZero();
        }
        assertThat(node.http().post("/v1/data/upload/history", "{\"limit\": \"5\"}").path("retcode").asInt()).isZero();
        assertThat(node.http().post("/v1/data/upload/history", "{\"limit\": 5.0}").path("retcode").asInt()).isZero();
        JsonNode info = node.http().post("/v1/table/table_info", "{\"namespace\": \"ns\", \"table_name\": 123}");
        assertThat(info.path("retcode").asInt()).as(info.toString()).isZero();
        assertThat(info.at("/data/table_name").asText()).isEqualTo("123");
    }
}
