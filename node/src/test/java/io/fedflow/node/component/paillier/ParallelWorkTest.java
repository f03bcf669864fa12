package io.fedflow.node.component.paillier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Parallel streams run in ParallelWork's own pool: the caller waits while the pool's workers do every element
 * (so it has nothing to spin on), several callers at once each get their own results, failures reach the caller
 * as they were thrown, work nested inside the pool runs in place, and the JDK's "parallel streams off" switch
 * keeps all of it in the calling thread.
 */
class ParallelWorkTest {
    private static final String COMMON_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    /** Σ i^5 mod a prime over a range, element by element in a parallel stream, recording who did each. */
    private static BigInteger sumOfPowers(int n, Set<String> workers) {
        return IntStream.range(0, n).parallel().mapToObj(i -> {
            workers.add(Thread.currentThread().getName());
            return BigInteger.valueOf(i).pow(5);
        }).reduce(BigInteger.ZERO, BigInteger::add);
    }

    private static BigInteger expected(int n) {
        BigInteger sum = BigInteger.ZERO;
        for (int i = 0; i < n; i++) {
            sum = sum.add(BigInteger.valueOf(i).pow(5));
        }
        return sum;
    }

    @Test
    void theStreamRunsInThePoolsWorkersNotInTheCaller() {
        Set<String> workers = ConcurrentHashMap.newKeySet();
        BigInteger sum = ParallelWork.call(() -> sumOfPowers(20_000, workers));
        assertThat(sum).isEqualTo(expected(20_000));
        assertThat(workers).isNotEmpty().allMatch(name -> name.startsWith("fedflow-parallel-"))
                .doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void callersAtOnceEachGetTheirOwnResult() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            Set<String> workers = ConcurrentHashMap.newKeySet();
            List<Future<BigInteger>> sums = IntStream.range(0, 8)
                    .mapToObj(k -> callers.submit(() -> ParallelWork.call(() -> sumOfPowers(5_000 + k, workers))))
                    .toList();
            for (int k = 0; k < sums.size(); k++) {
                assertThat(sums.get(k).get()).isEqualTo(expected(5_000 + k));
            }
            assertThat(workers).allMatch(name -> name.startsWith("fedflow-parallel-"));
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aFailureReachesTheCallerAsItWasThrown() {
        IllegalArgumentException failure = new IllegalArgumentException("not a unit");
        assertThatThrownBy(() -> ParallelWork.call(() -> {
            throw failure;
        })).isSameAs(failure);
        // thrown by an element inside the stream: the type and message survive
        assertThatThrownBy(() -> ParallelWork.run(() -> IntStream.range(0, 1000).parallel().forEach(i -> {
            if (i == 777) {
                throw new IllegalStateException("element 777");
            }
        }))).isInstanceOf(IllegalStateException.class).hasMessageContaining("element 777");
        // the pool is still there for the next caller
        assertThat(ParallelWork.call(() -> sumOfPowers(100, ConcurrentHashMap.newKeySet()))).isEqualTo(expected(100));
    }

    @Test
    void workNestedInsideThePoolRunsInPlace() {
        Set<String> outer = ConcurrentHashMap.newKeySet();
        Set<String> inner = ConcurrentHashMap.newKeySet();
        List<BigInteger> sums = ParallelWork.call(() -> IntStream.range(0, 4).parallel().mapToObj(k -> {
            outer.add(Thread.currentThread().getName());
            return ParallelWork.call(() -> sumOfPowers(1_000 + k, inner));
        }).toList());
        assertThat(sums).containsExactly(expected(1_000), expected(1_001), expected(1_002), expected(1_003));
        assertThat(outer).allMatch(name -> name.startsWith("fedflow-parallel-"));
        assertThat(inner).allMatch(name -> name.startsWith("fedflow-parallel-"));
    }

    @Test
    void withParallelStreamsSwitchedOffTheCallerDoesTheWork() {
        String before = System.getProperty(COMMON_PARALLELISM);
        System.setProperty(COMMON_PARALLELISM, "0");
        try {
            Set<String> workers = ConcurrentHashMap.newKeySet();
            String caller = Thread.currentThread().getName();
            // in the caller, the stream goes to the common pool, whose workers the property took away
            BigInteger sum = ParallelWork.call(() -> {
                workers.add("call:" + Thread.currentThread().getName());
                return sumOfPowers(2_000, workers);
            });
            assertThat(sum).isEqualTo(expected(2_000));
            assertThat(workers).contains("call:" + caller).noneMatch(name -> name.startsWith("fedflow-parallel-"));
        } finally {
            if (before == null) {
                System.clearProperty(COMMON_PARALLELISM);
            } else {
                System.setProperty(COMMON_PARALLELISM, before);
            }
        }
    }
}
