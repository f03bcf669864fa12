package io.fedflow.cli;

import com.google.protobuf.ByteString;
import io.fedflow.proto.v1.DataServiceGrpc;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.UploadConf;
import io.fedflow.proto.v1.UploadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The client-streaming Upload: the conf first, then the file in 1 MiB chunks, sent only as fast as the
 * transport takes them (so a large file is never held in memory), and stopped as soon as the node
 * answers early, which it does when it rejects the conf (table exists, bad head...).
 */
final class FileUpload implements ClientResponseObserver<UploadRequest, FlowResponse> {
    static final int CHUNK_BYTES = 1 << 20;

    private final CompletableFuture<FlowResponse> answer = new CompletableFuture<>();
    private final Object ready = new Object();

    private FileUpload() {}

    /** Streams {@code file} under {@code conf}; {@code progress} may be null. */
    static FlowResponse send(ManagedChannel channel, UploadConf conf, Path file, Progress progress)
            throws IOException {
        FileUpload call = new FileUpload();
        var requests = (ClientCallStreamObserver<UploadRequest>) DataServiceGrpc.newStub(channel).upload(call);
        requests.onNext(UploadRequest.newBuilder().setConf(conf).build());
        long sent = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[CHUNK_BYTES];
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                if (!call.awaitReady(requests)) {
                    break;
                }
                requests.onNext(UploadRequest.newBuilder().setChunk(ByteString.copyFrom(buf, 0, n)).build());
                sent += n;
                if (progress != null) {
                    progress.update(sent);
                }
            }
        } catch (IOException | RuntimeException e) {
            requests.onError(Status.CANCELLED.withDescription("the client stopped the upload").withCause(e)
                    .asRuntimeException());
            throw e;
        } finally {
            if (progress != null) {
                progress.finish();
            }
        }
        if (!call.answer.isDone()) {
            requests.onCompleted();
        }
        return call.await();
    }

    /** Waits until the transport takes more; false when the node has already answered. */
    private boolean awaitReady(ClientCallStreamObserver<UploadRequest> requests) throws IOException {
        synchronized (ready) {
            while (!requests.isReady() && !answer.isDone()) {
                try {
                    ready.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while uploading");
                }
            }
        }
        return !answer.isDone();
    }

    private FlowResponse await() throws IOException {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the upload's answer");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException sre) {
                throw sre;
            }
            throw new IOException(e.getCause());
        }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<UploadRequest> requests) {
        requests.setOnReadyHandler(this::wake);
    }

    @Override
    public void onNext(FlowResponse value) {
        answer.complete(value);
    }

    @Override
    public void onError(Throwable t) {
        answer.completeExceptionally(t);
        wake();
    }

    @Override
    public void onCompleted() {
        // A unary answer without a message would be a server bug; do not hang on it.
        answer.completeExceptionally(Status.INTERNAL.withDescription("the node closed the upload without an answer")
                .asRuntimeException());
        wake();
    }

    private void wake() {
        synchronized (ready) {
            ready.notifyAll();
        }
    }
}
