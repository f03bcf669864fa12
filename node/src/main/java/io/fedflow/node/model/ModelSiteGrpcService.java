package io.fedflow.node.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.federation.SiteVerifyingInterceptor;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.v1.DeleteChildRequest;
import io.fedflow.proto.v1.DeployChildRequest;
import io.fedflow.proto.v1.ModelSiteReply;
import io.fedflow.proto.v1.ModelSiteServiceGrpc;
import io.grpc.stub.StreamObserver;

/**
 * The site side of deploy: a thin adapter of {@link ModelDeploy} on the site port, behind the verifying
 * interceptor (the caller is the verified source party; failures travel as statuses with the retcode trailer).
 */
public final class ModelSiteGrpcService extends ModelSiteServiceGrpc.ModelSiteServiceImplBase {
    private final ModelDeploy deploy;

    public ModelSiteGrpcService(ModelDeploy deploy) {
        this.deploy = deploy;
    }

    @Override
    public void deployChild(DeployChildRequest r, StreamObserver<ModelSiteReply> out) {
        JsonNode dsl;
        try {
            dsl = FateJson.MAPPER.readTree(r.getInferenceDslJson());
        } catch (JsonProcessingException e) {
            throw FlowException.argument("inference_dsl_json is not valid JSON: " + e.getOriginalMessage());
        }
        deploy.createChild(SiteVerifyingInterceptor.sourceParty(), new ModelDeploy.Child(r.getModelId(),
                r.getParentVersion(), r.getChildVersion(), r.getRole(), r.getPartyId(), dsl));
        out.onNext(ModelSiteReply.newBuilder().setRetmsg("deploy model of role " + r.getRole() + " "
                + r.getPartyId() + " success").build());
        out.onCompleted();
    }

    @Override
    public void deleteChild(DeleteChildRequest r, StreamObserver<ModelSiteReply> out) {
        deploy.deleteChild(SiteVerifyingInterceptor.sourceParty(), r.getModelId(), r.getChildVersion(), r.getRole(),
                r.getPartyId());
        out.onNext(ModelSiteReply.newBuilder().setRetmsg("success").build());
        out.onCompleted();
    }
}
