package io.fedflow.node.model;

import io.fedflow.node.federation.PartyClient;
import io.fedflow.proto.v1.MigrateSiteReply;
import io.fedflow.proto.v1.MigrateSiteRequest;
import io.fedflow.proto.v1.MigrateSiteServiceGrpc.MigrateSiteServiceBlockingStub;
import java.time.Duration;

/**
 * The execute parties of a migration: this site's own part (and a local model's) directly, every other
 * party over the signed site port ({@link MigrateSiteGrpcService} there).
 */
public final class MigrateSiteClient implements ModelMigration.Sites {
    /**
     * One attempt: a migrate that timed out after saving would be refused on a retry (the version exists) and
     * then not undone; failing at once instead undoes it with the rest.
     */
    static final PartyClient.RetryPolicy POLICY = PartyClient.RetryPolicy.once(Duration.ofSeconds(30));

    private final String localPartyId;
    private final ModelMigrationSite local;
    private final PartyClient parties;

    public MigrateSiteClient(String localPartyId, ModelMigrationSite local, PartyClient parties) {
        this.localPartyId = localPartyId;
        this.local = local;
        this.parties = parties;
    }

    /** This site's own part: its party id, or a local (one-party) model, which only this site holds. */
    private boolean here(String partyId, MigrateSiteRequest request) {
        return partyId.equals(localPartyId) || request.getRole().equals("local");
    }

    @Override
    public MigrateSiteReply migrate(String partyId, MigrateSiteRequest request) {
        if (here(partyId, request)) {
            return local.migrate(request, null);
        }
        return parties.callSite(partyId, "migrate model " + request.getModelId() + " " + request.getModelVersion()
                + " as " + request.getRole(), POLICY, MigrateSiteServiceBlockingStub.class, s -> s.migrate(request));
    }

    @Override
    public void undo(String partyId, MigrateSiteRequest request) {
        if (here(partyId, request)) {
            local.undo(request, null);
            return;
        }
        parties.callSite(partyId, "undo the migration of model " + request.getModelId(), POLICY,
                MigrateSiteServiceBlockingStub.class, s -> s.undo(request));
    }
}
