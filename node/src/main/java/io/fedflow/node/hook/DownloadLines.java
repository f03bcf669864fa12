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

/**
 * A data service's download read line by line as it arrives: a buffer at a time, each line at most the node's
 * line cap, the whole answer at most the node's download cap (counted in bytes as they come off the wire), so a
 * service cannot push more than those into the node's memory or its table.
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
    private long read;
    private long lines;
    private boolean eof;

    DownloadLines(InputStream in, long maxBytes, int maxLine, String server, String call) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.maxLine = maxLine;
        this.server = server;
        this.call = call;
        chars.flip();
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
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
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
        try {
            // closing before the end cancels the exchange: a failed task does not read the rest
            in.close();
        } catch (IOException ignored) {
            // the task's outcome is decided; nothing to do about a connection that would not close
        }
    }
}
