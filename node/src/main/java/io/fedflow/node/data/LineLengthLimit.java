package io.fedflow.node.data;

import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Refuses a file with a line longer than the cap, as the characters pass: the CSV parser holds a whole
 * record in memory, so a line without end would otherwise grow without bound before any other check runs.
 */
final class LineLengthLimit extends FilterReader {
    private final int max;
    private int current;
    private long line = 1;

    LineLengthLimit(Reader in, int max) {
        super(in);
        this.max = max;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
            count((char) c);
        }
        return c;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        int n = super.read(cbuf, off, len);
        for (int i = off; i < off + n; i++) {
            count(cbuf[i]);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        char[] sink = new char[(int) Math.min(n, 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(sink, 0, (int) Math.min(sink.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    private void count(char c) {
        if (c == '\n') {
            current = 0;
            line++;
        } else if (++current > max) {
            throw FlowException.data("line " + line + " is longer than the cap of " + max + " characters ("
                    + Limits.MAX_LINE_LENGTH_FLAG + ")");
        }
    }
}
