package io.fedflow.node.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the node logs while open: slf4j-simple writes to whatever {@code System.err} is at each call, so
 * this tees it (the test's output file still gets everything). Tests run one class at a time.
 */
public final class LogCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    public LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** Lines of a Java stack trace ("\tat ...") logged so far. */
    public long stackTraceLines() {
        return text().lines().filter(l -> l.startsWith("\tat ")).count();
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}
