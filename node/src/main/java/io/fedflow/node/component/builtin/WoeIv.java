package io.fedflow.node.component.builtin;

/**
 * WOE and IV of one binned feature from its per-bin event (label 1) and non-event counts, as FATE's
 * iv_calculator: rates over the totals, with {@code adjustment_factor} added to both counts of a bin that
 * has no events or no non-events (so its log is finite); woe = ln(event rate / non-event rate), a bin's
 * iv = (event rate - non-event rate) · woe, which is never negative, and the feature's IV is their sum.
 */
record WoeIv(long[] eventCounts, long[] nonEventCounts, double[] eventRates, double[] nonEventRates,
             double[] woe, double[] ivs, double iv) {
    static WoeIv of(long[] events, long[] nonEvents, double adjustmentFactor) {
        long eventTotal = 0;
        long nonEventTotal = 0;
        for (int i = 0; i < events.length; i++) {
            eventTotal += events[i];
            nonEventTotal += nonEvents[i];
        }
        int bins = events.length;
        double[] er = new double[bins];
        double[] ner = new double[bins];
        double[] woe = new double[bins];
        double[] ivs = new double[bins];
        double iv = 0;
        for (int i = 0; i < bins; i++) {
            double e = events[i];
            double ne = nonEvents[i];
            if (events[i] == 0 || nonEvents[i] == 0) {
                e += adjustmentFactor;
                ne += adjustmentFactor;
            }
            er[i] = e / Math.max(eventTotal, 1);
            ner[i] = ne / Math.max(nonEventTotal, 1);
            woe[i] = Math.log(er[i] / ner[i]);
            ivs[i] = (er[i] - ner[i]) * woe[i];
            iv += ivs[i];
        }
        return new WoeIv(events.clone(), nonEvents.clone(), er, ner, woe, ivs, iv);
    }

    /** FATE's is_woe_monotonic: the woe only rises or only falls across the bins. */
    boolean monotonic() {
        boolean up = true;
        boolean down = true;
        for (int i = 1; i < woe.length; i++) {
            up &= woe[i] >= woe[i - 1];
            down &= woe[i] <= woe[i - 1];
        }
        return up || down;
    }
}
