package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.Node;
import io.fedflow.node.core.Limits;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.store.DatabaseNotifications;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.TestNodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * job/query's answers to a poll of an ended job, kept in memory: a kept answer is byte for byte the database's;
 * a change this process commits shows at the very next poll; one another process sharing the database commits
 * (through its API or a plain SQL UPDATE no node sees) shows once its NOTIFY arrives; while the listening
 * connection is cut nothing is answered from memory; with the cache off, every poll reads the database.
 */
class JobQueryCacheTest {
    static final String PARTY = "10000";
    static final AtomicInteger NOTES = new AtomicInteger();

    @RegisterExtension
    static final NodeExtension first = NodeExtension.builder().partyId(PARTY).build();
    /** A second process of the same site over the same database. */
    static Node second;
    /** The same site's third process, the cache off. */
    static Node uncached;
    static String jobId;

    @BeforeAll
    static void start() throws Exception {
        second = TestNodes.start(NodeConfig.builder(PARTY, Files.createTempDirectory("fedflow-node-10000-b-"))
                .dbUrl(first.config().dbUrl()).dbUser(first.config().dbUser()).build());
        uncached = TestNodes.start(NodeConfig.builder(PARTY, Files.createTempDirectory("fedflow-node-10000-c-"))
                .dbUrl(first.config().dbUrl()).dbUser(first.config().dbUser())
                .limits(Limits.builder().jobQueryCacheBytes(0).build()).build());
        JsonNode upload = LocalJobs.uploadBreast(first.http());
        assertThat(upload.path("retcode").asInt(-1)).as(upload.toString()).isZero();
        jobId = upload.get("jobId").asText();
        // the general query (a status filter): never kept
        await().atMost(Duration.ofMinutes(1)).until(() -> first.http().post("/v1/job/query",
                Map.of("job_id", jobId, "status", List.of("success"))).path("data").size() > 0);
    }

    @AfterAll
    static void stop() throws Exception {
        second.close();
        uncached.close();
    }

    private static Map<String, Object> poll() {
        return Map.of("job_id", jobId);
    }

