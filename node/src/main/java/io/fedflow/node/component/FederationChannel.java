package io.fedflow.node.component;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A task's channel to the same component's tasks at the job's other roles and parties. Messages are
 * scoped by job, component and task version and named by a tag; each is delivered whole or not at all,
 * once. A receive fails at once (FAILED_PRECONDITION) when the peer sent that message under a newer
 * task version: it runs another version and the one waited for will never come.
 */
public interface FederationChannel {
    /** The job's parties by role ("guest", "host", "arbiter"...), in conf order: who the peers are. */
    Map<String, List<String>> roles();

    /** Sends {@code payload} under {@code tag} to the task of {@code dstRole} at {@code dstPartyId}. */
    void send(String tag, String dstRole, String dstPartyId, byte[] payload);

    /**
     * Sends a payload of any size: it is spooled to a temporary file first (its hash must be known
     * before the first byte goes out), never held in memory.
     */
    void send(String tag, String dstRole, String dstPartyId, InputStream payload);

    /** Waits up to {@code timeout} for the message under {@code tag} from that role and party. */
    byte[] receive(String tag, String srcRole, String srcPartyId, Duration timeout);

    /** As {@link #receive(String, String, String, Duration)}, streaming into {@code out}; returns its size. */
    long receive(String tag, String srcRole, String srcPartyId, Duration timeout, OutputStream out);

    /** Opens the channel of one task; the node's transfer channel implements it. */
    @FunctionalInterface
    interface Factory {
        FederationChannel forTask(String jobId, String componentName, long taskVersion, String role,
                                  String partyId, Map<String, List<String>> roles);

        /** Drops the job's messages that no task took (the job ended, or its outputs are cleaned). */
        default void deleteMessages(String jobId) {
        }
    }
}
