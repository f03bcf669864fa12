package io.fedflow.node.federation;

import io.fedflow.node.core.FlowException;

/**
 * Names one component message: the job and component whose tasks talk, the task version they run, the
 * message's tag, and who sends it to whom. A key holds at most one message at a time (the unique key of
 * t_transfer). The version is part of the key because a stopped or failed version's messages may still
 * arrive after its retry or rerun started: they must never be taken for (or collide with) the new ones.
 */
public record TransferKey(String jobId, String componentName, long taskVersion, String tag, String srcRole,
                          String srcPartyId, String dstRole, String dstPartyId) {
    public TransferKey {
        if (taskVersion < 0) {
            throw FlowException.argument("transfer task_version must not be negative, got " + taskVersion);
        }
        // The limits of t_transfer's columns: refused here with the field's name rather than by the database.
        require("job_id", jobId, 25);
        require("component_name", componentName, 100);
        require("tag", tag, 200);
        require("src_role", srcRole, 50);
        require("src_party_id", srcPartyId, 10);
        require("dst_role", dstRole, 50);
        require("dst_party_id", dstPartyId, 10);
    }

    /** The same message under another task version. */
    public TransferKey atVersion(long version) {
        return new TransferKey(jobId, componentName, version, tag, srcRole, srcPartyId, dstRole, dstPartyId);
    }

    private static void require(String field, String value, int max) {
        if (value == null || value.isEmpty()) {
            throw FlowException.argument("transfer " + field + " is missing");
        }
        if (value.length() > max) {
            throw FlowException.argument("transfer " + field + " is longer than " + max + " characters: " + value);
        }
    }

    @Override
    public String toString() {
        return "message " + tag + " of job " + jobId + " component " + componentName + " version " + taskVersion
                + " from " + srcRole + " " + srcPartyId + " to " + dstRole + " " + dstPartyId;
    }
}
