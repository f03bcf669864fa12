package io.fedflow.node.job;

/**
 * The scheduler's two monitors, shared by the runner, the coordinator and the participant: {@link #lock()}
 * serialises what changes a job's task graph (a round, an end, a rerun, a retry), and {@link #wakeUp()}
 * brings the next round forward when something changed.
 */
final class JobSignals {
    private final Object lock = new Object();
    private final Object wake = new Object();
    /**
     * A wake-up not yet consumed by a pause. Without it a wake-up that comes while the loop is in a round (a
     * task ending, a start from the initiator, the round itself asking for another) would be lost, and the
     * change it announces would wait for the next timed round.
     */
    private boolean pending;

    /** The monitor every graph change of a job at this node holds. */
    Object lock() {
        return lock;
    }

    void wakeUp() {
        synchronized (wake) {
            pending = true;
            wake.notifyAll();
        }
    }

    /**
     * Waits up to {@code millis} or until woken, at once if woken since the last pause; true when woken
     * (the pending wake-up is consumed), false when the time ran out.
     */
    boolean pause(long millis) throws InterruptedException {
        synchronized (wake) {
            long deadline = System.nanoTime() + millis * 1_000_000L;
            while (!pending) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wake.wait(Math.max(1, left / 1_000_000L));
            }
            pending = false;
            return true;
        }
    }
}
