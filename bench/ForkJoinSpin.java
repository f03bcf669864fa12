import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Why ParallelWork exists (issue 14, goal 1; on demand, not part of the build): two threads that are no pool
 * workers run parallel streams at the same time, as the guest's and the host's HeteroLR tasks do in one JVM.
 * Prints the CPU the elements took (each element's thread CPU time) against the CPU of the whole process: on
 * JDK 17 with the common pool of a 2-core machine (parallelism 1), the callers busy-scan the pool in
 * ForkJoinPool.helpComplete while the other's tasks run, and the process burns about 30 % more than the work.
 *   java -Djava.util.concurrent.ForkJoinPool.common.parallelism=1 bench/ForkJoinSpin.java [common|own] [callers]
 * "own": each stream submitted to a ForkJoinPool of its own (one worker per core) and joined, as ParallelWork does.
 */
public class ForkJoinSpin {
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static final AtomicLong WORK_CPU = new AtomicLong();
    static volatile long sink;

    static void work(long n) {
        long start = THREADS.getCurrentThreadCpuTime();
        long x = 0;
        for (long i = 0; i < n; i++) {
            x += i * i ^ (x >>> 3);
        }
        sink += x;
        WORK_CPU.addAndGet(THREADS.getCurrentThreadCpuTime() - start);
    }

    public static void main(String[] args) throws Exception {
        boolean own = args.length > 0 && args[0].equals("own");
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int rep = 0; rep < 2; rep++) {
            WORK_CPU.set(0);
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Runnable stream = () -> IntStream.range(0, 11).parallel().forEach(j -> work(20_000_000L + (j % 3) * 10_000_000L));
            Runnable caller = () -> {
                for (int k = 0; k < 10; k++) {
                    if (own) {
                        pool.submit(stream).join();
                    } else {
                        stream.run();
                    }
                }
            };
            Thread[] threads = new Thread[callers];
            for (int i = 0; i < callers; i++) {
                threads[i] = new Thread(caller);
                threads[i].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            System.out.printf("%s pool, %d callers: wall %d ms, CPU of the elements %d ms, CPU of the process %d ms%n",
                    own ? "own" : "common", callers, (System.nanoTime() - t0) / 1_000_000, WORK_CPU.get() / 1_000_000,
                    (os.getProcessCpuTime() - cpu0) / 1_000_000);
        }
    }
}
