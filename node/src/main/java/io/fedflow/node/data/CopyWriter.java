package io.fedflow.node.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams (line, key, value) rows into one of our row tables with PostgreSQL COPY, in text format,
 * flushing every 256 KiB so memory stays flat. Call {@link #finish()} to end the COPY; closing without
 * finishing cancels it.
 */
final class CopyWriter implements AutoCloseable {
    private static final int FLUSH_BYTES = 1 << 18;

    private final CopyIn copy;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(FLUSH_BYTES + 4096);
    private final StringBuilder line = new StringBuilder(256);
    private long count;
    private boolean finished;

    CopyWriter(Connection conn, String qualifiedTable) throws SQLException {
        this.copy = conn.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + qualifiedTable + " (f_line, f_key, f_value) FROM STDIN");
    }

    /** Appends a row; its line number is its position, from 1. */
    long row(CharSequence key, CharSequence value) throws SQLException {
        count++;
        line.setLength(0);
        line.append(count).append('\t');
        escape(key, line);
        line.append('\t');
        escape(value, line);
        line.append('\n');
        buf.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
        if (buf.size() >= FLUSH_BYTES) {
            flush();
        }
        return count;
    }

    long count() {
        return count;
    }

    void finish() throws SQLException {
        flush();
        copy.endCopy();
        finished = true;
    }

    @Override
    public void close() throws SQLException {
        if (!finished && copy.isActive()) {
            copy.cancelCopy();
        }
    }

    private void flush() throws SQLException {
        if (buf.size() > 0) {
            copy.writeToCopy(buf.toByteArray(), 0, buf.size());
            buf.reset();
        }
    }

    /** COPY's text format: backslash, tab, newline and carriage return are escaped. */
    private static void escape(CharSequence s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }
}
