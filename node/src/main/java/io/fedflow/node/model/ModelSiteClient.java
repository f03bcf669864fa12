package io.fedflow.node.model;

import io.fedflow.node.federation.PartyClient;
import io.fedflow.proto.v1.DeleteChildRequest;
import io.fedflow.proto.v1.DeployChildRequest;
import io.fedflow.proto.v1.ModelSiteServiceGrpc.ModelSiteServiceBlockingStub;
import java.time.Duration;

/** The other parties of a model over the signed site port: each call once, within the site calls' deadline. */
public final class ModelSiteClient implements ModelDeploy.Parties {
    private final PartyClient sites;
    private final Duration deadline;

    public ModelSiteClient(PartyClient sites, Duration deadline) {
        this.sites = sites;
        this.deadline = deadline;
    }

    @Override
    public void deployChild(String partyId, ModelDeploy.Child c) {
        sites.callOnce(partyId, ModelSiteServiceBlockingStub.class, "deploy model " + c.modelId() + " "
                + c.parentVersion(), deadline, s -> s.deployChild(DeployChildRequest.newBuilder()
                .setModelId(c.modelId()).setParentVersion(c.parentVersion()).setChildVersion(c.childVersion())
                .setRole(c.role()).setPartyId(c.partyId()).setInferenceDslJson(c.inferenceDsl().toString()).build()));
    }

    @Override
    public void deleteChild(String partyId, String modelId, String childVersion, String role, String rolePartyId) {
        sites.callOnce(partyId, ModelSiteServiceBlockingStub.class, "delete deployed model " + modelId + " "
                + childVersion, deadline, s -> s.deleteChild(DeleteChildRequest.newBuilder().setModelId(modelId)
                .setChildVersion(childVersion).setRole(role).setPartyId(rolePartyId).build()));
    }
}
