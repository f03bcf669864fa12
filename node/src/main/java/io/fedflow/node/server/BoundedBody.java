package io.fedflow.node.server;

import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.stream.StreamMessage;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Reads a small body (a multipart form field) whole, up to a cap checked as the bytes arrive: past the cap
 * the stream is cancelled and the read fails with a {@link ContentTooLargeException}; memory never holds
 * more than the cap.
 */
final class BoundedBody implements Subscriber<HttpData> {
    private final long cap;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final boolean keep;
    private Subscription subscription;
    private long transferred;

    private BoundedBody(long cap, boolean keep) {
        this.cap = cap;
        this.keep = keep;
    }

    /** The body's bytes, or a failure once it passes {@code cap} bytes. */
    static CompletableFuture<byte[]> read(StreamMessage<? extends HttpData> body, long cap) {
        BoundedBody b = new BoundedBody(cap, true);
        body.subscribe(b);
        return b.result;
    }

    /** Reads a body to its end and forgets it (a part nobody asked for). */
    static CompletableFuture<Void> drain(StreamMessage<? extends HttpData> body) {
        BoundedBody b = new BoundedBody(Long.MAX_VALUE, false);
        body.subscribe(b);
        return b.result.handle((unused, failure) -> null);
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(HttpData data) {
        if (result.isDone()) {
            return;
        }
        transferred += data.length();
        if (transferred > cap) {
            subscription.cancel();
            result.completeExceptionally(ContentTooLargeException.builder().maxContentLength(cap)
                    .transferred(transferred).build());
            return;
        }
        if (keep) {
            bytes.write(data.array(), 0, data.length());
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(bytes.toByteArray());
    }
}
