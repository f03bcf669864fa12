package io.fedflow.node.server;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.netty.util.AttributeKey;
import java.time.Duration;

/**
 * Cuts a request whose body stops arriving: the request timeout is pushed back by {@code idle} at every
 * chunk and cleared once the body is complete, so a slow but moving transfer lives as long as it needs and
 * a stalled one ends (Armeria then fails the call with a RequestTimeoutException).
 *
 * <p>A service that stops reading on purpose (an upload waiting for the database) suspends the watch and
 * measures idleness itself meanwhile, so that its own slowness never counts against the client.
 */
final class IdleWatch {
    private static final AttributeKey<IdleWatch> KEY = AttributeKey.valueOf(IdleWatch.class, "IDLE_WATCH");

    private final ServiceRequestContext ctx;
    private final Duration idle;
    private boolean suspended;
    private boolean done;

    private IdleWatch(ServiceRequestContext ctx, Duration idle) {
        this.ctx = ctx;
        this.idle = idle;
        this.done = idle == null;
    }

    /** Watches {@code req}'s body; the returned request must be the one served. */
    static HttpRequest watch(ServiceRequestContext ctx, HttpRequest req, Duration idle) {
        IdleWatch w = new IdleWatch(ctx, idle);
        ctx.setAttr(KEY, w);
        w.arm();
        req.whenComplete().handle((unused, failure) -> {
            w.done();
            return null;
        });
        return req.peekData(data -> w.arm());
    }

    /** Whether this call's body is watched (a request timeout then means the body stopped arriving). */
    static boolean isWatched(ServiceRequestContext ctx) {
        return ctx.attr(KEY) != null;
    }

    /** The watch on this call's body, or one that does nothing when none was set. */
    static IdleWatch of(ServiceRequestContext ctx) {
        IdleWatch w = ctx.attr(KEY);
        return w != null ? w : new IdleWatch(ctx, null);
    }

    synchronized void suspend() {
        suspended = true;
        clear();
    }

    synchronized void resume() {
        suspended = false;
        arm();
    }

    private synchronized void arm() {
        if (!suspended && !done) {
            ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, idle);
        }
    }

    private synchronized void done() {
        done = true;
        clear();
    }

    private void clear() {
        if (idle != null) {
            ctx.clearRequestTimeout();
        }
    }
}
