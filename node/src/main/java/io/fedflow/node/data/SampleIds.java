package io.fedflow.node.data;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * The sample ids of an upload, as FATE's Upload makes them. Without extend_sid the file's first column is
 * the id. With it, every column is data and each row gets a generated id: with auto_increasing_sid the
 * row's index (0, 1, 2...), else one time-based uuid (uuid1, 32 hex digits) per upload followed by the
 * row's index. FATE restarts the index at every read chunk of the file, so two chunks can give the same
 * id; here it runs over the whole file, so every id is unique.
 */
final class SampleIds {
    /** The id column FATE names in the schema when it generates the ids. */
    static final String EXTEND_SID_NAME = "extend_sid";
    /** Offset between the UUID epoch (1582-10-15) and the Unix epoch, in 100 ns units. */
    private static final long UUID_EPOCH_OFFSET = 0x01B21DD213814000L;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final boolean generated;
    private final String prefix;

    private SampleIds(boolean generated, String prefix) {
        this.generated = generated;
        this.prefix = prefix;
    }

    /** The ids FATE would give an upload with these flags (auto_increasing_sid only counts with extend_sid). */
    static SampleIds of(boolean extendSid, boolean autoIncreasingSid, Clock clock) {
        if (!extendSid) {
            return new SampleIds(false, null);
        }
        return new SampleIds(true, autoIncreasingSid ? "" : uuid1(clock).toString().replace("-", ""));
    }

    /** Whether ids are generated (every column of the file is then data). */
    boolean generated() {
        return generated;
    }

    /** The id of the row at {@code index} (0 for the first data row); only when {@link #generated()}. */
    String id(long index) {
        return prefix + index;
    }

    /** A version 1 (time-based) UUID with a random node and clock sequence, as Python's uuid1 may give. */
    static UUID uuid1(Clock clock) {
        long ticks = clock.millis() * 10_000 + UUID_EPOCH_OFFSET + RANDOM.nextInt(10_000);
        long timeLow = ticks & 0xFFFFFFFFL;
        long timeMid = (ticks >>> 32) & 0xFFFFL;
        long timeHigh = (ticks >>> 48) & 0x0FFFL;
        long msb = (timeLow << 32) | (timeMid << 16) | (1L << 12) | timeHigh;
        long clockSeq = RANDOM.nextInt(1 << 14);
        long node = (RANDOM.nextLong() & 0xFFFFFFFFFFFFL) | 0x010000000000L; // multicast bit: not a real MAC
        long lsb = (0x8000L | clockSeq) << 48 | node;
        return new UUID(msb, lsb);
    }
}
