package io.fedflow.node.permission;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.auth.hook.HookResult;
import io.fedflow.auth.hook.PermissionCheckParameters;
import io.fedflow.auth.hook.PermissionHook;
import io.fedflow.auth.permission.DatasetRef;
import io.fedflow.auth.permission.JobPermissionRequest;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.job.JobAdmission;
import io.fedflow.node.job.JobPlan;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.proto.RetCode;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Inbound jobs through the {@code permission} hook in force (the built-in one reads the grants): the
 * initiator's role and party, the command, every DSL component and every table this party's Readers
 * would read. A refusal is FATE's retcode 108 with the hook's reason.
 */
public final class PermissionAdmission implements JobAdmission {
    private final Supplier<PermissionHook> hook;

    public PermissionAdmission(Supplier<PermissionHook> hook) {
        this.hook = hook;
    }

    @Override
    public void check(String sourceParty, JobPlan plan, String role, String partyId) {
        List<String> components = plan.components().stream()
                .map(c -> c.definition().module().toLowerCase(Locale.ROOT)).distinct().toList();
        List<DatasetRef> datasets = plan.readerTables().stream()
                .filter(r -> r.role().equals(role) && r.partyId().equals(partyId))
                .map(r -> new DatasetRef(r.table().path("namespace").asText(), r.table().path("name").asText()))
                .distinct().toList();
        JsonNode componentParameters = plan.conf().path("component_parameters");
        PermissionCheckParameters parameters = new PermissionCheckParameters(plan.initiatorRole(), sourceParty, role,
                partyId, plan.conf().path("initiator"), plan.conf().path("role"), components, datasets, plan.conf(),
                plan.dsl(), componentParameters, JobPermissionRequest.CREATE);
        HookResult result;
        try {
            result = hook.get().check(parameters);
        } catch (RuntimeException e) {
            String what = "permission check failed at party " + partyId + ": the permission hook failed";
            if (DatabaseFailures.isDatabase(e)) {
                throw DatabaseFailures.of(RetCode.PERMISSION_ERROR, what, e);
            }
            throw new FlowException(RetCode.PERMISSION_ERROR, what + ": " + e.getMessage());
        }
        if (!result.accepted()) {
            throw new FlowException(RetCode.PERMISSION_ERROR, "permission check failed at party " + partyId
                    + " for " + role + ": " + result.message());
        }
    }
}
