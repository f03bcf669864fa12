package io.fedflow.auth.hook;

import com.google.protobuf.ByteString;
import io.fedflow.proto.v1.AuthenticateClientRequest;
import io.fedflow.proto.v1.AuthenticateClientResponse;
import io.fedflow.proto.v1.ClientAuthenticationHookServiceGrpc;

/** A registered remote {@code client_authentication} service over gRPC. */
public final class GrpcClientAuthenticationHook implements ClientAuthenticationHook {
    private final GrpcHookClient remote;

    public GrpcClientAuthenticationHook(GrpcHookClient remote) {
        this.remote = remote;
    }

    @Override
    public HookResult authenticate(ClientAuthenticationParameters parameters) {
        return remote.call(channel -> {
            AuthenticateClientResponse reply = ClientAuthenticationHookServiceGrpc.newBlockingStub(channel)
                    .withDeadline(remote.deadline())
                    .authenticateClient(AuthenticateClientRequest.newBuilder()
                            .setFullPath(parameters.fullPath())
                            .putAllHeaders(parameters.headers())
                            .putAllForm(parameters.form())
                            .setData(ByteString.copyFrom(parameters.data()))
                            .setJson(GrpcHookClient.value(parameters.json()))
                            .build());
            return new HookResult(reply.getCode(), GrpcHookClient.messageOr(reply.getMessage(), reply.getCode()));
        }, HookResult::new);
    }
}
