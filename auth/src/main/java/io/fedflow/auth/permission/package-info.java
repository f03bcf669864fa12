/**
 * Permission for inbound jobs: one model of {@link io.fedflow.auth.permission.Grant}s behind FATE 1.7's
 * privilege API and FATE 1.9+'s component/dataset API, checked by {@link io.fedflow.auth.permission.PermissionPolicy}.
 *
 * <p>{@link io.fedflow.auth.permission.GrantStore} is the seam for storage ({@code InMemoryGrantStore}
 * here, the node's {@code PostgresGrantStore}); {@link io.fedflow.auth.permission.PermissionSwitches} says
 * which checks are on. Dependencies: the root package and Jackson only.
 */
package io.fedflow.auth.permission;
