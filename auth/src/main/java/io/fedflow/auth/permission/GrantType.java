package io.fedflow.auth.permission;

/** What a {@link Grant} allows a source party: a role, a command, a component module, or a dataset. */
public enum GrantType {
    /** FATE 1.7 {@code privilege_role}: the role this party may play in the source's jobs. */
    ROLE,
    /** FATE 1.7 {@code privilege_command}: create, stop or run. */
    COMMAND,
    /** A component module name, lower case (FATE 1.7 {@code privilege_component}, 1.9+ {@code component}). */
    COMPONENT,
    /** A table, {namespace, name} (FATE 1.9+ {@code dataset}). */
    DATASET
}
