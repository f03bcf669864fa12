package io.fedflow.auth.permission;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The answer of FATE 1.7's {@code /v1/permission/query/privilege}: what {@code srcPartyId} acting as
 * {@code role} was granted. A wildcard role or command lists every value; a wildcard component is "all".
 *
 * @param srcPartyId         the source party
 * @param role               its role
 * @param privilegeRole      granted roles, sorted
 * @param privilegeCommand   granted commands, sorted
 * @param privilegeComponent granted components, sorted
 */
public record PrivilegeView(
        String srcPartyId, String role, List<String> privilegeRole, List<String> privilegeCommand,
        List<String> privilegeComponent) {

    public PrivilegeView {
        privilegeRole = List.copyOf(privilegeRole);
        privilegeCommand = List.copyOf(privilegeCommand);
        privilegeComponent = List.copyOf(privilegeComponent);
    }

    /** The privileges among {@code grants} given to {@code srcPartyId} as exactly {@code srcRole}. */
    public static PrivilegeView of(String srcPartyId, String srcRole, Collection<Grant> grants) {
        String role = srcRole.strip().toLowerCase(Locale.ROOT);
        TreeSet<String> roles = new TreeSet<>();
        TreeSet<String> commands = new TreeSet<>();
        TreeSet<String> components = new TreeSet<>();
        for (Grant grant : grants) {
            if (!grant.partyId().equals(srcPartyId) || !grant.srcRole().equals(role)) {
                continue;
            }
            boolean all = grant.value().equals(Grant.ANY);
            switch (grant.type()) {
                case ROLE -> roles.addAll(all ? Grant.ROLES : List.of(grant.value()));
                case COMMAND -> commands.addAll(all ? Grant.COMMANDS : List.of(grant.value()));
                case COMPONENT -> components.add(all ? "all" : grant.value());
                case DATASET -> {
                    // Datasets belong to the 1.9+ API; 1.7's privilege_dataset is not carried over.
                }
            }
        }
        return new PrivilegeView(srcPartyId, role, new ArrayList<>(roles), new ArrayList<>(commands),
                new ArrayList<>(components));
    }
}
