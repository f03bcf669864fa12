package io.fedflow.node.job;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each job at this node waits for right now, in words a user can act on: cores at a party, a
 * party that does not answer, a task's message from a peer, a peer that runs another task version.
 * Each entry has a stable name (the scheduler's "cores", a task's key...) so that it is replaced as the
 * wait changes and removed once it is over; {@code /v1/job/query} shows them as {@code f_waiting_for}.
 * In memory: after a restart the scheduler and the tasks fill it again within a round.
 */
public final class WaitBoard {
    private final Map<String, Map<String, String>> byJob = new ConcurrentHashMap<>();

    /** Records (or replaces) the wait {@code name} of a job. */
    public void put(String jobId, String name, String reason) {
        byJob.computeIfAbsent(jobId, id -> new ConcurrentHashMap<>()).put(name, reason);
    }

    public void remove(String jobId, String name) {
        byJob.computeIfPresent(jobId, (id, waits) -> {
            waits.remove(name);
            return waits.isEmpty() ? null : waits;
        });
    }

    /** Forgets every wait of a job (it ended). */
    public void clear(String jobId) {
        byJob.remove(jobId);
    }

    /** The job's waits in name order, joined by "; "; null when it waits for nothing known here. */
    public String describe(String jobId) {
        Map<String, String> waits = byJob.get(jobId);
        if (waits == null || waits.isEmpty()) {
            return null;
        }
        return String.join("; ", new TreeMap<>(waits).values());
    }

    /** A point in time as users read it in reasons ("since ..."). */
    static String since(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
