/**
 * Permission for inbound jobs: one model of {@link io.fedflow.auth.permission.Grant}s behind FATE 1.7's
 * privilege API and FATE 1.9+'s component/dataset API, checked by {@link io.fedflow.auth.permission.PermissionPolicy}.
 */
package io.fedflow.auth.permission;
