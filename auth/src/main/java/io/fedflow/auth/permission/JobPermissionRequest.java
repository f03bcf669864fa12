package io.fedflow.auth.permission;

import java.util.List;

/**
 * An inbound job (or job command) as the permission check sees it, at one receiving party.
 *
 * @param srcPartyId the party that sent it (the initiator)
 * @param srcRole    the role the sender plays in the job, null if unknown
 * @param role       the role this party plays in the job
 * @param partyId    this party's id
 * @param command    {@link #CREATE}, {@link #STOP} or {@link #RUN}
 * @param components module names of every component in the DSL
 * @param datasets   input tables of this role and party (the Readers' tables)
 */
public record JobPermissionRequest(
        String srcPartyId,
        String srcRole,
        String role,
        String partyId,
        String command,
        List<String> components,
        List<DatasetRef> datasets) {
    public static final String CREATE = "create";
    public static final String STOP = "stop";
    public static final String RUN = "run";

    public JobPermissionRequest {
        components = List.copyOf(components);
        datasets = List.copyOf(datasets);
    }
}
