package io.fedflow.node.model;

import io.fedflow.node.federation.SiteVerifyingInterceptor;
import io.fedflow.proto.v1.MigrateSiteReply;
import io.fedflow.proto.v1.MigrateSiteRequest;
import io.fedflow.proto.v1.MigrateSiteServiceGrpc;
import io.grpc.stub.StreamObserver;

/**
 * Site-port adapter of an execute party's side of a migration; served behind the verifying interceptor, which
 * names the calling party.
 */
public final class MigrateSiteGrpcService extends MigrateSiteServiceGrpc.MigrateSiteServiceImplBase {
    private final ModelMigrationSite site;

    public MigrateSiteGrpcService(ModelMigrationSite site) {
        this.site = site;
    }

    @Override
    public void migrate(MigrateSiteRequest r, StreamObserver<MigrateSiteReply> out) {
        out.onNext(site.migrate(r, SiteVerifyingInterceptor.sourceParty()));
        out.onCompleted();
    }

    @Override
    public void undo(MigrateSiteRequest r, StreamObserver<MigrateSiteReply> out) {
        site.undo(r, SiteVerifyingInterceptor.sourceParty());
        out.onNext(MigrateSiteReply.newBuilder().setRetmsg("success").build());
        out.onCompleted();
    }
}
