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
 * sklearn's roc_curve with drop_intermediate, and precision/recall/accuracy/F1 at one threshold.
 */
final class BinaryMetrics {
    private BinaryMetrics() {}

    /** Area under the ROC curve; NaN when one class is absent. */
    static double auc(double[] labels, double[] scores) {
        int n = labels.length;
        Integer[] order = ascending(scores);
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
        Integer[] order = descending(scores);
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
        Integer[] order = descending(scores);
        List<Integer> thresholdIdx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i == n - 1 || scores[order[i]] != scores[order[i + 1]]) {
                thresholdIdx.add(i);
            }
        }
        double[] cum = new double[n];
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += labels[order[i]] == 1.0 ? 1 : 0;
            cum[i] = acc;
        }
        int m = thresholdIdx.size();
        double[] tps = new double[m];
        double[] fps = new double[m];
        double[] thr = new double[m];
        for (int k = 0; k < m; k++) {
            int i = thresholdIdx.get(k);
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

    private static Integer[] ascending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        return order;
    }

    /** Stable descending order (sklearn: mergesort, reversed). */
    private static Integer[] descending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        return order;
    }

    static double round6(double v) {
        if (!Double.isFinite(v)) {
            return v;
        }
        return Math.round(v * 1e6) / 1e6;
    }
}
