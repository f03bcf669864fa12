package io.fedflow.node.job;

import java.util.List;
import java.util.Map;

/**
 * The other parties of a job, as the scheduler asks things of them. Every call is a signed site
 * call, retried on transport failures with backoff; a failure that stays is a {@link
 * io.fedflow.node.core.FlowException} naming the party (104 federated error, 105 unreachable, or the
 * party's own retcode for a refusal such as 108 permission).
 */
public interface RemoteParties {
    /** What the initiator sends to create a job at a party. */
    record CreateJob(String jobId, String initiatorRole, String initiatorPartyId, String dslJson,
                     String runtimeConfJson, String runtimeConfOnPartyJson) {}

    /** One task row at a party. */
    record RemoteTask(String taskId, long taskVersion, String componentName, String role, String partyId,
                      String status, String partyStatus, Long startTime, Long endTime, long updateTime,
                      String errorReport) {}

    /** A party's view of a job. */
    record Collected(String jobStatus, List<RemoteTask> tasks) {}

    void create(String partyId, CreateJob job);

    /** False when the party does not have the job's cores free now. */
    boolean applyResources(String partyId, String jobId);

    void returnResources(String partyId, String jobId);

    void start(String partyId, String jobId);

    /** Stops the job at {@code partyId}; sent to the initiator, stops it everywhere. Fails fast: stop must be quick. */
    void stop(String partyId, String jobId, JobStatus status, String reason);

    void syncStatus(String partyId, String jobId, JobStatus status, String errorReport);

    Collected collect(String partyId, String jobId);

    /**
     * Reruns the job at {@code partyId}; {@code taskVersions} (component -> version, may be empty) are the
     * versions every party gives the components it names.
     */
    void rerun(String partyId, String jobId, List<String> components, boolean force,
               Map<String, Long> taskVersions);

    /** Moves the party's tasks of a running job's component to {@code taskVersion} (the initiator's retry). */
    void retryTask(String partyId, String jobId, String componentName, long taskVersion, int autoRetries,
                   String reason);

    void clean(String partyId, String jobId);

    /** FATE's parameter/update at a party: JSON objects (or null) merged into the job's conf there. */
    void updateParameters(String partyId, String jobId, String jobParametersJson, String componentParametersJson);

    /** No other party: a node that is not federated. */
    RemoteParties NONE = new RemoteParties() {
        private UnsupportedOperationException none() {
            return new UnsupportedOperationException("this node has no peers");
        }

        @Override
        public void create(String partyId, CreateJob job) {
            throw none();
        }

        @Override
        public boolean applyResources(String partyId, String jobId) {
            throw none();
        }

        @Override
        public void returnResources(String partyId, String jobId) {
            throw none();
        }

        @Override
        public void start(String partyId, String jobId) {
            throw none();
        }

        @Override
        public void stop(String partyId, String jobId, JobStatus status, String reason) {
            throw none();
        }

        @Override
        public void syncStatus(String partyId, String jobId, JobStatus status, String errorReport) {
            throw none();
        }

        @Override
        public Collected collect(String partyId, String jobId) {
            throw none();
        }

        @Override
        public void rerun(String partyId, String jobId, List<String> components, boolean force,
                          Map<String, Long> taskVersions) {
            throw none();
        }

        @Override
        public void retryTask(String partyId, String jobId, String componentName, long taskVersion,
                              int autoRetries, String reason) {
            throw none();
        }

        @Override
        public void clean(String partyId, String jobId) {
            throw none();
        }

        @Override
        public void updateParameters(String partyId, String jobId, String jobParametersJson,
                                     String componentParametersJson) {
            throw none();
        }
    };
}
