package io.fedflow.node.federation;

import static org.awaitility.Awaitility.await;

import io.fedflow.node.core.AbortSignal;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/** Receives started on another thread and returned once they wait in the transfer store for a wake. */
final class WaitingReceives {
    private WaitingReceives() {}

    /** A receive into memory through {@code channel}, returned once it waits. */
    static CompletableFuture<byte[]> start(TransferChannel channel, TransferKey key, AbortSignal abort,
                                           Executor executor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return start(channel, key, abort, out, executor).thenApply(size -> out.toByteArray());
    }

    /** A receive into {@code out} through {@code channel}, returned once it waits; completes with the size. */
    static CompletableFuture<Long> start(TransferChannel channel, TransferKey key, AbortSignal abort,
                                         OutputStream out, Executor executor) {
        AtomicReference<Thread> receiver = new AtomicReference<>();
        CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> {
            receiver.set(Thread.currentThread());
            return channel.receive(key, Duration.ofMinutes(5), out, abort);
        }, executor);
        await().atMost(Duration.ofSeconds(30)).until(() -> waitsForAWake(receiver.get()));
        return received;
    }

    private static boolean waitsForAWake(Thread t) {
        return t != null && t.getState() == Thread.State.TIMED_WAITING && Arrays.stream(t.getStackTrace())
                .anyMatch(f -> f.getClassName().equals(TransferWaiters.Waiter.class.getName())
                        && f.getMethodName().equals("await"));
    }
}
