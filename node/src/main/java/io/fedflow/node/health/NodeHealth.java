package io.fedflow.node.health;

import io.fedflow.node.job.SchedulerHeartbeat;
import io.fedflow.node.store.ConnectionPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the node can do its work: its database answers (on a connection of its own, so that the check
 * is not queued behind exhausted pools) and none of its pools has callers waiting with no connection free
 * for the whole check; the scheduler loop beats. Checks run on their own thread, one at a time: callers
 * arriving meanwhile share the running check; each answers within the health timeout.
 */
public final class NodeHealth implements AutoCloseable {
    public static final String UP = "up";

    /** What /health says about each part: "up" or what is wrong with it. */
    public record Report(String database, String scheduler) {
        public boolean up() {
            return UP.equals(database) && UP.equals(scheduler);
        }
    }

    private final ConnectionPool reserved;
    private final List<ConnectionPool> watched;
    private final SchedulerHeartbeat scheduler;
    private final Duration timeout;
    private final Duration stallTimeout;
    private final ExecutorService checks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fedflow-health");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<CompletableFuture<Report>> running = new AtomicReference<>();

    public NodeHealth(ConnectionPool reserved, List<ConnectionPool> watched, SchedulerHeartbeat scheduler,
                      Duration timeout, Duration stallTimeout) {
        this.reserved = reserved;
        this.watched = List.copyOf(watched);
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.stallTimeout = stallTimeout;
    }

    public CompletableFuture<Report> check() {
        while (true) {
            CompletableFuture<Report> current = running.get();
            if (current != null && !current.isDone()) {
                return current;
            }
            CompletableFuture<Report> next = new CompletableFuture<>();
            if (running.compareAndSet(current, next)) {
                String schedulerState = schedulerState();
                // A database that hangs rather than refuses must not hang /health too.
                next.completeOnTimeout(new Report("no answer within " + timeout.toMillis() + " ms", schedulerState),
                        timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
                try {
                    checks.execute(() -> next.complete(new Report(databaseState(), schedulerState())));
                } catch (RejectedExecutionException e) {
                    next.complete(new Report("the node is closing", schedulerState));
                }
                return next;
            }
        }
    }

    private String schedulerState() {
        return scheduler.problem(stallTimeout).orElse(UP);
    }

    private String databaseState() {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = reserved.dataSource().getConnection()) {
            int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
            if (!c.isValid(seconds)) {
                return "down: no answer within " + seconds + " s";
            }
        } catch (SQLException | RuntimeException e) {
            return "down: " + e.getMessage();
        }
        for (ConnectionPool p : watched) {
            // Waiting callers are normal for a moment under load: exhausted means for the whole check.
            while (p.exhausted()) {
                if (System.nanoTime() >= deadline) {
                    return "pool " + p.name() + " exhausted: " + p.usage();
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "the node is closing";
                }
            }
        }
        return UP;
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
