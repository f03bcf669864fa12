package io.fedflow.node.job;

import static io.fedflow.node.store.generated.Tables.T_TASK;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.builtin.Builtins;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.Database;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.TestNodes;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the scheduler's rounds read and write of a job: its latest task versions, its progress. */
class SchedulerRoundWritesTest {
    private static final String JOB = "202612050000000000001";

    @Test
    void latestTasksAreTheHighestVersionOfEachTaskInCreationOrder() throws Exception {
        try (Database db = Database.external(TestNodes.newDatabase(), "postgres", null)) {
            JobStore jobs = newJob(db);
            List<TTaskRecord> first = jobs.latestTasks(JOB);
            assertThat(first).isNotEmpty().allMatch(t -> t.getFTaskVersion() == 0);

            TTaskRecord guestReader = task(first, "guest", "reader_0");
            TTaskRecord hostReader = task(first, "host", "reader_0");
            jobs.newTaskVersion(guestReader, 1, 0);
            jobs.newTaskVersion(task(jobs.latestTasks(JOB), "guest", "reader_0"), 2, 0);
            jobs.newTaskVersion(hostReader, 1, 0);

            List<TTaskRecord> latest = jobs.latestTasks(JOB);
            // one row per task, role and party: the versions before stay in the table but not in the answer
            assertThat(latest).hasSameSizeAs(first);
            assertThat(task(latest, "guest", "reader_0").getFTaskVersion()).isEqualTo(2);
            assertThat(task(latest, "host", "reader_0").getFTaskVersion()).isEqualTo(1);
            assertThat(latest.stream().filter(t -> !t.getFComponentName().equals("reader_0")))
                    .allMatch(t -> t.getFTaskVersion() == 0);
            assertThat(db.dsl().fetchCount(db.dsl().selectFrom(T_TASK)))
                    .isEqualTo(first.size() + 3);
            // ordered by creation time, then task, role and party, as the scheduler and the task query expect
            assertThat(latest).isSortedAccordingTo(Comparator.comparing(TTaskRecord::getFCreateTime));
        }
    }

    @Test
    void settingTheSameProgressWritesNothing() throws Exception {
        try (Database db = Database.external(TestNodes.newDatabase(), "postgres", null)) {
            JobStore jobs = newJob(db);
            assertThat(jobs.setProgress(JOB, 40)).isTrue();
            String version = rowVersion(db);

            // every round computes the progress again: the same value leaves the row (and its NOTIFY) alone
            assertThat(jobs.setProgress(JOB, 40)).isFalse();
            assertThat(rowVersion(db)).isEqualTo(version);
            assertThat(jobs.jobRows(JOB)).allMatch(j -> j.getFProgress() == 40);

            assertThat(jobs.setProgress(JOB, 60)).isTrue();
            assertThat(rowVersion(db)).isNotEqualTo(version);
            assertThat(jobs.jobRows(JOB)).allMatch(j -> j.getFProgress() == 60);
        }
    }

    @Test
    void aRoundReadsTheRunningTheWaitingAndTheJobsToSyncAsTheirOwnQueriesDo() throws Exception {
        try (Database db = Database.external(TestNodes.newDatabase(), "postgres", null)) {
            JobStore jobs = newJob(db);
            assertRoundMatches(jobs);
            assertThat(jobs.roundJobs().running()).isEmpty();

            assertThat(jobs.markCreated(JOB)).isTrue();
            assertRoundMatches(jobs);
            assertThat(jobs.roundJobs().waiting()).extracting(j -> j.getFJobId()).containsExactly(JOB);

            assertThat(jobs.transitJob(JOB, JobStatus.RUNNING, null)).isTrue();
            assertRoundMatches(jobs);
            assertThat(jobs.roundJobs().running()).extracting(j -> j.getFJobId()).containsExactly(JOB);
            assertThat(jobs.roundJobs().waiting()).isEmpty();

            assertThat(jobs.transitJob(JOB, JobStatus.FAILED, "x")).isTrue();
            jobs.setSyncPending(JOB, true);
            assertRoundMatches(jobs);
            assertThat(jobs.roundJobs().toSync()).extracting(j -> j.getFJobId()).containsExactly(JOB);
            assertThat(jobs.roundJobs().running()).isEmpty();
        }
    }

    private static void assertRoundMatches(JobStore jobs) {
        JobStore.RoundJobs round = jobs.roundJobs();
        assertThat(round.running()).isEqualTo(jobs.jobsWithStatus(JobStatus.RUNNING));
        assertThat(round.waiting()).isEqualTo(jobs.jobsWithStatus(JobStatus.WAITING));
        assertThat(round.toSync()).containsExactlyInAnyOrderElementsOf(jobs.jobsToSync());
    }

    private static JobStore newJob(Database db) {
        JobStore jobs = new JobStore(db.dsl(), Clock.systemUTC());
        JobPlan plan = new DslParser(Builtins.registry()).parse(Json.parse(Jobs.DSL), Json.parse(Jobs.conf("10000", "")));
        jobs.createJob(JOB, plan, (ObjectNode) plan.conf(), 1, 100, "m", JOB, "9999", true);
        return jobs;
    }

    /** The transaction that last wrote the job's row: it changes with every write, even of the same values. */
    private static String rowVersion(Database db) {
        return db.dsl().fetchValue("select string_agg(xmin::text, ',' order by f_role) from t_job where f_job_id = ?",
                JOB).toString();
    }

    private static TTaskRecord task(List<TTaskRecord> tasks, String role, String component) {
        return tasks.stream().filter(t -> t.getFRole().equals(role) && t.getFComponentName().equals(component))
                .findFirst().orElseThrow();
    }
}
