package io.fedflow.node.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.Node;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.TestNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** /health says whether the node can work, naming the part that cannot: its database, its scheduler. */
class HealthTest {
    private static final Limits QUICK = Limits.builder().healthTimeout(Duration.ofMillis(500))
            .schedulerStallTimeout(Duration.ofSeconds(1)).jobDbPool(2).build();
    private TestNode site;
    private Node node;
    private final List<Connection> held = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Connection c : held) {
            c.close();
        }
        if (site != null) {
            site.stop();
        }
    }

    /** Each test its own node (party ids differ so that scheduler threads can be told apart). */
    private Node start(String partyId, boolean ownEmbeddedDatabase) {
        TestNode.Builder b = TestNode.builder(partyId).configure(c -> c.limits(QUICK));
        if (ownEmbeddedDatabase) {
            b.ownEmbeddedDatabase();
        }
        site = b.build().start();
        node = site.node();
        return node;
    }

    private record Answer(int status, JsonNode body) {}

    private Answer get(String path) throws IOException {
        HttpResponse<String> r = new FlowHttp(node.httpPort()).send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.httpPort() + path)).timeout(Duration.ofSeconds(10)).build());
        return new Answer(r.statusCode(), FlowHttp.JSON.readTree(r.body()));
    }

    @Test
    void upWhenAllIsWell() throws IOException {
        start("7101", false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Answer a = get("/health");
            assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
            assertThat(a.body().toString()).isEqualTo("{\"status\":\"up\",\"database\":\"up\",\"scheduler\":\"up\"}");
        });
        assertThat(get("/health/ready").status()).isEqualTo(200);
        assertThat(get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void downNamingTheDatabaseAndTheSchedulerWhenTheJobPoolIsExhausted() throws Exception {
        start("7102", false);
        for (int i = 0; i < 2; i++) {
            held.add(node.jobPool().dataSource().getConnection());
        }
        // The scheduler's next round waits for a connection: the pool is exhausted and the loop stuck.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Answer a = get("/health");
            assertThat(a.status()).isEqualTo(503);
            assertThat(a.body().get("status").asText()).isEqualTo("down");
            assertThat(a.body().get("database").asText()).contains("fedflow-jobs exhausted", "2 of 2");
            assertThat(a.body().get("scheduler").asText()).startsWith("stalled");
        });
        // Liveness is about the process, which still answers.
        assertThat(get("/health/live").status()).isEqualTo(200);

        for (Connection c : held) {
            c.close();
        }
        held.clear();
        await().atMost(Duration.ofSeconds(40)).until(() -> get("/health").status() == 200);
    }

    @Test
    void downNamingTheSchedulerWhenItsLoopDied() throws IOException {
        start("7103", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/health").status() == 200);
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("fedflow-scheduler-7103"))
                .forEach(Thread::interrupt);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Answer a = get("/health");
            assertThat(a.status()).isEqualTo(503);
            assertThat(a.body().get("scheduler").asText()).startsWith("stopped");
            assertThat(a.body().get("database").asText()).isEqualTo("up");
        });
    }

    @Test
    void downNamingTheDatabaseWithinTheTimeoutWhenPostgresStopped() throws Exception {
        start("7104", true); // its own embedded PostgreSQL, which this test stops
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/health").status() == 200);
        Path pid = node.config().dataDir().resolve("pg/postmaster.pid");
        long postmaster = Long.parseLong(Files.readAllLines(pid).get(0).trim());
        // SIGINT: PostgreSQL's fast shutdown, which ends the sessions the node holds open.
        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(postmaster)).start().waitFor()).isZero();
        // Each answer comes within the health timeout (and its margin): get() gives up after 10 s.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Answer a = get("/health");
            assertThat(a.status()).isEqualTo(503);
            assertThat(a.body().get("database").asText()).startsWith("down");
        });
    }
}
