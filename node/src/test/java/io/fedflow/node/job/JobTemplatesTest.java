package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.TarReader;
import io.fedflow.proto.v1.TemplateRequest;
import io.fedflow.proto.v1.TemplateServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FATE's template download: the repository's examples as a tar.gz. */
class JobTemplatesTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static Map<String, byte[]> download(String body) {
        HttpResponse<byte[]> r = node.http().client().sendAsync(HttpRequest.newBuilder(
                        URI.create(node.http().base() + "/v1/template/download"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray())
                .join();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition").orElse("")).contains("template.tar.gz");
        return TarReader.read(r.body());
    }

    @Test
    void theArchiveHoldsTheExamplesAsTheRepositoryHasThem() throws Exception {
        Map<String, byte[]> all = download("{}");
        assertThat(all).containsKeys("examples/hetero_job_dsl.json", "examples/hetero_job_conf.json",
                "examples/data/breast_hetero_guest.csv", "examples/data/breast_partial_host.csv");
        assertThat(new String(all.get("examples/hetero_job_dsl.json"), StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(Path.of("../examples/hetero_job_dsl.json")));
        assertThat(all.keySet()).allMatch(n -> n.startsWith("examples/")).noneMatch(n -> n.endsWith(".java"));
    }

    @Test
    void minDataKeepsOnlyTheBreastPairOfTheData() {
        // FATE's CLI sends min_data as an int
        Map<String, byte[]> min = download("{\"min_data\": 1}");
        assertThat(min.keySet()).filteredOn(n -> n.startsWith("examples/data/"))
                .containsExactlyInAnyOrder("examples/data/breast_hetero_guest.csv", "examples/data/breast_hetero_host.csv");
        assertThat(min).containsKey("examples/local_job_dsl.json");
    }

    @Test
    void theSameArchiveOverGrpc() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TemplateServiceGrpc.newBlockingStub(node.channel())
                .downloadTemplates(TemplateRequest.newBuilder().setMinData(true).build())
                .forEachRemaining(c -> bytes.writeBytes(c.getContent().toByteArray()));
        assertThat(TarReader.read(bytes.toByteArray()).keySet()).contains("examples/hetero_job_conf.json")
                .doesNotContain("examples/data/breast_partial_guest.csv");
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedWithTheEnvelope() throws Exception {
        HttpResponse<String> r = node.http().postRaw("/v1/template/download", "{min_data");
        assertThat(r.statusCode()).isNotEqualTo(200);
        assertThat(FlowHttp.JSON.readTree(r.body()).get("retcode").asInt()).isNotZero();
    }
}
