package io.fedflow.cli;

import java.io.PrintWriter;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * An upload's progress on stderr, drawn by the progressbar library: percent, bar, bytes sent, elapsed time,
 * time left and rate. On a terminal it is one line redrawn in place with a carriage return, as wide as the
 * terminal. Elsewhere (stderr to a file or a pipe, when asked for with {@code --verbose}) each refresh is a
 * line of its own, once a second (five times a second on a terminal), so that a log reads as lines rather than one line of carriage returns.
 */
final class Progress {
    /** Off a terminal nothing tells the width; a log line of this many characters holds everything. */
    private static final int LOG_WIDTH = 100;
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    private final PrintWriter err;
    private final boolean inPlace;
    private final ProgressBar bar;

    private Progress(PrintWriter err, long total, boolean inPlace) {
        this(err, total, inPlace, "UPLOADING", null);
    }

    private Progress(PrintWriter err, long total, boolean inPlace, String task, String unit) {
        this.err = err;
        this.inPlace = inPlace;
        DelegatingProgressBarConsumer lines = inPlace
                ? new DelegatingProgressBarConsumer(line -> print("\r" + line)) // the terminal's width
                : new DelegatingProgressBarConsumer(line -> print(line + System.lineSeparator()), LOG_WIDTH);
        // The library counts whole units: below 10 MiB, MiB would read "0/3 MB".
        boolean large = total >= 10 * MIB;
        this.bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(unit != null ? unit : large ? " MB" : " KB", unit != null ? 1 : large ? MIB : KIB)
                .showSpeed()
                .setUpdateIntervalMillis(inPlace ? 200 : 1000)
                .setConsumer(lines)
                .build();
    }

    /** A bar redrawn in place, for a terminal. */
    static Progress onTerminal(PrintWriter err, long total) {
        return new Progress(err, total, true);
    }

    /** A line per refresh, for stderr that goes to a file or a pipe. */
    static Progress asLines(PrintWriter err, long total) {
        return new Progress(err, total, false);
    }

    /** Rows scored of {@code total} ({@code flow model infer} of a CSV), in place on a terminal. */
    static Progress rows(PrintWriter err, long total, boolean onTerminal) {
        return new Progress(err, total, onTerminal, "SCORING", " rows");
    }

    void update(long sent) {
        bar.stepTo(sent);
    }

    /**
     * Draws the last state and stops the library's refresh; on a terminal, ends the line so that what follows
     * (the envelope on stdout) starts on a fresh one.
     */
    void finish() {
        bar.close();
        if (inPlace) {
            print(System.lineSeparator());
        }
    }

    private void print(String text) {
        err.print(text);
        err.flush();
    }
}
