package io.fedflow.node.component.builtin;

import java.util.Arrays;

/**
 * FATE 1.11's quantile summary of one column (federatedml quantile_summaries, after Spark's
 * QuantileSummaries, a Greenwald-Khanna sketch), fed a value at a time so that a column never has to be
 * held: values wait in a head buffer of {@code headSize}, are merged sorted into the samples when it is full,
 * and the samples are compressed (neighbours whose rank spans fit within 2·error·count merge) once there are
 * {@code compressThres} of them. Memory is O(headSize + compressThres) whatever the column's length.
 *
 * <p>Each sample is a value with g (how many values it stands for) and delta (the uncertainty of its
 * rank), kept in three primitive arrays rather than one object each. While no compression merges anything
 * (2·error·count below 2, i.e. fewer than 1/error values) every value is a sample and the quantiles it
 * answers are exact ranks: FATE's own numbers, which {@link QuantileSplits} reproduces at every size.
 */
final class QuantileSummary {
    private final double compressThres;
    private final int headSize;
    private final double error;
    private double[] head;
    private int headLength;
    private double[] values = new double[16];
    private long[] g = new long[16];
    private long[] delta = new long[16];
    private int size;
    private long count;

    QuantileSummary(double compressThres, int headSize, double error) {
        if (headSize < 1 || !(error > 0 && error < 1) || !(compressThres > 0)) {
            throw new IllegalArgumentException("head size " + headSize + ", error " + error + ", compress threshold "
                    + compressThres);
        }
        this.compressThres = compressThres;
        this.headSize = headSize;
        this.error = error;
        // head_size is a parameter: a huge one must not cost its size up front, so the buffer grows as needed
        this.head = new double[Math.min(headSize, 1024)];
    }

    /** Adds one observation; NaN (a missing value) is not counted, as FATE skips it. */
    void insert(double x) {
        if (Double.isNaN(x)) {
            return;
        }
        if (headLength == head.length) {
            head = Arrays.copyOf(head, (int) Math.min(headSize, 2L * head.length));
        }
        head[headLength++] = x;
        if (headLength >= headSize) {
            insertHead();
            if (size >= compressThres) {
                compress();
            }
        }
    }

    /** Samples held (the head aside): what the summary costs, against {@link #count()} values. */
    int samples() {
        return size;
    }

    /** Values inserted (NaN aside). */
    long count() {
        return count + headLength;
    }

    /**
     * Merges the head into the samples, then merges samples whose rank spans allow it: what FATE does when
     * the samples reach compress_thres and once more when a partition's values are all in.
     */
    void compress() {
        insertHead();
        double threshold = 2 * error * count;
        if (size == 0) {
            return;
        }
        // From the last sample down to the second: a sample folds into the one above it while their g and
        // that one's delta stay under the threshold; the first and last samples are always kept.
        double[] nv = new double[size];
        long[] ng = new long[size];
        long[] nd = new long[size];
        int out = size;
        double hv = values[size - 1];
        long hg = g[size - 1];
        long hd = delta[size - 1];
        long sum = hg + hd;
        for (int i = size - 2; i >= 1; i--) {
            if (g[i] + sum < threshold) {
                hg += g[i];
                sum += g[i];
            } else {
                out--;
                nv[out] = hv;
                ng[out] = hg;
                nd[out] = hd;
                hv = values[i];
                hg = g[i];
                hd = delta[i];
                sum = hg + hd;
            }
        }
        out--;
        nv[out] = hv;
        ng[out] = hg;
        nd[out] = hd;
        if (values[0] <= hv && size > 1) {
            out--;
            nv[out] = values[0];
            ng[out] = g[0];
            nd[out] = delta[0];
        }
        int n = size - out;
        values = Arrays.copyOfRange(nv, out, size);
        g = Arrays.copyOfRange(ng, out, size);
        delta = Arrays.copyOfRange(nd, out, size);
        size = n;
    }

    /**
     * FATE's query_percentile_rate_list: the sample answering each rate (ascending) in one walk over the
     * samples. A rate at or below {@code error} is the minimum; the walk looks for the first sample whose
     * rank bounds are within ceil(error·count) of ceil(rate·count), and a rate no sample answers is the
     * maximum. FATE skips the walk for the top rates only while its first walked rate is at or above
     * 1 - error (it tests that rate, not the top one); so does this, to give its numbers.
     */
    double[] query(double[] rates) {
        if (headLength > 0) {
            compress();
        }
        double[] out = new double[rates.length];
        if (count == 0) {
            return out;
        }
        int n = 0;
        int i = 0;
        int j = rates.length - 1;
        while (i < rates.length && rates[i] <= error) {
            out[n++] = values[0];
            i++;
        }
        while (j >= 0 && i < rates.length && rates[i] >= 1 - error) {
            j--;
        }
        int k = 1;
        long minRank = 0;
        long targetError = (long) Math.ceil(error * count);
        for (; i <= j; i++) {
            long rank = (long) Math.ceil(rates[i] * count);
            while (k < size - 1) {
                minRank += g[k];
                long maxRank = minRank + delta[k];
                if (maxRank - targetError <= rank && rank <= minRank + targetError) {
                    out[n++] = values[k];
                    minRank -= g[k];
                    break;
                }
                k++;
            }
            if (k >= size - 1) {
                out[n++] = values[size - 1];
            }
        }
        while (n < rates.length) {
            out[n++] = values[size - 1];
        }
        return out;
    }

    /** Sorts the head and merges it into the samples, each new value with g 1 and delta 2·error·count. */
    private void insertHead() {
        if (headLength == 0) {
            return;
        }
        double[] buf = head;
        Arrays.sort(buf, 0, headLength);
        int total = size + headLength;
        double[] nv = new double[Math.max(16, total)];
        long[] ng = new long[nv.length];
        long[] nd = new long[nv.length];
        int n = 0;
        int s = 0;
        long current = count;
        for (int h = 0; h < headLength; h++) {
            double x = buf[h];
            while (s < size && values[s] <= x) {
                nv[n] = values[s];
                ng[n] = g[s];
                nd[n] = delta[s];
                n++;
                s++;
            }
            current++;
            nv[n] = x;
            ng[n] = 1;
            // the first sample so far, or the last of all, has an exact rank
            nd[n] = n == 0 || s == size && h == headLength - 1 ? 0 : (long) Math.floor(2 * error * current);
            n++;
        }
        while (s < size) {
            nv[n] = values[s];
            ng[n] = g[s];
            nd[n] = delta[s];
            n++;
            s++;
        }
        values = nv;
        g = ng;
        delta = nd;
        size = n;
        count = current;
        headLength = 0;
    }
}
