package io.fedflow.node.testing;

import io.fedflow.proto.v1.PartyReply;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** The end of a raw transfer stream a test sends chunk by chunk: {@code done} gets its error, or null. */
public final class TransferReplies {
    private TransferReplies() {}

    public static StreamObserver<PartyReply> completing(CompletableFuture<Throwable> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(PartyReply value) {}

            @Override
            public void onError(Throwable t) {
                done.complete(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        };
    }
}
