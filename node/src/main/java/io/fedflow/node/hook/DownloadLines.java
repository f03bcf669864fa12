package io.fedflow.node.hook;

import io.fedflow.node.component.DataServiceClient;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A data service's download read line by line as it arrives: a buffer at a time, each line at most the node's
 * line cap, the whole answer at most the node's download cap (counted in bytes as they come off the wire), so a
 * service cannot push more than those into the node's memory or its table. A service that sends no byte for the
 * node's stream idle timeout is cut off, so a hung service does not hold the task (and its thread) for ever.
 */
final class DownloadLines implements DataServiceClient.Lines {
    private final InputStream in;
    private final long maxBytes;
    private final int maxLine;
    private final String server;
    private final String call;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(64 * 1024);
    private final CharBuffer chars = CharBuffer.allocate(64 * 1024);
    private final StringBuilder line = new StringBuilder();
    private final Duration idle;
    private final ScheduledFuture<?> watch;
    /** When the read in progress began; 0 while the task is not waiting on the service. */
    private volatile long readSince;
    private volatile boolean stalled;
    private long read;
    private long lines;
    private boolean eof;

    DownloadLines(InputStream in, long maxBytes, int maxLine, Duration idle, ScheduledExecutorService timer,
                  String server, String call) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.maxLine = maxLine;
        this.idle = idle;
        this.server = server;
        this.call = call;
        chars.flip();
        long period = Math.max(10, idle.toMillis() / 4);
        this.watch = timer.scheduleAtFixedRate(this::cutIfIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Cuts a read that has waited longer than the idle timeout (time the task spends writing rows does not
     * count). Closing the stream ends the blocked read; the reader then sees {@link #stalled}.
     */
    private void cutIfIdle() {
        long since = readSince;
        if (since != 0 && System.nanoTime() - since > idle.toNanos()) {
            stalled = true;
            watch.cancel(false);
            close();
        }
    }

    @Override
    public String next() {
        line.setLength(0);
        while (true) {
            while (chars.hasRemaining()) {
                char c = chars.get();
                if (c == '\n') {
                    return take();
                }
                if (line.length() == maxLine) {
                    throw fail("sent line " + (lines + 1) + " longer than " + maxLine + " characters ("
                            + Limits.MAX_LINE_LENGTH_FLAG + ")");
                }
                line.append(c);
            }
            if (eof) {
                return line.length() == 0 ? null : take();
            }
            fill();
        }
    }

    private String take() {
        lines++;
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        return line.substring(0, end);
    }

    /** Reads and decodes the next buffer of bytes; at the end of the answer, whatever was left. */
    private void fill() {
        try {
            readSince = System.nanoTime();
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            readSince = 0;
            if (stalled) {
                throw new IOException("cut off");
            }
            if (n < 0) {
                eof = true;
            } else {
                read += n;
                if (read > maxBytes) {
                    throw fail("sent more than " + maxBytes + " bytes, the node's cap ("
                            + Limits.API_READER_MAX_DOWNLOAD_FLAG + ")");
                }
                bytes.position(bytes.position() + n);
            }
        } catch (IOException e) {
            if (stalled) {
                throw fail("sent no byte for " + idle.toSeconds() + " s after " + read + " bytes ("
                        + Limits.STREAM_IDLE_TIMEOUT_FLAG + ")");
            }
            throw fail("broke off after " + read + " bytes: " + e);
        }
        bytes.flip();
        chars.clear();
        var result = decoder.decode(bytes, chars, eof);
        if (result.isError() || eof && bytes.hasRemaining()) {
            throw fail("sent bytes that are not UTF-8 after " + read + " bytes");
        }
        bytes.compact();
        chars.flip();
    }

    private FlowException fail(String what) {
        return FlowException.data("the download service of server " + server + " (" + call + ") " + what);
    }

    @Override
    public void close() {
        watch.cancel(false);
        try {
            // closing before the end cancels the exchange: a failed task does not read the rest
            in.close();
        } catch (IOException ignored) {
            // the task's outcome is decided; nothing to do about a connection that would not close
        }
    }
}
