package io.fedflow.node.server;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.stream.StreamMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A stream of {@link HttpData} read as an {@link InputStream} by a blocking thread, with {@code window}
 * chunks requested ahead: the event loop keeps receiving while the reader works, and memory stays bounded
 * by the window. Armeria's {@code StreamMessage.toInputStream} requests the next chunk only once the last
 * one is read, so every chunk costs a hand-off to the event loop and back while both sides wait.
 *
 * <p>A stream that fails (the client went away, the request was aborted) makes {@link #read} throw an
 * IOException naming the cause, so a cut-off upload is never taken for a complete file; so does a stream
 * that delivers nothing for {@code idle} while the reader waits (a {@link StreamIdleException}, and the
 * stream is cancelled). {@link #close} before the end cancels the stream.
 */
final class PrefetchingInputStream extends InputStream implements Subscriber<HttpData> {
    private static final Object END = new Object();

    private record Failure(Throwable cause) {}

    private final int window;
    private final Duration idle;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<Subscription> subscription = new CompletableFuture<>();
    // reader side only
    private byte[] chunk = new byte[0];
    private int pos;
    private boolean ended;
    private IOException failure;
    private boolean closed;

    PrefetchingInputStream(StreamMessage<? extends HttpData> source, int window) {
        this(source, window, Duration.ofNanos(Long.MAX_VALUE));
    }

    PrefetchingInputStream(StreamMessage<? extends HttpData> source, int window, Duration idle) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        this.window = window;
        this.idle = idle;
        source.subscribe(this);
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription.complete(s);
        s.request(window);
    }

    @Override
    public void onNext(HttpData data) {
        queue.add(data);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(new Failure(t));
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return chunk[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        ensureOpen();
        return chunk.length - pos;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!ended) {
            subscription.thenAccept(Subscription::cancel);
        }
        queue.clear();
        chunk = new byte[0];
        pos = 0;
    }

    /** Makes bytes available in {@code chunk}; false at the end of the stream. */
    private boolean fill() throws IOException {
        ensureOpen();
        while (pos == chunk.length) {
            if (failure != null) {
                throw failure;
            }
            if (ended) {
                return false;
            }
            Object next;
            try {
                next = queue.poll(idle.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                InterruptedIOException ie = new InterruptedIOException("interrupted while waiting for the upload");
                ie.initCause(e);
                throw ie;
            }
            if (next == null) {
                ended = true;
                failure = new StreamIdleException(LimitRefusals.idleMessage(idle));
                subscription.thenAccept(Subscription::cancel);
            } else if (next == END) {
                ended = true;
            } else if (next instanceof Failure f) {
                ended = true;
                failure = new IOException("the upload stream failed: " + message(f.cause()), f.cause());
            } else {
                chunk = ((HttpData) next).array();
                pos = 0;
                subscription.join().request(1); // keep the window full
            }
        }
        return true;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("Stream closed");
        }
    }

    private static String message(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
