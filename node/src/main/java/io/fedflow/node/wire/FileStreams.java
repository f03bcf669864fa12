package io.fedflow.node.wire;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.DataChunk;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a file that is written as it goes (a tar.gz of logs or output data) as an HTTP attachment or a
 * gRPC stream of {@link DataChunk}s, in fixed chunks, each one waiting until the client took the previous
 * (memory stays flat whatever the size). The body is written on a blocking thread.
 */
public final class FileStreams {
    private static final Logger logger = LoggerFactory.getLogger(FileStreams.class);
    private static final int CHUNK = 1 << 16;
    public static final MediaType GZIP = MediaType.parse("application/gzip");

    private FileStreams() {}

    /** Writes the file's bytes; runs once, on a blocking thread. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * HTTP 200 with {@code Content-Disposition: attachment; filename=<name>} (no quotes: FATE's clients
     * take the rest of the header verbatim), then the body. {@code cleanup} runs when it ended, either way.
     */
    public static HttpResponse http(ServiceRequestContext ctx, MediaType type, String fileName, Body body,
                                    Runnable cleanup) {
        HttpResponseWriter writer = HttpResponse.streaming();
        writer.write(ResponseHeaders.builder(HttpStatus.OK)
                .contentType(type)
                .set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=" + fileName)
                .build());
        // A download lasts as long as its client reads: on the shared pool, not holding a request thread.
        CommonPools.blockingTaskExecutor().execute(() -> {
            try (OutputStream out = new HttpChunks(writer)) {
                body.writeTo(out);
            } catch (Exception e) {
                logger.info("download {} ended early: {}", fileName, e.toString());
                writer.abort(e);
                return;
            } finally {
                cleanup.run();
            }
            writer.close();
        });
        return writer;
    }

    /**
     * Streams the body to a gRPC client. Must be called from the service method, which then returns: a
     * call's callbacks (onReady among them) run one at a time, so the writing happens on another task.
     */
    public static void grpc(StreamObserver<DataChunk> observer, Body body, Runnable cleanup) {
        ServiceRequestContext ctx = ServiceRequestContext.current();
        ctx.clearRequestTimeout(); // a large file takes what it takes; backpressure bounds the memory
        // The writer waits for a slow reader's onReady, which runs on a request thread: it must not hold one.
        Executor blocking = CommonPools.blockingTaskExecutor();
        var call = (ServerCallStreamObserver<DataChunk>) observer;
        Object ready = new Object();
        call.setOnReadyHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        call.setOnCancelHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        blocking.execute(() -> {
            try (OutputStream chunks = new ChunkingOutputStream(CHUNK) {
                @Override
                protected void emit(byte[] chunk, int length) throws IOException {
                    synchronized (ready) {
                        while (!call.isReady()) {
                            if (call.isCancelled()) {
                                throw new IOException("the client cancelled the download");
                            }
                            try {
                                ready.wait(1000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new IOException("interrupted", e);
                            }
                        }
                    }
                    call.onNext(DataChunk.newBuilder().setContent(ByteString.copyFrom(chunk, 0, length)).build());
                }
            }) {
                body.writeTo(chunks);
            } catch (IOException | RuntimeException e) {
                if (!call.isCancelled()) {
                    observer.onError(e instanceof FlowException ? e
                            : DatabaseFailures.isDatabase(e) ? DatabaseFailures.of(RetCode.OPERATING_ERROR,
                              "download failed", e)
                            : new FlowException(RetCode.OPERATING_ERROR, "download failed: " + e.getMessage()));
                }
                return;
            } finally {
                cleanup.run();
            }
            observer.onCompleted();
        });
    }

    /** Pushes chunks into the HTTP response, waiting for the client to consume each one. */
    private static final class HttpChunks extends ChunkingOutputStream {
        private final HttpResponseWriter writer;

        HttpChunks(HttpResponseWriter writer) {
            super(CHUNK);
            this.writer = writer;
        }

        @Override
        protected void emit(byte[] chunk, int length) throws IOException {
            if (!writer.tryWrite(HttpData.copyOf(chunk, 0, length))) {
                throw new IOException("the client went away");
            }
            try {
                writer.whenConsumed().get(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("the client stopped reading", e);
            }
        }
    }
}
