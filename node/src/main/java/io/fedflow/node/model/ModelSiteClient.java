package io.fedflow.node.model;

import io.fedflow.node.federation.PartyClient;
import io.fedflow.proto.v1.DeleteChildRequest;
import io.fedflow.proto.v1.DeployChildRequest;
import io.fedflow.proto.v1.ModelSiteServiceGrpc.ModelSiteServiceBlockingStub;
import java.time.Duration;

/** The other parties of a model over the signed site port: each call once, within the site calls' deadline. */
public final class ModelSiteClient implements ModelDeploy.Parties {
    private final PartyClient sites;
    private final PartyClient.RetryPolicy once;

    public ModelSiteClient(PartyClient sites, Duration deadline) {
        this.sites = sites;
        this.once = PartyClient.RetryPolicy.once(deadline);
    }

    @Override
    public void deployChild(String partyId, ModelDeploy.Child c) {
        sites.callSite(partyId, "deploy model " + c.modelId() + " " + c.parentVersion(), once,
                ModelSiteServiceBlockingStub.class, s -> s.deployChild(DeployChildRequest.newBuilder()
                .setModelId(c.modelId()).setParentVersion(c.parentVersion()).setChildVersion(c.childVersion())
                .setRole(c.role()).setPartyId(c.partyId()).setInferenceDslJson(c.inferenceDsl().toString()).build()));
    }

    @Override
    public void deleteChild(String partyId, String modelId, String childVersion, String role, String rolePartyId) {
        sites.callSite(partyId, "delete deployed model " + modelId + " " + childVersion, once,
                ModelSiteServiceBlockingStub.class, s -> s.deleteChild(DeleteChildRequest.newBuilder().setModelId(modelId)
                .setChildVersion(childVersion).setRole(role).setPartyId(rolePartyId).build()));
    }
}
