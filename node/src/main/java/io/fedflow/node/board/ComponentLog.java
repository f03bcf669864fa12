package io.fedflow.node.board;

import io.fedflow.node.core.FlowException;
import io.fedflow.node.job.JobLogs;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A task's log read from a byte offset, for a page that follows it: whole lines only (a line still being
 * written waits for the next read unless the task ended), at most a given number per read, and never a file
 * outside the job's log directory whatever the names asked for.
 */
final class ComponentLog {
    private ComponentLog() {}

    /**
     * Lines read from {@code offset}; {@code nextOffset} is where the next read starts, {@code atEnd} whether
     * everything in the file up to now was read.
     */
    record Chunk(List<String> lines, long nextOffset, boolean atEnd) {}

    /**
     * @param taskEnded the task ended before this read (so its log is complete): a last line without its
     *                  line break is read too
     */
    static Chunk read(Path jobDir, String role, String partyId, String component, long offset, int maxLines,
                      boolean taskEnded) {
        if (offset < 0) {
            throw FlowException.argument("offset cannot be negative, got " + offset);
        }
        Path root = jobDir.toAbsolutePath().normalize();
        if (!plainName(role) || !plainName(partyId) || !plainName(component)
                || !JobLogs.taskLog(root, role, partyId, component).normalize().startsWith(root)) {
            throw FlowException.argument("component " + component + " (role " + role + ", party_id " + partyId
                    + ") names no log inside the job's log directory");
        }
        Path file = JobLogs.taskLog(root, role, partyId, component);
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long size = channel.size();
            if (offset > size) {
                throw FlowException.argument("offset " + offset + " is past the end of the log of " + component
                        + " (" + size + " bytes)");
            }
            channel.position(offset);
            return lines(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16), offset, size, maxLines,
                    taskEnded);
        } catch (NoSuchFileException e) {
            if (offset > 0) {
                throw FlowException.argument("offset " + offset + " is past the end of the log of " + component
                        + " (none written yet)");
            }
            return new Chunk(List.of(), 0, true); // the task has not written a line yet
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One path segment that stays where it is: no separator, not "." or "..". */
    private static boolean plainName(String s) {
        return !s.isEmpty() && !s.equals(".") && !s.equals("..") && s.indexOf('/') < 0 && s.indexOf('\\') < 0
                && s.indexOf('\0') < 0;
    }

    private static Chunk lines(InputStream in, long offset, long size, int maxLines, boolean taskEnded)
            throws IOException {
        List<String> lines = new ArrayList<>();
        long position = offset;
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        long read = offset;
        // only the bytes present when the read began: a line appended meanwhile is left for the next read
        while (lines.size() < maxLines && read < size) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            read++;
            if (b == '\n') {
                lines.add(text(line));
                line.reset();
                position = read;
            } else {
                line.write(b);
            }
        }
        if (taskEnded && line.size() > 0 && lines.size() < maxLines && read == size) {
            lines.add(text(line));
            position = read;
        }
        return new Chunk(lines, position, position == size);
    }

    private static String text(ByteArrayOutputStream line) {
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
