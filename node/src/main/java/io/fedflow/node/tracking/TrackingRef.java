package io.fedflow.node.tracking;

/** One component (or the whole job) at one role and party, as a tracking read names it, defaults filled in. */
public record TrackingRef(String jobId, String role, String partyId, String component) {
    TrackingQueryStore.Where where() {
        return new TrackingQueryStore.Where(jobId, component, role, partyId);
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static String nz(String s) {
        return s == null ? "" : s.trim();
    }
}
