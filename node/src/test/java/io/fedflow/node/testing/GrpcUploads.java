package io.fedflow.node.testing;

import com.google.protobuf.ByteString;
import io.fedflow.proto.v1.DataServiceGrpc;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.UploadConf;
import io.fedflow.proto.v1.UploadRequest;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code DataService/Upload} from a real grpc-java client: the conf first, then the file in chunks. */
public final class GrpcUploads {
    private final StreamObserver<UploadRequest> requests;
    private final CompletableFuture<FlowResponse> answer;

    private GrpcUploads(StreamObserver<UploadRequest> requests, CompletableFuture<FlowResponse> answer) {
        this.requests = requests;
        this.answer = answer;
    }

    /** Opens an upload stream and sends its conf; the file follows with {@link #send}. */
    public static GrpcUploads open(Channel channel, UploadConf conf) {
        CompletableFuture<FlowResponse> answer = new CompletableFuture<>();
        StreamObserver<UploadRequest> requests = DataServiceGrpc.newStub(channel).upload(new StreamObserver<>() {
            @Override
            public void onNext(FlowResponse value) {
                answer.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        });
        requests.onNext(UploadRequest.newBuilder().setConf(conf).build());
        return new GrpcUploads(requests, answer);
    }

    /** A whole upload: {@code content} in chunks of {@code chunk} bytes, then the answer (a failure rethrown). */
    public static FlowResponse upload(Channel channel, UploadConf conf, byte[] content, int chunk) throws Exception {
        GrpcUploads up = open(channel, conf);
        for (int off = 0; off < content.length; off += chunk) {
            up.send(ByteString.copyFrom(content, off, Math.min(chunk, content.length - off)));
        }
        return up.finish();
    }

    public GrpcUploads send(ByteString chunk) {
        requests.onNext(UploadRequest.newBuilder().setChunk(chunk).build());
        return this;
    }

    /** Ends the stream and waits for the answer; a gRPC error is rethrown as the StatusRuntimeException it is. */
    public FlowResponse finish() throws Exception {
        requests.onCompleted();
        try {
            return answer.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    /** The answer, for a stream left open on purpose (the server is expected to end it). */
    public CompletableFuture<FlowResponse> answer() {
        return answer;
    }
}
