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
 * registered before it first looks at the table, so a commit in between is not missed.
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

    /** Registers a wait for messages of {@code key}'s route; close it when the wait ends. */
    Waiter register(TransferKey key) {
        Waiter w = new Waiter(route(key));
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

    /** Wakes every wait (notifications may have been lost): each looks at the table once more. */
    void wakeAll() {
        List<Waiter> woken = new ArrayList<>();
        synchronized (byRoute) {
            byRoute.values().forEach(woken::addAll);
        }
        woken.forEach(Waiter::wake);
    }

    /** One receive's wait: woken by a commit of its route, an abort, or all at once. */
    final class Waiter implements AutoCloseable {
        private final long route;
        private boolean woken;

        private Waiter(long route) {
            this.route = route;
        }

        synchronized void wake() {
            woken = true;
            notifyAll();
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

        @Override
        public void close() {
            synchronized (byRoute) {
                List<Waiter> ws = byRoute.get(route);
                if (ws != null && ws.remove(this) && ws.isEmpty()) {
                    byRoute.remove(route);
                }
            }
        }
    }
}
