package io.fedflow.auth.permission;

import java.util.List;
import java.util.Locale;

/**
 * Decides whether a party may run a job here, from the grants and the switches; pure.
 *
 * <p>As FATE-Flow's built-in permission hook: no check when permission is off; allowed at once when
 * this party's role is {@code local}, its id is {@code "0"}, or the sender is this party itself.
 * Otherwise, in order: the role this party plays and the command (FATE 1.7's privileges, when
 * {@link PermissionSwitches#roleAndCommand()} and the sender holds any role or command privilege), every component module (when
 * {@link PermissionSwitches#component()}), every input table (when {@link PermissionSwitches#dataset()})
 * must be covered by a grant to the sender; the first gap refuses with its code and message.
 */
public final class PermissionPolicy {
    private final List<Grant> grants;
    private final PermissionSwitches switches;

    /**
     * @param grants   the grants in force (those of other parties are ignored, so the node may pass
     *                 only the sender's)
     * @param switches which checks run
     */
    public PermissionPolicy(List<Grant> grants, PermissionSwitches switches) {
        this.grants = List.copyOf(grants);
        this.switches = switches;
    }

    public PermissionDecision check(JobPermissionRequest request) {
        if (!switches.enabled() || exempt(request)) {
            return PermissionDecision.allowed();
        }
        String source = request.srcPartyId();
        String srcRole = request.srcRole();
        // Roles and commands exist only in FATE 1.7's privilege model: a sender granted through 1.9's
        // party grants alone (components and datasets) has none, and is not refused for lacking them.
        if (switches.roleAndCommand() && hasPrivileges(source)) {
            if (!granted(source, srcRole, GrantType.ROLE, lower(request.role()))) {
                return new PermissionDecision(PermissionDecision.NO_ROLE_PERMISSION,
                        "check role permission failed: " + request.role());
            }
            if (!granted(source, srcRole, GrantType.COMMAND, lower(request.command()))) {
                return new PermissionDecision(PermissionDecision.NO_ROLE_PERMISSION,
                        "check command permission failed: " + request.command());
            }
        }
        if (switches.component()) {
            for (String component : request.components()) {
                if (!granted(source, srcRole, GrantType.COMPONENT, lower(component))) {
                    return new PermissionDecision(PermissionDecision.NO_COMPONENT_PERMISSION,
                            "check component permission failed: " + lower(component));
                }
            }
        }
        if (switches.dataset()) {
            for (DatasetRef dataset : request.datasets()) {
                if (!granted(source, srcRole, GrantType.DATASET, dataset.fateValue())) {
                    return new PermissionDecision(PermissionDecision.NO_DATASET_PERMISSION,
                            "check dataset permission failed: " + dataset.fateValue());
                }
            }
        }
        return PermissionDecision.allowed();
    }

    private boolean hasPrivileges(String source) {
        return grants.stream().anyMatch(g -> g.partyId().equals(source)
                && (g.type() == GrantType.ROLE || g.type() == GrantType.COMMAND));
    }

    private static boolean exempt(JobPermissionRequest request) {
        return "local".equals(request.role())
                || "0".equals(request.partyId())
                || (request.srcPartyId() != null && request.srcPartyId().equals(request.partyId()));
    }

    private boolean granted(String source, String srcRole, GrantType type, String value) {
        for (Grant grant : grants) {
            if (grant.type() == type && grant.appliesTo(source, srcRole) && grant.covers(value)) {
                return true;
            }
        }
        return false;
    }

    private static String lower(String value) {
        return value == null ? "" : value.toLowerCase(Locale.ROOT);
    }
}
