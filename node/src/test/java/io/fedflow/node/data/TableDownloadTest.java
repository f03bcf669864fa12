package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.TarReader;
import io.fedflow.node.testing.Uploads;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FATE 1.11's /v1/table/download (table_app.table_download): a GET with a JSON body answering
 * table_&lt;namespace&gt;_&lt;name&gt;.tar.gz with table.csv and table.meta; 210 for an unknown table, a disabled
 * table refused, each refusal a non-200 status with the envelope.
 */
class TableDownloadTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static final String ROWS = "id,y,x0\na,1,0.5\nb,0,1.5\nc,1,2.5\n";

    private static JsonNode envelope(HttpResponse<byte[]> r) throws IOException {
        return FlowHttp.JSON.readTree(r.body());
    }

    @Test
    void theTableAsFatesArchive() throws Exception {
        Uploads.csv(node.http(), "dl", "whole", ROWS);
        HttpResponse<byte[]> r = node.http().getWithBody("/v1/table/download",
                Map.of("namespace", "dl", "name", "whole"));
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                .contains("table_dl_whole.tar.gz");
        Map<String, byte[]> files = TarReader.read(r.body());
        assertThat(files).containsOnlyKeys("table.csv", "table.meta");
        assertThat(new String(files.get("table.csv"), StandardCharsets.UTF_8).lines().toList())
                .containsExactly("id,y,x0", "a,1,0.5", "b,0,1.5", "c,1,2.5");
        assertThat(FlowHttp.JSON.readTree(files.get("table.meta")).get("header").toString())
                .isEqualTo("[\"id\",\"y\",\"x0\"]");

        // head false leaves the header line out; table_name works as name; POST works too
        HttpResponse<byte[]> noHead = node.http().getWithBody("/v1/table/download",
                Map.of("namespace", "dl", "table_name", "whole", "head", false));
        assertThat(new String(TarReader.read(noHead.body()).get("table.csv"), StandardCharsets.UTF_8).lines()
                .toList()).containsExactly("a,1,0.5", "b,0,1.5", "c,1,2.5");
        HttpResponse<String> posted = node.http().postRaw("/v1/table/download",
                "{\"namespace\": \"dl\", \"name\": \"whole\"}");
        assertThat(posted.statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownTableIsFates210() throws Exception {
        HttpResponse<byte[]> r = node.http().getWithBody("/v1/table/download", Map.of("namespace", "no", "name", "such"));
        assertThat(r.statusCode()).isEqualTo(210);
        assertThat(envelope(r).get("retcode").asInt()).isEqualTo(210);
        assertThat(envelope(r).get("retmsg").asText()).isEqualTo("no found table:no, such");
    }

    @Test
    void aDisabledTableIsRefused() throws Exception {
        Uploads.csv(node.http(), "dl", "off", ROWS);
        assertThat(node.http().post("/v1/table/disable", Map.of("namespace", "dl", "name", "off"))
                .get("retcode").asInt()).isZero();
        HttpResponse<byte[]> r = node.http().getWithBody("/v1/table/download", Map.of("namespace", "dl", "name", "off"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(envelope(r).get("retcode").asInt()).isEqualTo(102);
        assertThat(envelope(r).get("retmsg").asText()).contains("dl.off", "disabled");

        assertThat(node.http().post("/v1/table/enable", Map.of("namespace", "dl", "name", "off"))
                .get("retcode").asInt()).isZero();
        assertThat(node.http().getWithBody("/v1/table/download", Map.of("namespace", "dl", "name", "off"))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aMissingNameOrNamespaceIsRefusedNamingThem() throws Exception {
        HttpResponse<byte[]> r = node.http().getWithBody("/v1/table/download", Map.of("namespace", "dl"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(envelope(r).get("retcode").asInt()).isEqualTo(101);
        assertThat(envelope(r).get("retmsg").asText()).contains("name", "namespace");
    }
}
