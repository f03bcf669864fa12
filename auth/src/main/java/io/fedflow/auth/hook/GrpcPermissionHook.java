package io.fedflow.auth.hook;

import io.fedflow.auth.permission.DatasetRef;
import io.fedflow.proto.v1.CheckPermissionRequest;
import io.fedflow.proto.v1.CheckPermissionResponse;
import io.fedflow.proto.v1.HookDataset;
import io.fedflow.proto.v1.PermissionHookServiceGrpc;

/** A registered remote {@code permission} service over gRPC. */
public final class GrpcPermissionHook implements PermissionHook {
    private final GrpcHookClient remote;

    public GrpcPermissionHook(GrpcHookClient remote) {
        this.remote = remote;
    }

    @Override
    public HookResult check(PermissionCheckParameters p) {
        return remote.call(channel -> {
            CheckPermissionRequest.Builder request = CheckPermissionRequest.newBuilder()
                    .setSrcRole(nullToEmpty(p.srcRole()))
                    .setSrcPartyId(nullToEmpty(p.srcPartyId()))
                    .setRole(nullToEmpty(p.role()))
                    .setPartyId(nullToEmpty(p.partyId()))
                    .setInitiator(GrpcHookClient.struct(p.initiator()))
                    .setRoles(GrpcHookClient.struct(p.roles()))
                    .addAllComponentList(p.componentList())
                    .setRunTimeConf(GrpcHookClient.struct(p.runTimeConf()))
                    .setDsl(GrpcHookClient.struct(p.dsl()))
                    .setComponentParameters(GrpcHookClient.struct(p.componentParameters()))
                    .setCommand(p.command());
            for (DatasetRef dataset : p.datasetList()) {
                request.addDatasetList(HookDataset.newBuilder().setNamespace(dataset.namespace())
                        .setName(dataset.name()));
            }
            CheckPermissionResponse reply = PermissionHookServiceGrpc.newBlockingStub(channel)
                    .withDeadline(remote.deadline())
                    .checkPermission(request.build());
            return new HookResult(reply.getCode(), GrpcHookClient.messageOr(reply.getMessage(), reply.getCode()));
        }, HookResult::new);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
