package io.fedflow.auth.hook;

import io.fedflow.auth.permission.GrantStore;
import io.fedflow.auth.permission.PermissionDecision;
import io.fedflow.auth.permission.PermissionPolicy;
import io.fedflow.auth.permission.PermissionSwitches;

/**
 * The built-in {@code permission} hook: the sender's grants from the {@link GrantStore} through a
 * {@link PermissionPolicy}; answers FATE's inner codes (1 role/command, 2 component, 3 dataset).
 */
public final class BuiltinPermissionHook implements PermissionHook {
    private final GrantStore grants;
    private final PermissionSwitches switches;

    public BuiltinPermissionHook(GrantStore grants, PermissionSwitches switches) {
        this.grants = grants;
        this.switches = switches;
    }

    @Override
    public HookResult check(PermissionCheckParameters parameters) {
        if (!switches.enabled()) {
            return HookResult.ok();
        }
        PermissionDecision decision = new PermissionPolicy(grants.grantsOf(parameters.srcPartyId()), switches)
                .check(parameters.toJobPermissionRequest());
        return new HookResult(decision.code(), decision.message());
    }
}
