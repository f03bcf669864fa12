package io.fedflow.node.federation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Group commit: items submitted while a batch is being written wait and are written together in the
 * next one, so that messages arriving at the same time share one transaction and one WAL flush. There
 * is no writer thread: a submitter that finds nobody writing writes the batch holding its own item,
 * then hands the turn to the first of those that queued meanwhile, who writes theirs. A lone item is
 * written at once, without waiting for company, and nobody writes more than one batch for others.
 *
 * @param <T> what is written
 */
final class GroupCommit<T> {
    /** Writes a batch in one transaction: one outcome per item (null when written), or throws for all. */
    @FunctionalInterface
    interface Batch<T> {
        List<RuntimeException> write(List<T> items);
    }

    private record Pending<T>(T item, CompletableFuture<Void> done, CompletableFuture<Void> turn) {}

    private final Batch<T> batch;
    private List<Pending<T>> queue = new ArrayList<>();
    private boolean writing;

    GroupCommit(Batch<T> batch) {
        this.batch = batch;
    }

    /** Writes {@code item} with whatever else is pending; returns once it is durable, or throws its failure. */
    void write(T item) {
        Pending<T> mine = new Pending<>(item, new CompletableFuture<>(), new CompletableFuture<>());
        boolean myTurn;
        synchronized (this) {
            queue.add(mine);
            myTurn = !writing;
            writing = true;
        }
        if (!myTurn) {
            try {
                CompletableFuture.anyOf(mine.done(), mine.turn()).join();
            } catch (CompletionException e) {
                // mine failed in another's batch: thrown below
            }
        }
        if (!mine.done().isDone()) {
            writeBatch();
        }
        try {
            mine.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Writes what is queued (the caller's item among it), then passes the turn on. */
    private void writeBatch() {
        List<Pending<T>> taken;
        synchronized (this) {
            taken = queue;
            queue = new ArrayList<>();
        }
        try {
            List<T> items = new ArrayList<>(taken.size());
            taken.forEach(p -> items.add(p.item()));
            List<RuntimeException> outcomes = batch.write(items);
            for (int i = 0; i < taken.size(); i++) {
                RuntimeException failure = outcomes.get(i);
                if (failure == null) {
                    taken.get(i).done().complete(null);
                } else {
                    taken.get(i).done().completeExceptionally(failure);
                }
            }
        } catch (RuntimeException | Error e) {
            taken.forEach(p -> p.done().completeExceptionally(e));
        } finally {
            synchronized (this) {
                if (queue.isEmpty()) {
                    writing = false;
                } else {
                    queue.get(0).turn().complete(null);
                }
            }
        }
    }
}
