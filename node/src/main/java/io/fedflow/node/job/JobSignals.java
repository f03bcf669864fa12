package io.fedflow.node.job;

/**
 * The scheduler's two monitors, shared by the runner, the coordinator and the participant: {@link #lock()}
 * serialises what changes a job's task graph (a round, an end, a rerun, a retry), and {@link #wakeUp()}
 * brings the next round forward when something changed.
 */
final class JobSignals {
    private final Object lock = new Object();
    private final Object wake = new Object();

    /** The monitor every graph change of a job at this node holds. */
    Object lock() {
        return lock;
    }

    void wakeUp() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** Waits up to {@code millis} or until woken. */
    void pause(long millis) throws InterruptedException {
        synchronized (wake) {
            wake.wait(millis);
        }
    }
}
