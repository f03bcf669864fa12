package io.fedflow.node.component.builtin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Values (ids, their codes or signatures) by position, held as 128-bit fingerprints (the first 16 bytes of
 * their SHA-256) rather than as strings: 24 bytes a value whatever its length (the fingerprint and one sort
 * key), so that Intersection holds a million ids in 24 MB. Two different values share a fingerprint with
 * probability about n²/2¹²⁹ (10⁻²⁶ for a million each side): a match of fingerprints is taken as a match of
 * values. A peer gains nothing by forging one, as it can send any value it likes anyway.
 *
 * <p>Filled with {@link #add} in position order, then {@link #seal}ed before {@link #forEachMatch}.
 */
final class FingerprintIndex {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    });
    private static final long HIGH = 0xFFFF_FFFF_0000_0000L;

    private long[] hi = new long[1024];
    private long[] lo = new long[1024];
    /** Sorted: the fingerprint's top 32 bits over the position (positions are below 2³¹). */
    private long[] keys;
    private int size;

    /** Appends {@code value} at the next position. */
    void add(String value) {
        if (keys != null) {
            throw new IllegalStateException("the index is sealed");
        }
        if (size == hi.length) {
            int grown = (int) Math.min(Integer.MAX_VALUE - 8L, hi.length * 2L);
            hi = Arrays.copyOf(hi, grown);
            lo = Arrays.copyOf(lo, grown);
        }
        ByteBuffer fp = fingerprint(value);
        hi[size] = fp.getLong();
        lo[size] = fp.getLong();
        size++;
    }

    int size() {
        return size;
    }

    /** Ends the filling: sorts the keys lookups search. */
    FingerprintIndex seal() {
        if (keys == null) {
            hi = Arrays.copyOf(hi, size);
            lo = Arrays.copyOf(lo, size);
            keys = new long[size];
            for (int i = 0; i < size; i++) {
                keys[i] = (hi[i] & HIGH) | i;
            }
            Arrays.sort(keys);
        }
        return this;
    }

    /** Calls {@code position} with each position holding {@code value} (none, one, or a repeated value's). */
    void forEachMatch(String value, IntConsumer position) {
        ByteBuffer fp = fingerprint(value);
        long h = fp.getLong();
        long l = fp.getLong();
        long top = h & HIGH;
        int i = Arrays.binarySearch(keys, top);
        if (i < 0) {
            i = -i - 1;
        }
        for (; i < keys.length && (keys[i] & HIGH) == top; i++) {
            int p = (int) keys[i];
            if (hi[p] == h && lo[p] == l) {
                position.accept(p);
            }
        }
    }

    /** The first position holding {@code value}, or -1: keys sort by position within a fingerprint. */
    int firstPosition(String value) {
        ByteBuffer fp = fingerprint(value);
        long h = fp.getLong();
        long l = fp.getLong();
        long top = h & HIGH;
        int i = Arrays.binarySearch(keys, top);
        for (i = i < 0 ? -i - 1 : i; i < keys.length && (keys[i] & HIGH) == top; i++) {
            int p = (int) keys[i];
            if (hi[p] == h && lo[p] == l) {
                return p;
            }
        }
        return -1;
    }

    /** Whether some value was added twice (sealed). */
    boolean hasRepeats() {
        // equal values have equal sort keys' tops, so they sit in the same run of equal tops
        for (int i = 0; i < keys.length; i++) {
            int p = (int) keys[i];
            for (int j = i + 1; j < keys.length && (keys[j] & HIGH) == (keys[i] & HIGH); j++) {
                int q = (int) keys[j];
                if (hi[p] == hi[q] && lo[p] == lo[q]) {
                    return true;
                }
            }
        }
        return false;
    }

    boolean contains(String value) {
        boolean[] found = {false};
        forEachMatch(value, p -> found[0] = true);
        return found[0];
    }

    private static ByteBuffer fingerprint(String value) {
        return ByteBuffer.wrap(SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
