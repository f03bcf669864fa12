package io.fedflow.node.serving;

import io.fedflow.node.core.FlowException;
import io.fedflow.node.data.TableId;
import io.fedflow.proto.v1.PartialScore;
import io.fedflow.proto.v1.PartialScoresReply;
import io.fedflow.proto.v1.PartialScoresRequest;
import io.fedflow.proto.v1.ServingLoadRequest;
import io.fedflow.proto.v1.ServingSiteReply;
import io.fedflow.proto.v1.ServingSiteServiceGrpc;
import io.grpc.stub.StreamObserver;

/**
 * The site side of serving, behind the site port's verifying interceptor: another party's load and unload of
 * this node's part, and a guest's request for this host's partial scores. A party id the call names must be
 * this node's.
 */
public final class ServingSiteGrpcService extends ServingSiteServiceGrpc.ServingSiteServiceImplBase {
    private final String localParty;
    private final ServingRegistry registry;

    public ServingSiteGrpcService(String localParty, ServingRegistry registry) {
        this.localParty = localParty;
        this.registry = registry;
    }

    @Override
    public void load(ServingLoadRequest r, StreamObserver<ServingSiteReply> out) {
        reply(out, () -> {
            requireLocal(r.getPartyId());
            registry.load(r.getModelId(), r.getModelVersion(), r.getRole(), r.getPartyId(),
                    r.getFeatureName().isEmpty() ? null : new TableId(r.getFeatureNamespace(), r.getFeatureName()));
        });
    }

    @Override
    public void unload(ServingLoadRequest r, StreamObserver<ServingSiteReply> out) {
        reply(out, () -> {
            requireLocal(r.getPartyId());
            registry.unload(r.getModelId(), r.getModelVersion(), r.getRole(), r.getPartyId());
        });
    }

    @Override
    public void partialScores(PartialScoresRequest r, StreamObserver<PartialScoresReply> out) {
        PartialScoresReply.Builder b = PartialScoresReply.newBuilder();
        try {
            requireLocal(r.getPartyId());
            for (ServingRegistry.Partial p : registry.partialScores(r.getModelId(), r.getModelVersion(),
                    r.getPartyId(), r.getIdsList())) {
                b.addScores(PartialScore.newBuilder().setRetcode(p.retcode()).setRetmsg(p.retmsg())
                        .setScore(p.score()));
            }
        } catch (FlowException e) {
            b.clearScores().setRetcode(e.retcode() >= ServingCodes.GUEST ? e.retcode()
                    : ServingCodes.HOST + ServingCodes.SYSTEM_ERROR).setRetmsg(e.getMessage());
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    private void requireLocal(String partyId) {
        if (!localParty.equals(partyId)) {
            throw FlowException.argument("party_id " + partyId + " is not this site's party (" + localParty + ")");
        }
    }

    private static void reply(StreamObserver<ServingSiteReply> out, Runnable action) {
        ServingSiteReply.Builder b = ServingSiteReply.newBuilder();
        try {
            action.run();
        } catch (FlowException e) {
            b.setRetcode(e.retcode()).setRetmsg(e.getMessage());
        }
        out.onNext(b.build());
        out.onCompleted();
    }
}