    private static String raw(FlowHttp h, Map<String, ?> body) {
        try {
            HttpResponse<String> r = h.postRaw("/v1/job/query", FlowHttp.JSON.writeValueAsString(body));
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String notes(FlowHttp h) {
        return h.post("/v1/job/query", poll()).at("/data/0/f_description").asText();
    }

    /** Sets the job's notes with a plain UPDATE on a connection of its own, as psql would: no node sees it. */
    private static void updateBySql(String notes) {
        try (Connection c = first.node().database().openConnection();
             PreparedStatement s = c.prepareStatement("update t_job set f_description = ? where f_job_id = ?")) {
            s.setString(1, notes);
            s.setString(2, jobId);
            assertThat(s.executeUpdate()).isPositive();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void trigger(boolean enabled) {
        try (Connection c = first.node().database().openConnection(); Statement s = c.createStatement()) {
            s.execute("alter table t_job " + (enabled ? "enable" : "disable") + " trigger t_job_notify");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Integer> listeners() {
        return first.node().database().dsl().fetch("select pid from pg_stat_activity where datname = "
                + "current_database() and application_name = ?", DatabaseNotifications.APPLICATION_NAME)
                .getValues(0, Integer.class);
    }

    /**
     * Each case starts from a kept answer that agrees with the database: the last case's final write may have
     * been committed with its NOTIFY still on the way.
     */
    @BeforeEach
    void cacheAgreesWithTheDatabase() {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> notes(first.http()).equals(notes(new FlowHttp(uncached.httpPort()))));
    }

    @Test
    void aKeptAnswerIsTheDatabasesByteForByte() {
        String miss = raw(first.http(), poll());
        String hit = raw(first.http(), poll());
        assertThat(hit).isEqualTo(miss).contains("\"f_job_id\":\"" + jobId + "\"", "\"f_status\":\"success\"");
        // the general query (never kept) and the node without a cache read the database
        assertThat(hit).isEqualTo(raw(first.http(), Map.of("job_id", jobId, "status", List.of("success"))))
                .isEqualTo(raw(new FlowHttp(uncached.httpPort()), poll()));
        // with a role and a party, and a miss
        Map<String, Object> withParty = Map.of("job_id", jobId, "role", "local", "party_id", "0");
        assertThat(raw(first.http(), withParty)).isEqualTo(raw(first.http(), withParty))
                .isEqualTo(raw(new FlowHttp(uncached.httpPort()), withParty));
        Map<String, Object> none = Map.of("job_id", jobId, "role", "guest");
        assertThat(raw(first.http(), none)).isEqualTo(raw(first.http(), none)).contains("no job could be found");
    }

    /** Without waiting for the NOTIFY: with the trigger disabled, only the commit seen in process drops the answer. */
    @Test
    void aChangeThisProcessCommitsShowsAtTheNextPoll() {
        notes(first.http());
        notes(first.http()); // kept
        withoutTheTrigger(() -> {
            String notes = "local " + NOTES.incrementAndGet();
            JsonNode updated = first.http().post("/v1/job/update", Map.of("job_id", jobId, "role", "local",
                    "party_id", "0", "notes", notes));
            assertThat(updated.path("retcode").asInt(-1)).as(updated.toString()).isZero();
            assertThat(notes(first.http())).isEqualTo(notes);
        });
    }

    @Test
    void aChangeAnotherProcessCommitsShowsOnceItsNotifyArrives() {
        notes(first.http());
        String notes = "second process " + NOTES.incrementAndGet();
        JsonNode updated = new FlowHttp(second.httpPort()).post("/v1/job/update", Map.of("job_id", jobId, "role", "local",
                "party_id", "0", "notes", notes));
        assertThat(updated.path("retcode").asInt(-1)).as(updated.toString()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> notes(first.http()), notes::equals);
    }

    @Test
    void aPlainSqlUpdateNoNodeSeesShowsOnceItsNotifyArrives() {
        notes(first.http());
        String notes = "psql " + NOTES.incrementAndGet();
        updateBySql(notes);
        await().atMost(Duration.ofSeconds(30)).until(() -> notes(first.http()), notes::equals);
        assertThat(notes(new FlowHttp(uncached.httpPort()))).isEqualTo(notes);
    }

    /** What the trigger's NOTIFY is for: without it, the kept answer stays; the node without a cache reads anew. */
    @Test
    void withoutTheTriggerAPlainSqlUpdateIsNotSeenByTheCache() {
        String kept = notes(first.http());
        notes(first.http());
        withoutTheTrigger(() -> {
            String notes = "unnotified " + NOTES.incrementAndGet();
            updateBySql(notes);
            assertThat(notes(new FlowHttp(uncached.httpPort()))).isEqualTo(notes);
            assertThat(notes(first.http())).isEqualTo(kept);
        });
    }

    /** Runs {@code body} with t_job's NOTIFY trigger off, then turns it on and moves the job's notes on. */
    private static void withoutTheTrigger(Runnable body) {
        trigger(false);
        try {
            body.run();
        } finally {
            trigger(true);
            updateBySql("restored " + NOTES.incrementAndGet());
        }
    }

    @Test
    void whileTheListeningConnectionIsCutNothingIsAnsweredFromMemory() {
        await().atMost(Duration.ofSeconds(30)).until(() -> listeners().size() == 3);
        List<Integer> before = listeners();
        notes(first.http());
        first.node().database().dsl().fetch("select pg_terminate_backend(pid) from pg_stat_activity where datname = "
                + "current_database() and application_name = ?", DatabaseNotifications.APPLICATION_NAME);
        // the listening backends are gone; before they are made again (half a second later at the soonest),
        // a write no node sees is read from the database, not from memory
        await().atMost(Duration.ofSeconds(30)).until(() -> listeners().stream().noneMatch(before::contains));
        String outage = "outage " + NOTES.incrementAndGet();
        updateBySql(outage);
        assertThat(notes(first.http())).isEqualTo(outage);
        // listening again on new connections: answers are kept and dropped by NOTIFYs as before
        await().atMost(Duration.ofSeconds(30)).until(() -> listeners().size() == 3);
        notes(first.http());
        String after = "after " + NOTES.incrementAndGet();
        updateBySql(after);
        await().atMost(Duration.ofSeconds(30)).until(() -> notes(first.http()), after::equals);
    }
}
