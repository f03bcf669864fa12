package io.fedflow.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * An upload's progress on one stderr line, redrawn with a carriage return: bar, percent, bytes, rate.
 * (No progress-bar library: none is in this build's dependency set and one line does not need one.)
 */
final class Progress {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw;

    Progress(PrintWriter err, long total) {
        this.err = err;
        this.total = total;
    }

    /** Redraws at most five times a second; always for the last byte. */
    void update(long sent) {
        long now = System.nanoTime();
        if (sent < total && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        int pct = total == 0 ? 100 : (int) (sent * 100 / total);
        int filled = pct * WIDTH / 100;
        double seconds = Math.max((now - start) / 1e9, 1e-3);
        err.printf(Locale.ROOT, "\rUPLOADING [%s%s] %3d%%  %.1f / %.1f MB  %.1f MB/s",
                "#".repeat(filled), "-".repeat(WIDTH - filled), pct, mb(sent), mb(total), mb(sent) / seconds);
        err.flush();
    }

    /** Ends the line so what follows (the envelope on stdout) starts on a fresh one. */
    void finish() {
        err.println();
        err.flush();
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
