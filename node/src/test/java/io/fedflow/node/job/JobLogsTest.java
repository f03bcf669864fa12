package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job logs on disk: FATE's layout, made by a log's first line, lines appended in order. */
class JobLogsTest {
    @TempDir
    Path root;

    @Test
    void aTaskLogIsMadeByItsFirstLineAndLaterLinesAreAppended() throws IOException {
        JobLogs logs = new JobLogs(root);
        logs.task("202612060000000000001", "t_1", "guest", "9999", "reader_0", "first");
        logs.task("202612060000000000001", "t_1", "guest", "9999", "reader_0", "second");
        Path log = root.resolve("202612060000000000001/guest/9999/reader_0/INFO.log");
        assertThat(Files.readAllLines(log)).hasSize(2)
                .satisfiesExactly(l -> assertThat(l).endsWith("[202612060000000000001 t_1] first"),
                        l -> assertThat(l).endsWith("[202612060000000000001 t_1] second"));
    }

    @Test
    void aLogWhoseDirectoryWasRemovedStartsAgainWithItsNextLine() throws IOException {
        JobLogs logs = new JobLogs(root);
        logs.schedule("202612060000000000002", "submitted");
        Path dir = root.resolve("202612060000000000002");
        Files.delete(dir.resolve("fate_flow_schedule.log"));
        Files.delete(dir);
        logs.schedule("202612060000000000002", "running");
        assertThat(Files.readAllLines(dir.resolve("fate_flow_schedule.log")))
                .singleElement().asString().endsWith("[202612060000000000002] running");
    }
}
