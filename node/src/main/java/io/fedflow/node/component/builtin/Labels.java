package io.fedflow.node.component.builtin;

/** How labels and classes are written: integral values without a fraction ("1", not "1.0"). */
final class Labels {
    private Labels() {}

    static String format(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
