package io.fedflow.node.data;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams (line, key, value) rows into one of our row tables with PostgreSQL COPY, in text format,
 * flushing every 256 KiB so memory stays flat. Call {@link #finish()} to end the COPY; closing without
 * finishing cancels it.
 *
 * <p>Rows are encoded as UTF-8 straight into one reused byte buffer: no String is built per row. A row is
 * written whole with {@link #row}, or in parts with {@link #startRow}, {@link #value} and {@link #endRow}.
 */
final class CopyWriter implements AutoCloseable {
    private static final int FLUSH_BYTES = 1 << 18;

    private final CopyIn copy;
    private byte[] buf = new byte[FLUSH_BYTES];
    private int pos;
    private final byte[] digits = new byte[20];
    private long count;
    private boolean finished;

    CopyWriter(Connection conn, String qualifiedTable) throws SQLException {
        this.copy = conn.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + qualifiedTable + " (f_line, f_key, f_value) FROM STDIN");
    }

    /** Appends a row; its line number is its position, from 1. */
    long row(CharSequence key, CharSequence value) throws SQLException {
        startRow(key);
        value(value);
        return endRow();
    }

    /** Starts a row with its line number (its position, from 1) and its key; the value follows. */
    void startRow(CharSequence key) throws SQLException {
        count++;
        ensure(digits.length + 1);
        long n = count;
        int d = digits.length;
        do {
            digits[--d] = (byte) ('0' + n % 10);
            n /= 10;
        } while (n != 0);
        System.arraycopy(digits, d, buf, pos, digits.length - d);
        pos += digits.length - d;
        buf[pos++] = '\t';
        text(key);
        ensure(1);
        buf[pos++] = '\t';
    }

    /** Appends text to the value of the row being written. */
    void value(CharSequence s) throws SQLException {
        text(s);
    }

    /** Ends the row being written; returns its line number. */
    long endRow() throws SQLException {
        ensure(1);
        buf[pos++] = '\n';
        if (pos >= FLUSH_BYTES) {
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
        if (pos > 0) {
            copy.writeToCopy(buf, 0, pos); // copies the bytes out before it returns
            pos = 0;
        }
    }

    /** Room for {@code n} more bytes: flushes when the buffer is full, grows it for one huge text. */
    private void ensure(int n) throws SQLException {
        if (pos + n > buf.length) {
            flush();
            if (n > buf.length) {
                buf = new byte[n];
            }
        }
    }

    /**
     * COPY's text format: backslash, tab, newline and carriage return are escaped. ASCII is written char
     * by char; from the first other char on, the rest is encoded by the JDK and escaped as bytes (the
     * escaped chars are ASCII, which never occurs inside a multi-byte UTF-8 sequence).
     */
    private void text(CharSequence s) throws SQLException {
        int n = s.length();
        ensure(2 * n);
        byte[] b = buf;
        int p = pos;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                pos = p;
                utf8(s.subSequence(i, n).toString().getBytes(StandardCharsets.UTF_8));
                return;
            }
            p = escaped(b, p, (byte) c);
        }
        pos = p;
    }

    /** Puts one byte in COPY's text format: backslash, tab, newline and carriage return are escaped. */
    private static int escaped(byte[] b, int p, byte x) {
        switch (x) {
            case '\\' -> {
                b[p++] = '\\';
                b[p++] = '\\';
            }
            case '\t' -> {
                b[p++] = '\\';
                b[p++] = 't';
            }
            case '\n' -> {
                b[p++] = '\\';
                b[p++] = 'n';
            }
            case '\r' -> {
                b[p++] = '\\';
                b[p++] = 'r';
            }
            default -> b[p++] = x;
        }
        return p;
    }

    private void utf8(byte[] bytes) throws SQLException {
        ensure(2 * bytes.length);
        byte[] b = buf;
        int p = pos;
        for (byte x : bytes) {
            p = escaped(b, p, x);
        }
        pos = p;
    }
}
