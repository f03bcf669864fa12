package io.fedflow.node.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job logs on disk, laid out as FATE lays them out: {@code logs/<job_id>/fate_flow_schedule.log} for the
 * scheduler, {@code logs/<job_id>/<role>/<party_id>/<component>/INFO.log} per task. Each line carries the
 * job id (and a task's line its task id), as FATE's do, so that lines copied or shipped elsewhere still say
 * whose they are.
 */
public final class JobLogs {
    private static final Logger logger = LoggerFactory.getLogger(JobLogs.class);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS").withZone(ZoneId.systemDefault());

    private final Path root;

    public JobLogs(Path root) {
        this.root = root;
    }

    public Path jobDir(String jobId) {
        if (!jobId.matches("[0-9A-Za-z_-]+")) {
            throw new IllegalArgumentException("bad job id " + jobId);
        }
        return root.resolve(jobId);
    }

    public void schedule(String jobId, String line) {
        append(jobDir(jobId).resolve("fate_flow_schedule.log"), "[" + jobId + "]", line);
    }

    public void task(String jobId, String taskId, String role, String partyId, String component, String line) {
        append(taskLog(jobDir(jobId), role, partyId, component), "[" + jobId + " " + taskId + "]", line);
    }

    /** Where a task of {@code component} at {@code role}/{@code partyId} writes its lines, under its job's directory. */
    public static Path taskLog(Path jobDir, String role, String partyId, String component) {
        return jobDir.resolve(role).resolve(partyId).resolve(component).resolve("INFO.log");
    }

    private static void append(Path file, String ids, String line) {
        String text = "[" + TIME.format(Instant.now()) + "] " + ids + " " + line + System.lineSeparator();
        try {
            try {
                write(file, text);
            } catch (NoSuchFileException e) {
                // a log's first line: its directories are made then, not looked up for every line
                Files.createDirectories(file.getParent());
                write(file, text);
            }
        } catch (IOException e) {
            logger.warn("cannot write {}", file, e);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
