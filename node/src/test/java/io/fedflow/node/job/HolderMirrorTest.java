package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.builtin.Builtins;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.Database;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import io.fedflow.node.testing.Jobs;
import io.fedflow.node.testing.TestNodes;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The initiator's holder rows follow what the other party reports, whatever their versions. */
class HolderMirrorTest {
    @Test
    void aHolderRerunThatThePartyDidNotNeedTakesThePartysStatus() throws Exception {
        try (Database db = Database.external(TestNodes.newDatabase(), "postgres", null)) {
            JobStore jobs = new JobStore(db.dsl(), Clock.systemUTC());
            DslParser parser = new DslParser(Builtins.registry());
            JobPlan plan = parser.parse(Json.parse(Jobs.DSL),
                    Json.parse(Jobs.conf("10000", "")));
            String jobId = "202611270000000000000";
            jobs.createJob(jobId, plan, (ObjectNode) plan.conf(), 1, 100, "m", jobId, "9999", true);
            TTaskRecord holder = host(jobs.latestTasks(jobId), "reader_0");
            assertThat(holder.getFRunOnThisParty()).isFalse();

            // the holder was still waiting when the job stopped, so the rerun gave it a new version...
            jobs.newTaskVersion(holder, holder.getFTaskVersion() + 1, 0);
            // ...but at the host the task had succeeded: it keeps version 0 and reports it
            jobs.mirrorTasks(jobId, List.of(new RemoteParties.RemoteTask(holder.getFTaskId(), 0, "reader_0", "host",
                    "10000", "success", "success", 1L, 2L, 2L, null)));
            TTaskRecord latest = host(jobs.latestTasks(jobId), "reader_0");
            assertThat(latest.getFTaskVersion()).isEqualTo(1);
            assertThat(latest.getFStatus()).isEqualTo("success");

            // a party that retried on its own is ahead: its version is added
            jobs.mirrorTasks(jobId, List.of(new RemoteParties.RemoteTask(holder.getFTaskId(), 3, "reader_0", "host",
                    "10000", "running", "running", 5L, null, 5L, null)));
            latest = host(jobs.latestTasks(jobId), "reader_0");
            assertThat(latest.getFTaskVersion()).isEqualTo(3);
            assertThat(latest.getFStatus()).isEqualTo("running");
        }
    }

    private static TTaskRecord host(List<TTaskRecord> tasks, String component) {
        return tasks.stream().filter(t -> t.getFRole().equals("host") && t.getFComponentName().equals(component))
                .findFirst().orElseThrow();
    }
}
