package io.fedflow.node.job;

import io.fedflow.node.store.DatabaseNotifications;
import io.fedflow.proto.v1.FlowResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * job/query's answers to its commonest call, a client polling one job by id (perhaps with one role and one
 * party), kept as printed so that a poll answers without PostgreSQL. Only answers whose every row depends on
 * the job's t_job rows alone are kept: none with a row waiting, ready or running (its place in the queue and
 * what it waits for change without a write of its row).
 *
 * <p>Coherent with every writer of t_job: a trigger NOTIFYs each committed write's job id on {@link #CHANNEL}
 * (V19), which this process's one listening connection hands here, dropping that job's answers; a commit of
 * this process drops every answer as soon as it returns ({@link #invalidateAll}, from the store's {@code
 * CommittedWrites}), so a call that changed a job is seen by the next poll here. While the connection is not
 * listening (at start, after it broke) nothing is kept nor answered from here.
 *
 * <p>Races: the generation is read before the database read and bumped by every invalidation, and an answer is
 * only kept if it did not move meanwhile, so an invalidation during a read cannot leave the older answer behind.
 *
 * <p>Bounded by {@code maxBytes} of printed answers kept since it last started over: past it, it starts over
 * (0 keeps none).
 */
final class JobQueryCache implements DatabaseNotifications.Subscriber {
    /** The channel V19's trigger notifies on, a job's id as payload. */
    static final String CHANNEL = "fedflow_job";
    /** Lookups of one job kept at most (role and party combinations); others are answered from the database. */
    static final int LOOKUPS_PER_JOB = 8;

    /** One polled lookup; role and party null when not given. */
    record Lookup(String jobId, String role, String partyId) {}

    private final long maxBytes;
    /** By job id: its kept answers by lookup (an immutable map, replaced whole). */
    private final ConcurrentHashMap<String, Map<Lookup, FlowResponse>> byJob = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    /** Bytes of answers kept since the last start-over, removed ones included (so an upper bound). */
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean listening;

    JobQueryCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("job query cache bytes must not be negative: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    boolean enabled() {
        return maxBytes > 0;
    }

    /** The kept answer of {@code lookup}, or null. */
    FlowResponse get(Lookup lookup) {
        if (!listening) {
            return null;
        }
        Map<Lookup, FlowResponse> answers = byJob.get(lookup.jobId());
        return answers == null ? null : answers.get(lookup);
    }

    /** To read before the database read whose answer may be {@link #put}. */
    long generation() {
        return generation.get();
    }

    /** Keeps {@code answer} of {@code lookup}, read from the database after {@code generation} was read. */
    void put(Lookup lookup, FlowResponse answer, long generationBefore) {
        int size = answer.getDataJson().size() + answer.getRetmsg().length();
        if (!listening || maxBytes == 0 || generation.get() != generationBefore || size > maxBytes) {
            return;
        }
        if (bytes.addAndGet(size) > maxBytes) {
            byJob.clear();
            bytes.set(size);
        }
        byJob.compute(lookup.jobId(), (id, old) -> {
            if (old == null) {
                return Map.of(lookup, answer);
            }
            if (old.size() >= LOOKUPS_PER_JOB && !old.containsKey(lookup)) {
                return old;
            }
            Map<Lookup, FlowResponse> m = new HashMap<>(old);
            m.put(lookup, answer);
            return Map.copyOf(m);
        });
        // an invalidation between the check above and the put: it may have come before the put, so undo it
        if (!listening || generation.get() != generationBefore) {
            byJob.computeIfPresent(lookup.jobId(), (id, m) -> {
                if (m.get(lookup) != answer) {
                    return m;
                }
                Map<Lookup, FlowResponse> rest = new HashMap<>(m);
                rest.remove(lookup);
                return rest.isEmpty() ? null : Map.copyOf(rest);
            });
        }
    }

    /** Drops the answers of job {@code jobId}: a write of its rows committed. */
    void invalidate(String jobId) {
        generation.incrementAndGet();
        byJob.remove(jobId);
    }

    /** Drops every answer: a write of some job's rows committed. */
    void invalidateAll() {
        generation.incrementAndGet();
        byJob.clear();
    }

    @Override
    public void notified(String payload) {
        invalidate(payload);
    }

    @Override
    public void listening() {
        // what was committed while nobody listened is unknown: start empty
        invalidateAll();
        listening = true;
    }

    @Override
    public void deaf() {
        listening = false;
        invalidateAll();
    }
}
