package io.fedflow.auth.permission;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A FATE 1.7/1.8 privilege request ({@code /v1/permission/grant/privilege} and {@code .../delete/privilege}):
 * when {@code srcPartyId} acts as {@code srcRole}, which roles this party may play, which commands it
 * may send and which components it may run. Each list is {@code "a,b"}, {@code "all"}, or null for
 * "not part of this request".
 *
 * @param srcPartyId         the source party
 * @param srcRole            the role the source plays (guest, host, arbiter)
 * @param privilegeRole      roles among guest, host, arbiter
 * @param privilegeCommand   commands among create, stop, run
 * @param privilegeComponent lower-case component module names
 */
public record PrivilegeGrant(
        String srcPartyId, String srcRole, String privilegeRole, String privilegeCommand, String privilegeComponent) {

    private static final String ALL = "all";

    /** The grants this request names ("all" becomes {@link Grant#ANY}). */
    public List<Grant> grants() {
        List<Grant> grants = new ArrayList<>();
        for (Part part : parts()) {
            for (String value : part.values()) {
                grants.add(new Grant(srcPartyId, srcRole, part.type(), value.equals(ALL) ? Grant.ANY : value));
            }
        }
        return grants;
    }

    /** Adds every grant of this request to {@code store}. */
    public void grantTo(GrantStore store) {
        List<Grant> grants = grants();
        grants.forEach(store::add);
    }

    /**
     * Removes what this request names from {@code store}: "all" removes every grant of that type for
     * the source and its role. Refuses, as FATE 1.7 does, to delete a value that was not granted.
     */
    public void deleteFrom(GrantStore store) {
        List<Grant> named = grants();
        for (Grant grant : named) {
            if (grant.value().equals(Grant.ANY)) {
                store.removeAll(grant.partyId(), grant.srcRole(), grant.type());
            } else if (!store.remove(grant)) {
                throw new IllegalArgumentException(grant.type().name().toLowerCase(Locale.ROOT) + " "
                        + grant.value() + " is not authorized ,it cannot be deleted");
            }
        }
    }

    private List<Part> parts() {
        return List.of(
                new Part(GrantType.ROLE, split(privilegeRole)),
                new Part(GrantType.COMMAND, split(privilegeCommand)),
                new Part(GrantType.COMPONENT, split(privilegeComponent)));
    }

    static List<String> split(String commaList) {
        List<String> values = new ArrayList<>();
        if (commaList == null) {
            return values;
        }
        for (String value : commaList.split(",")) {
            String trimmed = value.strip().toLowerCase(Locale.ROOT);
            if (!trimmed.isEmpty()) {
                values.add(trimmed);
            }
        }
        return values;
    }

    private record Part(GrantType type, List<String> values) {
    }
}
