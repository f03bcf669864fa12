package io.fedflow.auth.permission;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One permission given to a source party: the single persisted model behind both of FATE's APIs.
 *
 * <p>FATE 1.9+ grants ({@code party_id}, component or dataset) have {@code srcRole} {@value #ANY};
 * FATE 1.7 privileges ({@code src_party_id}, {@code src_role}, privilege role, command, component)
 * name the source role. {@code value} {@value #ANY} means every value of the type (1.7's "all").
 *
 * @param partyId the source party the grant is for
 * @param srcRole the role the source plays in the job (guest, host, arbiter, local), or {@value #ANY}
 * @param type    what is granted
 * @param value   a role, a command, a lower-case module name, a {@link DatasetRef#fateValue()}, or {@value #ANY}
 */
public record Grant(String partyId, String srcRole, GrantType type, String value) {
    /** Every source role, or every value. */
    public static final String ANY = "*";
    /** Roles a party can be granted (FATE 1.7's privilege_role). */
    public static final Set<String> ROLES = Set.of("guest", "host", "arbiter");
    /** Commands a party can be granted (FATE 1.7's privilege_command). */
    public static final Set<String> COMMANDS = Set.of("create", "stop", "run");

    public Grant {
        partyId = requireText("party id", partyId).strip();
        srcRole = requireText("source role", srcRole).strip().toLowerCase(Locale.ROOT);
        if (type == null) {
            throw new IllegalArgumentException("grant type is missing");
        }
        value = requireText(type.name().toLowerCase(Locale.ROOT), value).strip();
        if (type != GrantType.DATASET) {
            value = value.toLowerCase(Locale.ROOT);
        }
        if (!value.equals(ANY)) {
            if (type == GrantType.ROLE && !ROLES.contains(value)) {
                throw new IllegalArgumentException(value + " does not exist in the permission role");
            }
            if (type == GrantType.COMMAND && !COMMANDS.contains(value)) {
                throw new IllegalArgumentException(value + " does not exist in the permission command");
            }
            if (type == GrantType.DATASET) {
                value = DatasetRef.parseFateValue(value).fateValue();
            }
        }
    }

    /** FATE 1.9+: {@code partyId} may run {@code module} here, whatever its role. */
    public static Grant component(String partyId, String module) {
        return new Grant(partyId, ANY, GrantType.COMPONENT, module);
    }

    /** FATE 1.9+: {@code partyId} may use {@code dataset} here, whatever its role. */
    public static Grant dataset(String partyId, DatasetRef dataset) {
        return new Grant(partyId, ANY, GrantType.DATASET, dataset.fateValue());
    }

    /** FATE 1.7 privilege: when {@code partyId} acts as {@code srcRole}, this party may be {@code role}. */
    public static Grant role(String partyId, String srcRole, String role) {
        return new Grant(partyId, srcRole, GrantType.ROLE, role);
    }

    /** FATE 1.7 privilege: when {@code partyId} acts as {@code srcRole}, it may send {@code command}. */
    public static Grant command(String partyId, String srcRole, String command) {
        return new Grant(partyId, srcRole, GrantType.COMMAND, command);
    }

    /** FATE 1.7 privilege: when {@code partyId} acts as {@code srcRole}, it may run {@code module}. */
    public static Grant component(String partyId, String srcRole, String module) {
        return new Grant(partyId, srcRole, GrantType.COMPONENT, module);
    }

    /** Whether this grant speaks for {@code partyId} acting as {@code srcRole} (null: role unknown). */
    public boolean appliesTo(String partyId, String srcRole) {
        return this.partyId.equals(partyId)
                && (this.srcRole.equals(ANY) || (srcRole != null && this.srcRole.equalsIgnoreCase(srcRole)));
    }

    /** Whether this grant covers {@code value} of its type (already in canonical form). */
    public boolean covers(String value) {
        return this.value.equals(ANY) || this.value.equals(value);
    }

    /** The dataset of a DATASET grant that names one. */
    public Optional<DatasetRef> datasetRef() {
        return type == GrantType.DATASET && !value.equals(ANY)
                ? Optional.of(DatasetRef.parseFateValue(value))
                : Optional.empty();
    }

    private static String requireText(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
        return value;
    }
}
