package io.fedflow.node.server;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control for the client port's calls (FATE's /v1 JSON and the same services over gRPC): they
 * run on their own executor of {@code threads} threads, so that however many clients poll, request work
 * takes at most that many cores' worth of CPU and database connections and the scheduler's tasks keep
 * theirs; up to {@code queue} more calls wait for a thread (a poller waits, it is not refused). Past
 * threads + queue a call is refused at once as busy (a {@code FlowException} of kind {@code OVERLOADED},
 * which the port's error handler answers with FATE's envelope, retcode 100 and {@code Retry-After} over
 * JSON, RESOURCE_EXHAUSTED over gRPC).
 */
public final class RequestAdmission {
    private final int threads;
    private final int queue;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ScheduledThreadPoolExecutor executor;

    public RequestAdmission(int threads, int queue) {
        this.threads = threads;
        this.queue = queue;
        this.executor = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "fedflow-request");
            t.setDaemon(true);
            return t;
        });
    }

    /** The threads request work runs on (the client port's blocking task executor). */
    public ScheduledExecutorService executor() {
        return executor;
    }

    /** Calls admitted and not yet answered: running or waiting for a thread. */
    public int inFlight() {
        return inFlight.get();
    }

    HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (inFlight.incrementAndGet() > threads + queue) {
            inFlight.decrementAndGet();
            throw busy();
        }
        // The log completes once for every call, however it ended (answered, failed, cancelled).
        ctx.log().whenComplete().thenRun(inFlight::decrementAndGet);
        return delegate.serve(ctx, req);
    }

    private FlowException busy() {
        return new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.OVERLOADED, "server busy: " + threads
                + " calls are being served and " + queue
                + " are waiting (--request-threads, --request-queue); try again shortly", null);
    }
}
