package io.fedflow.auth.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.auth.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class InMemoryReplayGuardTest {
    private final TestClock clock = new TestClock(1_700_000_000_000L);
    private final InMemoryReplayGuard guard = new InMemoryReplayGuard(clock);

    @Test
    void aNonceIsNewOnceThenAReplay() {
        assertThat(guard.firstSeen("9999", "n1", clock.millis())).isTrue();
        assertThat(guard.firstSeen("9999", "n1", clock.millis())).isFalse();
    }

    @Test
    void theSameNonceFromAnotherSourceIsNew() {
        assertThat(guard.firstSeen("9999", "n1", clock.millis())).isTrue();
        assertThat(guard.firstSeen("10000", "n1", clock.millis())).isTrue();
    }

    @Test
    void remembersForTheRetentionThenForgets() {
        guard.firstSeen("9999", "n1", clock.millis());
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertThat(guard.firstSeen("9999", "n1", clock.millis())).isFalse();

        clock.advance(Duration.ofMillis(1));
        assertThat(guard.firstSeen("9999", "n1", clock.millis())).isTrue();
        clock.advance(Duration.ofMinutes(30));
        guard.firstSeen("9999", "n2", clock.millis());
        assertThat(guard.size()).isEqualTo(1);
    }

    @Test
    void aTimestampAheadOfTheClockIsRememberedUntilItCouldNoLongerBeAccepted() {
        long fiveMinutesAhead = clock.millis() + Duration.ofMinutes(5).toMillis();
        guard.firstSeen("9999", "n1", fiveMinutesAhead);
        clock.advance(Duration.ofMinutes(10));

        assertThat(guard.firstSeen("9999", "n1", fiveMinutesAhead)).isFalse();
    }

    @Test
    void ofConcurrentCallsWithOneNonceExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                calls.add(() -> guard.firstSeen("9999", "contested", clock.millis()));
            }
            int winners = 0;
            for (Future<Boolean> result : pool.invokeAll(calls)) {
                winners += result.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
