package io.fedflow.node.job;

/** Decides whether a job another site initiated may be created here, for one role this site holds. */
@FunctionalInterface
public interface JobAdmission {
    /**
     * Returns when {@code sourceParty}'s job may run as {@code role}/{@code partyId} here.
     *
     * @throws io.fedflow.node.core.FlowException with retcode 108 and the reason when it may not
     */
    void check(String sourceParty, JobPlan plan, String role, String partyId);

    JobAdmission ALLOW_ALL = (sourceParty, plan, role, partyId) -> { };
}
