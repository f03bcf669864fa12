package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code flow tag ...} and {@code flow model tag-model|tag-list} run in-process against a real node and job. */
class TagCliTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();
    private static String server;
    private static String jobId;

    @BeforeAll
    static void submitAJob() {
        server = "127.0.0.1:" + node.httpPort();
        assertThat(LocalJobs.uploadBreast(node.http()).get("retcode").asInt()).isZero();
        JsonNode submitted = LocalJobs.submit(node.http());
        assertThat(submitted.get("retcode").asInt()).as(submitted.toString()).isZero();
        jobId = submitted.get("jobId").asText();
    }

    private static CliRun flow(String... args) {
        return CliRun.flow(server, args);
    }

    @Test
    void tagCommandsRunFatesFlagsEndToEnd() {
        CliRun.ok(flow("tag", "create", "-t", "cli-tag", "-d", "from the cli"));
        CliRun.ok(flow("model", "tag-model", "-j", jobId, "-t", "cli-tag"));
        assertThat(CliRun.ok(flow("model", "tag-list", "-j", jobId)).out().at("/data/tags/0/name").asText())
                .isEqualTo("cli-tag");
        JsonNode listed = CliRun.ok(flow("tag", "list", "-l", "5")).out();
        assertThat(listed.at("/data/tags/0/name").asText()).isEqualTo("cli-tag");
        assertThat(listed.at("/data/tags/0/model_count").asInt()).isEqualTo(1);
        assertThat(CliRun.ok(flow("tag", "query", "-t", "cli-tag", "--with-model")).out().at("/data/models/0/model_version")
                .asText()).isEqualTo(jobId);
        CliRun.ok(flow("tag", "update", "-t", "cli-tag", "--new-tag-name", "cli-tag2", "--new-tag-desc", "renamed"));
        assertThat(CliRun.ok(flow("tag", "query", "-t", "cli-tag2")).out().at("/data/tags/0/description").asText())
                .isEqualTo("renamed");
        CliRun.ok(flow("model", "tag-model", "-j", jobId, "-t", "cli-tag2", "--remove"));
        assertThat(CliRun.ok(flow("model", "tag-list", "-j", jobId)).out().at("/data/count").asInt()).isZero();
        CliRun.ok(flow("tag", "delete", "-t", "cli-tag2"));

        CliRun gone = flow("tag", "delete", "-t", "cli-tag2");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.retcode()).isEqualTo(100);
        assertThat(gone.out().get("retmsg").asText()).contains("tag_name", "cli-tag2");
        CliRun unknownJob = flow("model", "tag-model", "-j", "202612040000000000001", "-t", "x");
        assertThat(unknownJob.retcode()).isEqualTo(100);
        assertThat(unknownJob.out().get("retmsg").asText()).contains("job_id");
    }
}
