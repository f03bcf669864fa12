package io.fedflow.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.PrometheusScrape;
import io.fedflow.node.testing.TestNodes;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a metrics token file, GET /metrics answers only a scrape carrying the token as a bearer token: none or
 * a wrong one is refused with 401 and FATE's envelope (109). A node whose token file is empty does not start.
 */
class MetricsTokenTest {
    static final String TOKEN = "s3cret-scrape-token";

    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().configure(b -> {
        Path file = Files.createTempFile("fedflow-metrics-token", ".txt");
        Files.writeString(file, TOKEN + "\n");
        b.metricsTokenFile(file);
    }).build();

    @Test
    void aScrapeWithTheTokenIsAnswered() {
        HttpResponse<String> r = PrometheusScrape.get(node.httpPort(), "Bearer " + TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(PrometheusScrape.parse(r.body()).has("fedflow_jobs_running")).isTrue();
    }

    @Test
    void aScrapeWithoutTheTokenIsRefused() throws Exception {
        HttpResponse<String> r = PrometheusScrape.get(node.httpPort(), null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(FlowHttp.JSON.readTree(r.body()).path("retcode").asInt()).isEqualTo(109);
        assertThat(r.body()).contains("metrics token").doesNotContain(TOKEN);
    }

    @Test
    void aScrapeWithAnotherTokenIsRefused() throws Exception {
        HttpResponse<String> r = PrometheusScrape.get(node.httpPort(), "Bearer " + TOKEN + "x");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(FlowHttp.JSON.readTree(r.body()).path("retmsg").asText()).isEqualTo("/metrics: wrong metrics token");
    }

    @Test
    void theHealthAndApiRoutesAreNotBehindTheToken() {
        assertThat(node.http().post("/v1/version/get", "{}").path("retcode").asInt()).isZero();
    }

    @Test
    void anEmptyTokenFileStopsTheStart(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("token"), "  \n");
        NodeConfig config = NodeConfig.builder("4321", dir.resolve("data")).dbUrl(TestNodes.newDatabase())
                .dbUser("postgres").metricsTokenFile(empty).build();
        assertThatThrownBy(() -> TestNodes.start(config).close())
                .hasMessageContaining("metrics token file").hasMessageContaining("empty");
    }
}
