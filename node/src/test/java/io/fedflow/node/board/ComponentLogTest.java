package io.fedflow.node.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedflow.node.core.FlowException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a task's log file from an offset, on real files laid out as JobLogs writes them. */
class ComponentLogTest {
    @TempDir
    Path logs;

    private Path jobDir() {
        return logs.resolve("job_1");
    }

    private Path write(String role, String party, String component, String content) throws IOException {
        Path f = jobDir().resolve(role).resolve(party).resolve(component).resolve("INFO.log");
        Files.createDirectories(f.getParent());
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void aLineStillBeingWrittenWaitsUntilItEndsOrTheTaskEnded() throws IOException {
        Path f = write("guest", "9999", "lr_0", "one\ntwo\nthr");
        ComponentLog.Chunk running = ComponentLog.read(jobDir(), "guest", "9999", "lr_0", 0, 10, false);
        assertThat(running.lines()).containsExactly("one", "two");
        assertThat(running.nextOffset()).isEqualTo(8);
        assertThat(running.atEnd()).isFalse();

        Files.writeString(f, "ee\nfour\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        ComponentLog.Chunk next = ComponentLog.read(jobDir(), "guest", "9999", "lr_0", running.nextOffset(), 10, false);
        assertThat(next.lines()).containsExactly("three", "four");
        assertThat(next.atEnd()).isTrue();

        Files.writeString(f, "last, no line break", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        ComponentLog.Chunk ended = ComponentLog.read(jobDir(), "guest", "9999", "lr_0", next.nextOffset(), 10, true);
        assertThat(ended.lines()).containsExactly("last, no line break");
        assertThat(ended.nextOffset()).isEqualTo(Files.size(f));
        assertThat(ended.atEnd()).isTrue();
    }

    @Test
    void eachReadTakesAtMostTheCapOfLines() throws IOException {
        write("local", "0", "lr_0", "a\nb\nc\nd\ne\n");
        ComponentLog.Chunk first = ComponentLog.read(jobDir(), "local", "0", "lr_0", 0, 2, true);
        assertThat(first.lines()).containsExactly("a", "b");
        assertThat(first.atEnd()).isFalse();
        ComponentLog.Chunk second = ComponentLog.read(jobDir(), "local", "0", "lr_0", first.nextOffset(), 2, true);
        assertThat(second.lines()).containsExactly("c", "d");
        ComponentLog.Chunk third = ComponentLog.read(jobDir(), "local", "0", "lr_0", second.nextOffset(), 2, true);
        assertThat(third.lines()).containsExactly("e");
        assertThat(third.atEnd()).isTrue();
    }

    @Test
    void aTaskThatWroteNothingYetHasNoLines() {
        ComponentLog.Chunk none = ComponentLog.read(jobDir(), "local", "0", "lr_0", 0, 10, false);
        assertThat(none.lines()).isEmpty();
        assertThat(none.nextOffset()).isZero();
        assertThatThrownBy(() -> ComponentLog.read(jobDir(), "local", "0", "lr_0", 5, 10, false))
                .isInstanceOf(FlowException.class).hasMessageContaining("offset 5");
    }

    @Test
    void namesLeavingTheJobsDirectoryAreRefusedBeforeAnyFileIsOpened() throws IOException {
        write("local", "0", "lr_0", "mine\n");
        Files.writeString(logs.resolve("INFO.log"), "someone else's\n");
        Files.createDirectories(logs.resolve("x/y"));
        Files.writeString(logs.resolve("x/y/INFO.log"), "someone else's\n");
        for (List<String> names : List.of(List.of("local", "0", ".."), List.of("..", "x", "y"),
                List.of("local", "..", "../.."), List.of("local/0/lr_0/../../..", "0", "lr_0"), List.of(".", "0", "lr_0"),
                List.of("local", "0", "lr_0/.."), List.of("local", "0", ""), List.of("local", "0", "a\0b"))) {
            assertThatThrownBy(() -> ComponentLog.read(jobDir(), names.get(0), names.get(1), names.get(2), 0, 10, true))
                    .as(names.toString()).isInstanceOf(FlowException.class)
                    .hasMessageContaining("names no log inside the job's log directory");
        }
        assertThatThrownBy(() -> ComponentLog.read(jobDir(), "local", "0", "lr_0", -1, 10, true))
                .isInstanceOf(FlowException.class).hasMessageContaining("offset cannot be negative");
    }
}
