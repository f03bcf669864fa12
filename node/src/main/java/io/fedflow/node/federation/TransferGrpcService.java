package io.fedflow.node.federation;

import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.PartyReply;
import io.fedflow.proto.v1.TransferChunk;
import io.fedflow.proto.v1.TransferHeader;
import io.fedflow.proto.v1.TransferServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound component messages: a thin adapter from a chunk stream to a {@link TransferStore.Writer}.
 * The first chunk's header is what the caller signed, so it must name this party as destination and
 * the verified caller as source; the bytes that follow are bound to it by the header's SHA-256.
 */
public final class TransferGrpcService extends TransferServiceGrpc.TransferServiceImplBase {
    private static final Logger logger = LoggerFactory.getLogger(TransferGrpcService.class);
    /** The largest chunk content accepted; senders cut payloads into chunks of at most this. */
    public static final int MAX_CHUNK_BYTES = 4 * 1024 * 1024;
    private static final PartyReply OK = PartyReply.newBuilder().setRetmsg("success").build();

    private final String thisParty;
    private final TransferStore store;

    public TransferGrpcService(String thisParty, TransferStore store) {
        this.thisParty = thisParty;
        this.store = store;
    }

    /** The key of a header that {@code caller} may send to {@code thisParty}, or a refusal. */
    static TransferKey admit(TransferHeader h, String caller, String thisParty) {
        if (!h.getDstPartyId().equals(thisParty)) {
            throw FlowException.argument("transfer dst_party_id " + h.getDstPartyId() + " is not this party ("
                    + thisParty + ")");
        }
        if (!h.getSrcPartyId().equals(caller)) {
            throw new FlowException(RetCode.AUTHENTICATION_ERROR, "transfer src_party_id " + h.getSrcPartyId()
                    + " is not the signing party " + caller);
        }
        return new TransferKey(h.getJobId(), h.getComponentName(), h.getTaskVersion(), h.getTag(), h.getSrcRole(), h.getSrcPartyId(),
                h.getDstRole(), h.getDstPartyId());
    }

    @Override
    public StreamObserver<TransferChunk> send(StreamObserver<PartyReply> reply) {
        String caller = SiteVerifyingInterceptor.sourceParty();
        return new StreamObserver<>() {
            private TransferStore.Writer writer;
            private boolean finished;

            @Override
            public void onNext(TransferChunk chunk) {
                if (finished) {
                    return; // refused already; the rest of the stream is dropped
                }
                try {
                    if (writer == null) {
                        if (!chunk.hasHeader()) {
                            throw FlowException.argument("the first transfer chunk must carry the header");
                        }
                        TransferHeader h = chunk.getHeader();
                        writer = store.open(admit(h, caller, thisParty), h.getSize(), h.getSha256());
                    } else if (chunk.hasHeader()) {
                        throw FlowException.argument("only the first transfer chunk may carry a header");
                    }
                    if (chunk.getContent().size() > MAX_CHUNK_BYTES) {
                        throw FlowException.argument("transfer chunk of " + chunk.getContent().size()
                                + " bytes exceeds " + MAX_CHUNK_BYTES);
                    }
                    if (!chunk.getContent().isEmpty()) {
                        writer.write(chunk.getContent().toByteArray());
                    }
                } catch (RuntimeException e) {
                    fail(e);
                }
            }

            @Override
            public void onError(Throwable t) {
                // The sender went away mid-stream: nothing of the message stays.
                finished = true;
                if (writer != null) {
                    writer.abort();
                    logger.info("transfer {} cut: {}", writer.key(), t.toString());
                }
            }

            @Override
            public void onCompleted() {
                if (finished) {
                    return;
                }
                if (cancelled() && writer != null) {
                    // the sender gave up (its task ended) while the stream waited here: it keeps nothing
                    onError(Status.CANCELLED.withDescription("the sender cancelled the stream").asRuntimeException());
                    return;
                }
                try {
                    if (writer == null) {
                        throw FlowException.argument("transfer stream carried no header");
                    }
                    writer.commit();
                    finished = true;
                    reply.onNext(OK);
                    reply.onCompleted();
                } catch (RuntimeException e) {
                    fail(e);
                }
            }

            private boolean cancelled() {
                return reply instanceof ServerCallStreamObserver<PartyReply> call && call.isCancelled();
            }

            private void fail(RuntimeException e) {
                finished = true;
                if (writer != null) {
                    writer.abort();
                }
                logger.info("refused transfer from {}: {}", caller, e.getMessage());
                reply.onError(e);
            }
        };
    }
}
