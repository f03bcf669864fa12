package io.fedflow.node.job;

import io.fedflow.node.core.FlowException;
import io.fedflow.node.logging.LogContext;
import io.fedflow.proto.RetCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Calls to several parties at once (stop, status sync, retry, rerun): each bounded by its own deadline. */
final class FanOut implements AutoCloseable {
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fedflow-fan-out");
        t.setDaemon(true);
        return t;
    });

    /** Runs {@code call} for every party at once; answers the parties where it failed. */
    Map<String, FlowException> call(List<String> parties, Consumer<String> call) {
        Map<String, Future<?>> futures = new LinkedHashMap<>();
        // The caller's job goes with each call: its log lines, and the job's trace the site client gives calls
        // made outside a span, are read from the thread that makes the call.
        String job = LogContext.currentJob();
        parties.forEach(p -> futures.put(p, pool.submit(() -> {
            try (LogContext.Scope scope = job == null ? null : LogContext.job(job)) {
                call.accept(p);
            }
        })));
        Map<String, FlowException> failed = new LinkedHashMap<>();
        futures.forEach((p, f) -> {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failed.put(p, e.getCause() instanceof FlowException fe ? fe
                        : new FlowException(RetCode.FEDERATED_ERROR, "party " + p + ": " + e.getCause()));
            } catch (TimeoutException e) {
                f.cancel(true);
                failed.put(p, new FlowException(RetCode.FEDERATED_ERROR, "party " + p + " did not answer in time"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.put(p, new FlowException(RetCode.FEDERATED_ERROR, "interrupted"));
            }
        });
        return failed;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
