package io.fedflow.node.component.builtin;

import io.fedflow.node.core.FlowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The host's rows as hetero binning needs them to add up the guest's encrypted labels: each row's bin in
 * every binned feature, found by the row's id. The guest sends its ids in its own order, which is not the
 * host's (each party's Intersection keeps its own input order), so the host looks each id up.
 *
 * <p>Per row it keeps 16 bytes of the id's SHA-256 and one byte per feature (four when a feature has more
 * than 256 bins), never the id: 8 bytes are the high half with the row number in its low bits, sorted for
 * a binary search; the other 8 confirm a match, so ids that share the searched bits are told apart (at
 * least 96 of the digest's bits must agree before two ids are taken for one).
 */
final class BinnedRows {
    private final int capacity;
    private final int features;
    private final long rowMask;
    private final long[] keys;
    private final long[] check;
    private final byte[] narrow;
    private final int[] wide;
    private final MessageDigest sha;
    private int rows;
    private boolean sealed;

    /**
     * @param capacity the rows the table has (its first scan counted them)
     * @param maxBins the most bins of any feature
     */
    BinnedRows(long capacity, int features, int maxBins) {
        if (capacity > Integer.MAX_VALUE || capacity * Math.max(1, features) > Integer.MAX_VALUE - 8) {
            throw FlowException.data("HeteroFeatureBinning at a host bins at most " + Integer.MAX_VALUE
                    + " values (rows x features); the table has " + capacity + " rows of " + features);
        }
        this.capacity = (int) capacity;
        this.features = features;
        this.rowMask = (1L << (64 - Long.numberOfLeadingZeros(Math.max(1, capacity)))) - 1;
        this.keys = new long[this.capacity];
        this.check = new long[this.capacity];
        boolean small = maxBins <= 256;
        this.narrow = small ? new byte[this.capacity * features] : null;
        this.wide = small ? null : new int[this.capacity * features];
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Appends a row: its id and its bin in each feature. */
    void add(String id, int[] bins) {
        if (rows == capacity || sealed) {
            throw FlowException.data("the host's table changed while HeteroFeatureBinning read it: more than "
                    + capacity + " rows");
        }
        ByteBuffer d = digest(id);
        keys[rows] = (d.getLong() & ~rowMask) | rows;
        check[rows] = d.getLong();
        int at = rows * features;
        for (int f = 0; f < features; f++) {
            if (narrow != null) {
                narrow[at + f] = (byte) bins[f];
            } else {
                wide[at + f] = bins[f];
            }
        }
        rows++;
    }

    int size() {
        return rows;
    }

    /** The row of {@code id}, or -1 when the host has no such row. */
    int find(String id) {
        if (!sealed) {
            Arrays.sort(keys, 0, rows);
            sealed = true;
        }
        ByteBuffer d = digest(id);
        long prefix = d.getLong() & ~rowMask;
        long confirm = d.getLong();
        int lo = 0;
        int hi = rows;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] < prefix) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int i = lo; i < rows && (keys[i] & ~rowMask) == prefix; i++) {
            int row = (int) (keys[i] & rowMask);
            if (check[row] == confirm) {
                return row;
            }
        }
        return -1;
    }

    int bin(int row, int feature) {
        int at = row * features + feature;
        return narrow != null ? narrow[at] & 0xff : wide[at];
    }

    private ByteBuffer digest(String id) {
        return ByteBuffer.wrap(sha.digest(id.getBytes(StandardCharsets.UTF_8)));
    }
}
