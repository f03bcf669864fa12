package io.fedflow.node.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The board is served by the node itself: its pages, ECharts from the WebJar, and the JSON the pages read. */
class BoardPagesTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private HttpResponse<String> get(String path) {
        FlowHttp h = node.http();
        return h.send(HttpRequest.newBuilder(URI.create(h.base() + path)).build());
    }

    @Test
    void theBoardsPagesAndEchartsComeFromTheNodeJar() {
        HttpResponse<String> page = get("/board/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("board.js");
        assertThat(get("/board/board.js").statusCode()).isEqualTo(200);
        HttpResponse<String> echarts = get("/board/lib/echarts/echarts.min.js");
        assertThat(echarts.statusCode()).isEqualTo(200);
        assertThat(echarts.body()).contains("echarts");
        assertThat(get("/board").statusCode()).as("/board redirects to /board/").isEqualTo(301);
        assertThat(get("/board/no-such-page.html").statusCode()).isEqualTo(404);
    }

    @Test
    void theJobListAnswersFatesEnvelopeWithTheNodesJobs() throws Exception {
        FlowHttp h = node.http();
        LocalJobs.uploadBreast(h);
        JsonNode submitted = LocalJobs.submit(h);
        assertThat(submitted.path("retcode").asInt()).as(submitted.toString()).isZero();
        String jobId = submitted.path("jobId").asText();
        JsonNode answer = FlowHttp.JSON.readTree(get("/board/api/jobs?limit=50").body());
        assertThat(answer.path("retcode").asInt()).isZero();
        assertThat(answer.path("data").path("jobs").findValuesAsText("job_id")).contains(jobId);
    }

    @Test
    void aSubmitAnswersTheBoardPageOfItsJob() throws Exception {
        FlowHttp h = node.http();
        JsonNode submitted = LocalJobs.submit(h);
        String jobId = submitted.path("jobId").asText();
        String page = "/board/job.html?job_id=" + jobId + "&role=local&party_id=0";
        // the test node listens on a port chosen at start (--http-port 0): the link names the one it took
        assertThat(node.config().httpPort()).isZero();
        assertThat(submitted.at("/data/board_url").asText()).isEqualTo("http://127.0.0.1:" + node.httpPort() + page);
        assertThat(get(page).statusCode()).isEqualTo(200);
        JsonNode job = FlowHttp.JSON.readTree(get("/board/api/jobs/" + jobId + "?role=local&party_id=0").body());
        assertThat(job.path("retcode").asInt()).as(job.toString()).isZero();
        assertThat(job.at("/data/job/job_id").asText()).isEqualTo(jobId);
    }
}
