package io.fedflow.node.serving;

import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.federation.PartyClient;
import io.fedflow.proto.v1.PartialScoresReply;
import io.fedflow.proto.v1.PartialScoresRequest;
import io.fedflow.proto.v1.ServingLoadRequest;
import io.fedflow.proto.v1.ServingSiteReply;
import io.fedflow.proto.v1.ServingSiteServiceGrpc.ServingSiteServiceBlockingStub;
import java.time.Duration;

/** {@link ServingSites} over the signed site client. */
public final class ServingSiteClient implements ServingSites {
    /** A load compiles and indexes at the party: more than a scoring call, far less than a job. */
    private static final Duration LOAD_DEADLINE = Duration.ofSeconds(60);

    private final PartyClient parties;

    public ServingSiteClient(PartyClient parties) {
        this.parties = parties;
    }

    @Override
    public void load(String partyId, ServingLoadRequest request) {
        check(partyId, "load", parties.callSite(partyId, "load model " + request.getModelId(),
                PartyClient.RetryPolicy.once(LOAD_DEADLINE), ServingSiteServiceBlockingStub.class, s -> s.load(request)));
    }

    @Override
    public void unload(String partyId, ServingLoadRequest request) {
        check(partyId, "unload", parties.callSite(partyId, "unload model " + request.getModelId(),
                PartyClient.RetryPolicy.once(LOAD_DEADLINE), ServingSiteServiceBlockingStub.class,
                s -> s.unload(request)));
    }

    @Override
    public PartialScoresReply partialScores(String partyId, PartialScoresRequest request, Duration deadline) {
        // one attempt: the guest answers within the inference timeout, a retry would not fit in it
        return parties.callSite(partyId, "score " + request.getIdsCount() + " ids", PartyClient.RetryPolicy.once(deadline),
                ServingSiteServiceBlockingStub.class, s -> s.partialScores(request));
    }

    private static void check(String partyId, String what, ServingSiteReply reply) {
        if (reply.getRetcode() != 0) {
            throw FlowException.withRetcode(reply.getRetcode(), FailureKind.REFUSED, "party " + partyId
                    + " could not " + what + ": " + reply.getRetmsg());
        }
    }
}
