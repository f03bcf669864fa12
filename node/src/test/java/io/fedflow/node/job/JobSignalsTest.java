package io.fedflow.node.job;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The scheduler's wake-up: one that comes while the loop is in a round is kept for its next pause. */
class JobSignalsTest {

    @Test
    void aWakeUpDuringARoundEndsTheNextPauseAtOnce() throws Exception {
        JobSignals signals = new JobSignals();
        signals.wakeUp(); // e.g. a task ended while the loop was busy in a round
        // an hour's pause: the old monitor, which forgot a wake-up nobody waited for, would sleep it out
        CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> {
            try {
                return signals.pause(TimeUnit.HOURS.toMillis(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(woken.get(1, TimeUnit.MINUTES));
    }

    @Test
    void aWakeUpIsConsumedOnce() throws Exception {
        JobSignals signals = new JobSignals();
        signals.wakeUp();
        signals.wakeUp();
        assertTrue(signals.pause(TimeUnit.HOURS.toMillis(1)));
        assertFalse(signals.pause(20), "two wake-ups before a pause make one early round, not two");
    }

    @Test
    void aWakeUpWhilePausedEndsThePause() throws Exception {
        JobSignals signals = new JobSignals();
        AtomicReference<Thread> pausing = new AtomicReference<>();
        CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> {
            pausing.set(Thread.currentThread());
            try {
                return signals.pause(TimeUnit.HOURS.toMillis(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // once the pause waits on the monitor, a single wake-up ends it
        await().atMost(Duration.ofSeconds(30)).until(() -> pausing.get() != null
                && pausing.get().getState() == Thread.State.TIMED_WAITING);
        signals.wakeUp();
        assertTrue(woken.get(1, TimeUnit.MINUTES));
    }

    @Test
    void withoutAWakeUpThePauseRunsOut() throws Exception {
        assertFalse(new JobSignals().pause(20));
    }
}
