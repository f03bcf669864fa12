package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.federation.TransferWaiters.Handed;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A whole message is handed to a receive of this process only when it waits for exactly the message's key, one
 * message at a time; a wait that has ended takes nothing more and gives back what it was handed and did not take.
 */
class TransferWaitersTest {
    final TransferWaiters waiters = new TransferWaiters();

    static TransferKey key(String tag, long version) {
        return new TransferKey("202601010000007002", "hetero_lr_0", version, tag, "guest", "9999", "host", "10000");
    }

    static Handed message(String text) {
        return new Handed(text.getBytes(StandardCharsets.UTF_8), "0".repeat(64));
    }

    @Test
    void withNobodyWaitingAMessageIsNotHandedOver() {
        assertThat(waiters.handOver(key("a", 0), message("x"))).isFalse();
    }

    @Test
    void aMessageGoesOnlyToAWaitForItsExactKeyVersionIncluded() {
        TransferWaiters.Waiter waiter = waiters.register(key("a", 0));
        assertThat(waiters.handOver(key("a", 1), message("newer version"))).isFalse();
        assertThat(waiters.handOver(key("b", 0), message("other tag"))).isFalse();
        Handed m = message("mine");
        assertThat(waiters.handOver(key("a", 0), m)).isTrue();
        assertThat(waiter.take()).isSameAs(m);
        assertThat(waiter.take()).isNull();
        assertThat(waiter.end()).isNull();
    }

    @Test
    void aWaitHoldsOneMessageUntilItIsTaken() {
        TransferWaiters.Waiter waiter = waiters.register(key("a", 0));
        Handed first = message("first");
        assertThat(waiters.handOver(key("a", 0), first)).isTrue();
        assertThat(waiters.handOver(key("a", 0), message("a re-send"))).isFalse();
        assertThat(waiter.take()).isSameAs(first);
        assertThat(waiters.handOver(key("a", 0), message("after the take"))).isTrue();
        waiter.end();
    }

    @Test
    void anEndedWaitGivesBackWhatItDidNotTakeAndTakesNothingMore() {
        TransferWaiters.Waiter waiter = waiters.register(key("a", 0));
        Handed m = message("not taken");
        assertThat(waiters.handOver(key("a", 0), m)).isTrue();
        assertThat(waiter.end()).isSameAs(m);
        assertThat(waiters.handOver(key("a", 0), message("too late"))).isFalse();
        assertThat(waiter.take()).isNull();
    }

    @Test
    void aMessageHandedOverWakesItsWait() throws Exception {
        TransferWaiters.Waiter waiter = waiters.register(key("a", 0));
        assertThat(waiters.handOver(key("a", 0), message("wake"))).isTrue();
        long start = System.nanoTime();
        // woken already: returns at once rather than after the minute
        waiter.await(60_000_000_000L);
        assertThat(System.nanoTime() - start).isLessThan(30_000_000_000L);
        waiter.end();
    }
}
