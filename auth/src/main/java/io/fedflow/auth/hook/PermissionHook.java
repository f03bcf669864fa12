package io.fedflow.auth.hook;

import java.util.List;

/** FATE's {@code permission} hook: checks an inbound job against the grants. */
@FunctionalInterface
public interface PermissionHook {
    HookResult check(PermissionCheckParameters parameters);

    /** Runs {@code hooks} in order and answers the first refusal, as FATE-Flow runs its permission hooks. */
    static PermissionHook inOrder(List<PermissionHook> hooks) {
        List<PermissionHook> copy = List.copyOf(hooks);
        return parameters -> {
            for (PermissionHook hook : copy) {
                HookResult result = hook.check(parameters);
                if (!result.accepted()) {
                    return result;
                }
            }
            return HookResult.ok();
        };
    }
}
