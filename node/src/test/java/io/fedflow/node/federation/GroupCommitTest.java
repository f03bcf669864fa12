package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Items submitted while a batch is written go together in the next one, each with its own outcome. */
class GroupCommitTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private CompletableFuture<Throwable> submit(GroupCommit<String> commit, String item) {
        return CompletableFuture.supplyAsync(() -> catchThrowable(() -> commit.write(item)), threads);
    }

    /** Waits until {@code n} submitters are parked, waiting for the batch being written. */
    private static void awaitWaiting(List<Thread> submitters, int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> submitters.stream()
                .filter(t -> t.getState() == Thread.State.WAITING).count() == n);
    }

    @Test
    void itemsArrivingDuringAWriteShareTheNextBatch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> submitters = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<String> commit = new GroupCommit<>(items -> {
            batches.add(List.copyOf(items));
            if (items.contains("first")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> release.await(0, TimeUnit.SECONDS));
            }
            return Collections.nCopies(items.size(), null);
        });
        CompletableFuture<Throwable> first = submit(commit, "first");
        await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 1);
        List<CompletableFuture<Throwable>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String item = "later." + i;
            later.add(CompletableFuture.supplyAsync(() -> {
                submitters.add(Thread.currentThread());
                return catchThrowable(() -> commit.write(item));
            }, threads));
        }
        awaitWaiting(submitters, 5);
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isNull();
        for (CompletableFuture<Throwable> f : later) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isNull();
        }
        assertThat(batches).hasSize(2);
        assertThat(batches.get(0)).containsExactly("first");
        assertThat(batches.get(1)).containsExactlyInAnyOrder("later.0", "later.1", "later.2", "later.3", "later.4");
    }

    @Test
    void anItemRefusedInABatchFailsAloneAndTheOthersAreWritten() throws Exception {
        GroupCommit<String> commit = new GroupCommit<>(items -> {
            batches.add(List.copyOf(items));
            List<RuntimeException> outcomes = new ArrayList<>();
            items.forEach(i -> outcomes.add(i.startsWith("bad") ? new IllegalStateException(i + " refused") : null));
            return outcomes;
        });
        List<CompletableFuture<Throwable>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(submit(commit, (i % 4 == 0 ? "bad." : "good.") + i));
        }
        for (int i = 0; i < 8; i++) {
            Throwable t = all.get(i).get(10, TimeUnit.SECONDS);
            if (i % 4 == 0) {
                assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage("bad." + i + " refused");
            } else {
                assertThat(t).isNull();
            }
        }
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(8);
    }

    @Test
    void aFailedBatchFailsEachOfItsItemsAndTheNextOneIsWritten() throws Exception {
        GroupCommit<String> commit = new GroupCommit<>(items -> {
            batches.add(List.copyOf(items));
            if (items.contains("poison")) {
                throw new IllegalStateException("database gone");
            }
            return Collections.nCopies(items.size(), null);
        });
        assertThat(submit(commit, "poison").get(10, TimeUnit.SECONDS)).hasMessage("database gone");
        // the turn was passed on: a later item is written, not left waiting
        assertThat(submit(commit, "after").get(10, TimeUnit.SECONDS)).isNull();
        assertThat(batches).containsExactly(List.of("poison"), List.of("after"));
    }
}
