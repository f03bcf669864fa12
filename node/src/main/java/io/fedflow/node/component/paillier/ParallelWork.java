package io.fedflow.node.component.paillier;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs a computation made of parallel streams (Paillier work spread over the cores) in a pool of its own, one
 * worker per core, while the calling thread sleeps until it is done.
 *
 * <p>Why not the common pool: on JDK 17, a thread that is not a pool worker and runs a parallel stream helps
 * the pool until its stream is done, and when other such threads have streams in the pool at the same time (the
 * guest's and the host's tasks in one JVM, the host's and the arbiter's at one site) it busy-scans the pool's
 * queues in {@code ForkJoinPool.helpComplete} instead of sleeping: about 30 % more CPU than the work itself on 2
 * cores with two callers (bench/results/2026-12-05-cpuoverhead-*.txt), and a third runnable thread beside the
 * two the cores can run. Submitted here, the stream's tasks run in this pool's workers and the caller waits
 * without spinning.
 *
 * <p>With {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=0} (the JDK's switch for "parallel
 * streams off", which the crypto-floor bench uses to time one thread), computations run in the calling thread.
 */
public final class ParallelWork {
    private static final String COMMON_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private ParallelWork() {}

    /** The pool, created on first use. */
    private static final class Holder {
        static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors(),
                new Workers(), null, false);
    }

    private static final class Workers implements ForkJoinPool.ForkJoinWorkerThreadFactory {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("fedflow-parallel-" + next.incrementAndGet());
            return t;
        }
    }

    /**
     * The value of {@code work}, computed in the pool (its parallel streams use the pool's workers); a failure
     * of the work is thrown here as it was thrown there.
     */
    public static <T> T call(Supplier<T> work) {
        if ("0".equals(System.getProperty(COMMON_PARALLELISM))
                || Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == Holder.POOL) {
            return work.get();
        }
        Outcome<T> outcome = new Outcome<>();
        ForkJoinTask<?> task = Holder.POOL.submit(() -> {
            try {
                outcome.value = work.get();
            } catch (RuntimeException | Error e) {
                outcome.failure = e;
            }
        });
        // join waits parked (not interruptible, as a parallel stream's own wait); the task catches its failures
        task.join();
        if (outcome.failure instanceof RuntimeException e) {
            throw e;
        }
        if (outcome.failure instanceof Error e) {
            throw e;
        }
        return outcome.value;
    }

    /** As {@link #call}, for work without a value. */
    public static void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /** What the work gave; written by the pool's worker, read after the join (which orders the two). */
    private static final class Outcome<T> {
        T value;
        Throwable failure;
    }
}
