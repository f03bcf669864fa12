package io.fedflow.node.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Uploads of CSV text made up by a test (the example tables are {@link FederatedSites#upload}'s). */
public final class Uploads {
    private Uploads() {}

    /** Uploads {@code csv} (a header line, then rows) as namespace.name and waits until table_info counts its rows. */
    public static void csv(FlowHttp http, String namespace, String name, String csv) throws IOException {
        Path f = Files.createTempFile("upload", ".csv");
        Files.writeString(f, csv);
        JsonNode r = FlowHttp.JSON.readTree(http.pythonUpload(f, "{\"head\": 1, \"partition\": 1, \"namespace\": \""
                + namespace + "\", \"table_name\": \"" + name + "\", \"id_delimiter\": \",\", \"drop\": 1}").body());
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        long rows = csv.lines().count() - 1;
        await().atMost(Duration.ofSeconds(30)).until(() -> http.post("/v1/table/table_info",
                Map.of("namespace", namespace, "table_name", name)).at("/data/count").asLong() == rows);
    }
}
