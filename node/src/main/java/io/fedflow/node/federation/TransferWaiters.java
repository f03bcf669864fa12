package io.fedflow.node.federation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The receivers of this process waiting for a component message, by route (the key but its task version), so
 * that a commit wakes those waiting for what it committed, and only them: a commit by this process wakes them
 * directly, one by another process of the site through its NOTIFY ({@link TransferNotifyStore}). A waiter is
 * registered before it first looks at the table, so a commit in between is not missed. A whole message for a
 * receiver waiting here for exactly its key need not go through the table at all: it is handed over.
 */
public final class TransferWaiters {
    private final Map<Long, List<Waiter>> byRoute = new HashMap<>();

    /**
     * The route of a key as a number that every process computes alike (FNV-1a over its fields): what a NOTIFY
     * carries. Two routes sharing one only wake each other's waiters for a look at the table that finds nothing.
     */
    static long route(TransferKey key) {
        String s = key.jobId() + '\0' + key.componentName() + '\0' + key.tag() + '\0' + key.srcRole() + '\0'
                + key.srcPartyId() + '\0' + key.dstRole() + '\0' + key.dstPartyId();
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** A whole message, its bytes checked against its header, handed from its writer to a waiting receive. */
    record Handed(byte[] content, String sha256) {}

    /** Registers a wait for messages of {@code key}'s route; end it when the wait ends. */
    Waiter register(TransferKey key) {
        Waiter w = new Waiter(route(key), key);
        synchronized (byRoute) {
            byRoute.computeIfAbsent(w.route, r -> new ArrayList<>(1)).add(w);
        }
        return w;
    }

    /** Wakes the waits for the route. */
    void wake(long route) {
        List<Waiter> woken;
        synchronized (byRoute) {
            List<Waiter> ws = byRoute.get(route);
            if (ws == null) {
                return;
            }
            woken = List.copyOf(ws);
        }
        woken.forEach(Waiter::wake);
    }

    /**
     * Hands {@code message} to a receive of this process waiting for exactly {@code key} (its version included),
     * if there is one and it holds nothing yet; false when none takes it and the message must be stored.
     */
    boolean handOver(TransferKey key, Handed message) {
        // accepted under the registry's lock, so no copy per message: a waiter's own lock is only ever taken
        // inside this one, never the other way round
        synchronized (byRoute) {
            for (Waiter w : byRoute.getOrDefault(route(key), List.of())) {
                if (w.key.equals(key) && w.accept(message)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Wakes every wait (notifications may have been lost): each looks at the table once more. */
    void wakeAll() {
        List<Waiter> woken = new ArrayList<>();
        synchronized (byRoute) {
            byRoute.values().forEach(woken::addAll);
        }
        woken.forEach(Waiter::wake);
    }

    /**
     * One receive's wait: woken by a commit of its route, an abort, all at once, or a message handed over. Once
     * ended it takes no more messages, and what it was handed and did not take goes back to its caller.
     */
    final class Waiter {
        private final long route;
        private final TransferKey key;
        private boolean woken;
        private boolean ended;
        private Handed handed;

        private Waiter(long route, TransferKey key) {
            this.route = route;
            this.key = key;
        }

        synchronized void wake() {
            woken = true;
            notifyAll();
        }

        private synchronized boolean accept(Handed message) {
            if (ended || handed != null) {
                return false;
            }
            handed = message;
            woken = true;
            notifyAll();
            return true;
        }

        /** The message handed over since the last call, or null. */
        synchronized Handed take() {
            Handed h = handed;
            handed = null;
            return h;
        }

        /**
         * Waits until woken since the last call, at most {@code nanos}: returns at once when a wake came in
         * between (none is lost).
         */
        synchronized void await(long nanos) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            long left = nanos;
            while (!woken && left > 0) {
                long ms = left / 1_000_000;
                wait(ms, ms == 0 ? (int) Math.max(1, left) : 0);
                left = deadline - System.nanoTime();
            }
            woken = false;
        }

        /**
         * Ends the wait: unregistered, it takes no more messages. Returns what was handed over and not taken
         * (null when nothing), which the caller must store: its sender has been told it arrived.
         */
        Handed end() {
            synchronized (byRoute) {
                List<Waiter> ws = byRoute.get(route);
                if (ws != null && ws.remove(this) && ws.isEmpty()) {
                    byRoute.remove(route);
                }
            }
            synchronized (this) {
                ended = true;
                return take();
            }
        }
    }
}
