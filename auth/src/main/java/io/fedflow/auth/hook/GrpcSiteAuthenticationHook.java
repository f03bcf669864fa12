package io.fedflow.auth.hook;

import io.fedflow.proto.v1.AuthenticateSiteRequest;
import io.fedflow.proto.v1.AuthenticateSiteResponse;
import io.fedflow.proto.v1.SiteAuthenticationHookServiceGrpc;

/** A registered remote {@code site_authentication} service over gRPC. */
public final class GrpcSiteAuthenticationHook implements SiteAuthenticationHook {
    private final GrpcHookClient remote;

    public GrpcSiteAuthenticationHook(GrpcHookClient remote) {
        this.remote = remote;
    }

    @Override
    public HookResult authenticate(AuthenticationParameters parameters) {
        return remote.call(channel -> {
            AuthenticateSiteResponse reply = SiteAuthenticationHookServiceGrpc.newBlockingStub(channel)
                    .withDeadline(remote.deadline())
                    .authenticateSite(AuthenticateSiteRequest.newBuilder()
                            .setSrcPartyId(nullToEmpty(parameters.srcPartyId()))
                            .setSiteSignature(nullToEmpty(parameters.siteSignature()))
                            .setBody(nullToEmpty(parameters.body()))
                            .build());
            return new HookResult(reply.getCode(), GrpcHookClient.messageOr(reply.getMessage(), reply.getCode()));
        }, HookResult::new);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
