package io.fedflow.node.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.BoardHttp;
import io.fedflow.node.testing.EventStream;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.PrometheusScrape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Following a job live: every page watching one job shares one read a second, the streams end with the job,
 * a finished job is sent once, and the watchers are capped ({@code --max-board-watchers}, here 3).
 */
class JobEventsTest {
    private static final int CAP = 3;

    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder()
            .configure(b -> b.limits(Limits.builder().maxBoardWatchers(CAP).build())).build();

    @BeforeAll
    static void upload() {
        JsonNode upload = LocalJobs.uploadBreast(node.http());
        assertThat(upload.path("retcode").asInt()).as(upload.toString()).isZero();
    }

    private static double meter(String name) {
        return PrometheusScrape.of(node.httpPort()).samples().stream().filter(s -> s.name().equals(name))
                .mapToDouble(PrometheusScrape.Sample::value).sum();
    }

    private static String endlessJob() {
        JsonNode submitted = node.http().post("/v1/job/submit", "{\"job_dsl\": " + LocalJobs.DSL
                + ", \"job_runtime_conf\": " + LocalJobs.conf(LocalJobs.TABLE, "\"max_iter\": 1000000, \"tol\": 0.0",
                "") + "}");
        assertThat(submitted.path("retcode").asInt()).as(submitted.toString()).isZero();
        return submitted.path("jobId").asText();
    }

    private static EventStream follow(String jobId) {
        return EventStream.open(node.http(), "/board/api/jobs/" + jobId + "/events");
    }

    @Test
    void watchersOfOneJobShareOneReadASecondAndTheirStreamsEndWithTheJob() {
        String jobId = endlessJob();
        double pollsBefore = meter("fedflow_board_job_polls_total");
        List<EventStream> pages = new ArrayList<>();
        for (int i = 0; i < CAP; i++) {
            pages.add(follow(jobId));
        }
        try {
            for (EventStream page : pages) {
                assertThat(page.status()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() -> !page.events().isEmpty());
                EventStream.Event first = page.events().get(0);
                assertThat(first.name()).isEqualTo("job");
                assertThat(first.json().path("job").path("job_id").asText()).isEqualTo(jobId);
                assertThat(first.json().path("components")).hasSize(5);
            }
            assertThat(meter("fedflow_board_watchers")).isEqualTo(CAP);
            assertThat(meter("fedflow_board_followed_jobs")).as("one poll for every page of the job").isEqualTo(1);

            // Over a few seconds, the job is read about once a second: not once a second per page.
            long start = System.nanoTime();
            double polls0 = meter("fedflow_board_job_polls_total");
            await().atMost(Duration.ofSeconds(60)).until(() -> meter("fedflow_board_job_polls_total") - polls0 >= 3);
            double polls = meter("fedflow_board_job_polls_total") - polls0;
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(polls).as("reads in %.1f s with %d pages", seconds, CAP).isLessThanOrEqualTo(seconds + 1);

            // One more page is refused, naming the flag; a page that leaves frees its place.
            try (EventStream refused = follow(jobId)) {
                assertThat(refused.status()).isEqualTo(400);
                await().atMost(Duration.ofSeconds(10)).until(refused::ended);
                JsonNode envelope = FlowHttp.JSON.readTree(refused.body());
                assertThat(envelope.path("retcode").asInt()).isEqualTo(100);
                assertThat(envelope.path("retmsg").asText()).contains(Limits.MAX_BOARD_WATCHERS_FLAG);
            }
            pages.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).until(() -> meter("fedflow_board_watchers") == CAP - 1);
            EventStream again = follow(jobId);
            pages.add(again);
            assertThat(again.status()).isEqualTo(200);
            assertThat(meter("fedflow_board_followed_jobs")).isEqualTo(1);

            JsonNode stopped = new BoardHttp(node.http()).post("jobs/" + jobId + "/stop", "{\"status\": \"canceled\"}");
            assertThat(stopped.path("retcode").asInt()).as(stopped.toString()).isZero();
            for (EventStream page : pages) {
                await().atMost(Duration.ofSeconds(60)).until(page::ended);
                List<EventStream.Event> events = page.events();
                assertThat(events.get(events.size() - 1).json().path("job").path("status").asText())
                        .isEqualTo("canceled");
            }
            assertThat(meter("fedflow_board_watchers")).isZero();
            assertThat(meter("fedflow_board_followed_jobs")).isZero();
            // Nothing reads a job nobody follows.
            double after = meter("fedflow_board_job_polls_total");
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> meter("fedflow_board_job_polls_total") == after);
            assertThat(after).isGreaterThan(pollsBefore);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pages.forEach(EventStream::close);
        }
    }

    @Test
    void aFinishedJobIsSentOnceAndItsStreamEnds() {
        FlowHttp h = node.http();
        String jobId = endlessJob();
        JsonNode stopped = new BoardHttp(h).post("jobs/" + jobId + "/stop", "{}");
        assertThat(stopped.path("retcode").asInt()).as(stopped.toString()).isZero();
        await().atMost(Duration.ofMinutes(1)).until(() -> new BoardHttp(h).data("jobs/" + jobId).path("job")
                .path("status").asText(), "canceled"::equals);
        try (EventStream page = follow(jobId)) {
            assertThat(page.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(page::ended);
            assertThat(page.events()).hasSize(1);
            assertThat(page.events().get(0).json().path("job").path("status").asText()).isEqualTo("canceled");
        }
        assertThat(meter("fedflow_board_followed_jobs")).isZero();
    }

    @Test
    void anUnknownJobIsRefusedNamingIt() throws Exception {
        try (EventStream page = follow("20200101000000000000")) {
            assertThat(page.status()).isEqualTo(404);
            await().atMost(Duration.ofSeconds(10)).until(page::ended);
            JsonNode envelope = FlowHttp.JSON.readTree(page.body());
            assertThat(envelope.path("retcode").asInt()).isNotZero();
            assertThat(envelope.path("retmsg").asText()).contains("20200101000000000000");
        }
    }
}
