package io.fedflow.node.serving;

import io.fedflow.proto.v1.PartialScoresReply;
import io.fedflow.proto.v1.PartialScoresRequest;
import io.fedflow.proto.v1.ServingLoadRequest;
import java.time.Duration;

/** What serving asks of the other sites, over the signed site port; failures are thrown as FlowException. */
public interface ServingSites {
    void load(String partyId, ServingLoadRequest request);

    void unload(String partyId, ServingLoadRequest request);

    PartialScoresReply partialScores(String partyId, PartialScoresRequest request, Duration deadline);
}
