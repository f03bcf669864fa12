package io.fedflow.node.component.builtin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Binary classification metrics over labels (1 = positive, 0 = negative) and scores, computed as FATE's
 * Evaluation does: AUC exactly (ties share their average rank, as sklearn's roc_auc_score), KS over FATE's
 * 100 score cuts (a sample is positive when its score is strictly above the cut's score), the ROC curve as
 * sklearn's roc_curve with drop_intermediate, precision/recall/accuracy/F1 and the confusion counts at one
 * threshold or over {@link #thresholds} of the scores, and lift/gain over {@link #LIFT_BUCKETS} shares of the
 * population sorted by score.
 */
final class BinaryMetrics {
    private BinaryMetrics() {}

    /** Area under the ROC curve; NaN when one class is absent. */
    static double auc(double[] labels, double[] scores) {
        int n = labels.length;
        int[] order = ascending(scores);
        double pos = 0;
        double rankSumPos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1.0; // ranks are 1-based
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1.0) {
                    pos++;
                    rankSumPos += avgRank;
                }
            }
            i = j + 1;
        }
        double neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / (pos * neg);
    }

    /** KS: the largest tpr - fpr over the cuts, with the curves FATE draws (cuts 0, 0.01 .. 0.99, then 1). */
    record Ks(double ks, double[] fpr, double[] tpr, double[] thresholds, double[] cuts) {}

    /** Null when one class is absent (FATE refuses KS then). */
    static Ks ks(double[] labels, double[] scores) {
        int n = labels.length;
        double[] sorted = new double[n];
        double[] cumPos = new double[n + 1];
        int[] order = descending(scores);
        for (int i = 0; i < n; i++) {
            sorted[i] = scores[order[i]];
            cumPos[i + 1] = cumPos[i] + (labels[order[i]] == 1.0 ? 1 : 0);
        }
        double pos = cumPos[n];
        double neg = n - pos;
        if (pos == 0 || neg == 0) {
            return null;
        }
        double[] fpr = new double[101];
        double[] tpr = new double[101];
        double[] cuts = new double[101];
        double[] thresholds = new double[100];
        double ks = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < 100; c++) {
            double cut = c / 100.0;
            int idx = (int) Math.floor(n * cut);
            double thr = sorted[idx];
            int above = firstNotAbove(sorted, thr); // count of scores strictly greater than thr
            double tp = cumPos[above];
            double fp = above - tp;
            tpr[c] = tp / pos;
            fpr[c] = fp / neg;
            cuts[c] = cut;
            thresholds[c] = thr;
            ks = Math.max(ks, tpr[c] - fpr[c]);
        }
        tpr[100] = 1.0;
        fpr[100] = 1.0;
        cuts[100] = 1.0;
        return new Ks(ks, fpr, tpr, thresholds, cuts);
    }

    /** ROC points (fpr ascending), as FATE saves them: sklearn's curve, duplicates dropped, (1, 1) added. */
    record Roc(double[] fpr, double[] tpr, double[] thresholds) {}

    static Roc roc(double[] labels, double[] scores) {
        int n = labels.length;
        int[] order = descending(scores);
        int[] thresholdIdx = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (i == n - 1 || scores[order[i]] != scores[order[i + 1]]) {
                thresholdIdx[m++] = i;
            }
        }
        double[] cum = new double[n];
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += labels[order[i]] == 1.0 ? 1 : 0;
            cum[i] = acc;
        }
        double[] tps = new double[m];
        double[] fps = new double[m];
        double[] thr = new double[m];
        for (int k = 0; k < m; k++) {
            int i = thresholdIdx[k];
            tps[k] = cum[i];
            fps[k] = 1 + i - cum[i];
            thr[k] = scores[order[i]];
        }
        // drop_intermediate: keep the ends and the points where the curve bends
        List<Integer> keep = new ArrayList<>();
        for (int k = 0; k < m; k++) {
            if (m <= 2 || k == 0 || k == m - 1) {
                keep.add(k);
                continue;
            }
            double d2f = fps[k + 1] - 2 * fps[k] + fps[k - 1];
            double d2t = tps[k + 1] - 2 * tps[k] + tps[k - 1];
            if (d2f != 0 || d2t != 0) {
                keep.add(k);
            }
        }
        double pos = m == 0 ? 0 : tps[m - 1];
        double neg = m == 0 ? 0 : fps[m - 1];
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0.0, 0.0, m == 0 ? 1.0 : thr[0] + 1});
        for (int k : keep) {
            points.add(new double[] {neg == 0 ? Double.NaN : fps[k] / neg, pos == 0 ? Double.NaN : tps[k] / pos, thr[k]});
        }
        // FATE: drop duplicate (fpr, tpr, threshold) points, add the (1, 1) edge with threshold 1.0
        Set<List<Double>> seen = new LinkedHashSet<>();
        for (double[] pt : points) {
            seen.add(List.of(pt[0], pt[1], pt[2]));
        }
        List<List<Double>> uniq = new ArrayList<>(seen);
        uniq.add(List.of(1.0, 1.0, 1.0));
        uniq.sort(Comparator.comparingDouble(l -> l.get(0)));
        double[] f = new double[uniq.size()];
        double[] t = new double[uniq.size()];
        double[] th = new double[uniq.size()];
        for (int k = 0; k < uniq.size(); k++) {
            f[k] = uniq.get(k).get(0);
            t[k] = uniq.get(k).get(1);
            th[k] = uniq.get(k).get(2);
        }
        return new Roc(f, t, th);
    }

    /** Confusion counts with "positive" meaning score strictly above {@code threshold}. */
    record Confusion(double tp, double fp, double tn, double fn) {
        double accuracy() {
            double all = tp + fp + tn + fn;
            return all == 0 ? 0 : (tp + tn) / all;
        }

        double precision() {
            return tp + fp == 0 ? 0 : tp / (tp + fp);
        }

        double recall() {
            return tp + fn == 0 ? 0 : tp / (tp + fn);
        }

        double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }

    static Confusion confusion(double[] labels, double[] scores, double threshold) {
        double tp = 0;
        double fp = 0;
        double tn = 0;
        double fn = 0;
        for (int i = 0; i < labels.length; i++) {
            boolean predicted = scores[i] > threshold;
            boolean actual = labels[i] == 1.0;
            if (predicted && actual) {
                tp++;
            } else if (predicted) {
                fp++;
            } else if (actual) {
                fn++;
            } else {
                tn++;
            }
        }
        return new Confusion(tp, fp, tn, fn);
    }

    /** The most thresholds the curves over thresholds get (precision, recall, accuracy, F1, confusion_mat). */
    static final int MAX_THRESHOLDS = 100;

    /**
     * The score thresholds of the curves, descending: every distinct score when there are at most
     * {@link #MAX_THRESHOLDS}, else the scores at FATE's 100 quantile cuts (as KS: the score at rank
     * floor(n * c / 100) of the descending order, c = 0..99), duplicates removed.
     */
    static double[] thresholds(double[] scores) {
        int n = scores.length;
        double[] desc = scores.clone();
        Arrays.sort(desc);
        for (int i = 0; i < n / 2; i++) {
            double tmp = desc[i];
            desc[i] = desc[n - 1 - i];
            desc[n - 1 - i] = tmp;
        }
        double[] distinct = Arrays.stream(desc).distinct().toArray();
        if (distinct.length <= MAX_THRESHOLDS) {
            return distinct;
        }
        double[] cuts = new double[MAX_THRESHOLDS];
        for (int c = 0; c < MAX_THRESHOLDS; c++) {
            cuts[c] = desc[(int) Math.floor(n * (c / (double) MAX_THRESHOLDS))];
        }
        return Arrays.stream(cuts).distinct().toArray();
    }

    /** The confusion counts at each threshold (positive = score strictly above it, as at 0.5). */
    static Confusion[] confusions(double[] labels, double[] scores, double[] thresholds) {
        Confusion[] out = new Confusion[thresholds.length];
        for (int k = 0; k < thresholds.length; k++) {
            out[k] = confusion(labels, scores, thresholds[k]);
        }
        return out;
    }

    /** The number of population buckets of the lift and gain curves. */
    static final int LIFT_BUCKETS = 20;

    /**
     * Lift and gain over the population sorted by score, descending (ties keep their input order): for each
     * share k / buckets of the population (k = 1..buckets; shares that round to the same row count are
     * kept once), the top ceil(n * k / buckets) rows are taken as positive; gain = the share of all positives
     * among them (recall), lift = their positive rate over the whole population's; threshold = the lowest
     * score among them. Gain and lift are 1.0 at share 1.0. Null when there are no positives.
     */
    record LiftGain(double[] share, double[] lift, double[] gain, double[] thresholds) {}

    static LiftGain liftGain(double[] labels, double[] scores, int buckets) {
        int n = labels.length;
        int[] order = descending(scores);
        double[] cumPos = new double[n + 1];
        for (int i = 0; i < n; i++) {
            cumPos[i + 1] = cumPos[i] + (labels[order[i]] == 1.0 ? 1 : 0);
        }
        double pos = cumPos[n];
        if (pos == 0) {
            return null;
        }
        double baseRate = pos / n;
        List<double[]> points = new ArrayList<>();
        int last = 0;
        for (int k = 1; k <= buckets; k++) {
            int count = (int) Math.ceil(n * (double) k / buckets - 1e-9);
            count = Math.min(Math.max(count, 1), n);
            if (count == last) {
                continue;
            }
            last = count;
            double share = count / (double) n;
            double gain = cumPos[count] / pos;
            double lift = (cumPos[count] / count) / baseRate;
            points.add(new double[] {share, lift, gain, scores[order[count - 1]]});
        }
        double[] share = new double[points.size()];
        double[] lift = new double[points.size()];
        double[] gain = new double[points.size()];
        double[] thr = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            share[i] = points.get(i)[0];
            lift[i] = points.get(i)[1];
            gain[i] = points.get(i)[2];
            thr[i] = points.get(i)[3];
        }
        return new LiftGain(share, lift, gain, thr);
    }

    /** Index of the first value not above {@code thr} in a descending array (= how many are above). */
    private static int firstNotAbove(double[] desc, double thr) {
        int lo = 0;
        int hi = desc.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (desc[mid] > thr) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Stable ascending order of the rows by score, as row indexes (4 bytes a row, no boxed indexes). */
    private static int[] ascending(double[] scores) {
        return order(scores, false);
    }

    /** Stable descending order (sklearn: mergesort, reversed). */
    private static int[] descending(double[] scores) {
        return order(scores, true);
    }

    /**
     * The stable order of row indexes by score (Double.compare), ascending or descending: a bottom-up merge
     * sort over int arrays, the permutation a stable sort of boxed indexes gives.
     */
    static int[] order(double[] scores, boolean descending) {
        int n = scores.length;
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        int[] b = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    int c = Double.compare(scores[a[j]], scores[a[i]]);
                    // take from the right run only when it strictly precedes: ties keep their input order
                    boolean right = descending ? c > 0 : c < 0;
                    b[k++] = right ? a[j++] : a[i++];
                }
                while (i < mid) {
                    b[k++] = a[i++];
                }
                while (j < hi) {
                    b[k++] = a[j++];
                }
            }
            int[] t = a;
            a = b;
            b = t;
        }
        return a;
    }

    static double round6(double v) {
        if (!Double.isFinite(v)) {
            return v;
        }
        return Math.round(v * 1e6) / 1e6;
    }
}
