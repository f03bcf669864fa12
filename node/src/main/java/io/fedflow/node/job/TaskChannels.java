package io.fedflow.node.job;

import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.core.AbortSignal;
import java.util.List;
import java.util.Map;

/**
 * Opens a task's channel whose receives end at once when {@code sendFailed} is aborted: the task's own send,
 * delivered behind it ({@code PipelinedChannel}), failed, and the wait for an answer would be in vain. The
 * node's transfer channel implements it; the job's clean-up drops the messages no task took.
 */
@FunctionalInterface
public interface TaskChannels {
    FederationChannel forTask(String jobId, String componentName, long taskVersion, String role, String partyId,
                              Map<String, List<String>> roles, AbortSignal sendFailed);

    /** Drops the job's messages that no task took (the job ended, or its outputs are cleaned). */
    default void deleteMessages(String jobId) {
    }
}
