package io.fedflow.node.checkpoint;

/** Whose checkpoints: one component of one job at one role and party of this node. */
public record CheckpointOwner(String jobId, String componentName, String role, String partyId) {}
