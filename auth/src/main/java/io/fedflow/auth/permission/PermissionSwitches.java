package io.fedflow.auth.permission;

/**
 * Which permission checks run on inbound jobs (FATE-Flow's {@code permission} block of service_conf).
 *
 * @param enabled        {@code permission.switch}: nothing is checked when off (FATE's default)
 * @param component      {@code permission.component}: every component module must be granted
 * @param dataset        {@code permission.dataset}: every input table must be granted
 * @param roleAndCommand FATE 1.7's privilege check: the role this party plays and the command must be granted
 */
public record PermissionSwitches(boolean enabled, boolean component, boolean dataset, boolean roleAndCommand) {
    /** FATE-Flow's defaults: permission off. */
    public static PermissionSwitches off() {
        return new PermissionSwitches(false, false, false, false);
    }

    /** Every check on. */
    public static PermissionSwitches all() {
        return new PermissionSwitches(true, true, true, true);
    }
}
