package io.fedflow.node.job;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * FATE's job id: local time as {@code yyyyMMddHHmmssSSSSSS} plus a counter, unpadded, that only grows
 * when two ids fall in the same microsecond (so usually a trailing 0: 21 digits).
 */
public final class JobIds {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSSSSS");

    private final Clock clock;
    private String lastStamp = "";
    private int counter;

    public JobIds(Clock clock) {
        this.clock = clock;
    }

    /** Whether {@code id} has a FATE job id's shape; ids from other sites name directories here. */
    public static boolean valid(String id) {
        return id != null && id.matches("\\d{20,25}");
    }

    public synchronized String next() {
        String stamp = LocalDateTime.now(clock).format(FORMAT);
        if (stamp.equals(lastStamp)) {
            counter++;
            if (counter > 99_999) {
                throw new IllegalStateException("more than 100000 job ids in one microsecond");
            }
        } else {
            lastStamp = stamp;
            counter = 0;
        }
        return stamp + counter;
    }
}
