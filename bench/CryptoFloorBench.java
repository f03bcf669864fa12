import io.fedflow.node.component.paillier.PaillierEncryptor;
import io.fedflow.node.component.paillier.PaillierKeyPair;
import io.fedflow.node.component.paillier.PaillierPublicKey;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * HeteroLR's crypto floor, run on demand (not part of the Maven build): see bench/crypto-floor-bench.sh.
 * Measures, in CPU time of one thread (so that other load on the machine does not inflate it), what each
 * Paillier operation HeteroLR does costs on this machine with the key size of the pipeline: an encryption
 * with the public key (the guest's and the host's), a CRT decryption (the arbiter's), a homomorphic add, and
 * one term of X^T·E(d) (EncryptedAlgebra.weightedSums over the host's real breast features, per row and
 * column: the multiply-add the counters call MULTIPLY and ADD; also over the guest's columns and its loss
 * column, whose terms cost differently since the columns of a batch share the work on its ciphertexts). Then counts the operations one iteration
 * needs per role (the formula HeteroLRProtocolTest checks against the keys' counters) and prints each role's
 * CPU work and the floor: work / cores per role (each party on its own machine), and the sum over the roles /
 * cores (all three on this machine, as bench/pipeline-bench.sh runs them). With --wall S (HeteroLR's seconds)
 * it prints the efficiency floor / wall.
 */
public class CryptoFloorBench {
    static volatile Object sink;
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        int bits = 1024;
        int batch = 320;
        int iterations = 30;
        int cores = Runtime.getRuntime().availableProcessors();
        double seconds = 2;
        List<Double> walls = new ArrayList<>();
        Path guestCsv = null;
        Path hostCsv = null;
        boolean busyCores = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--bits" -> bits = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--cores" -> cores = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--wall" -> walls.add(Double.parseDouble(args[++i]));
                case "--guest-csv" -> guestCsv = Path.of(args[++i]);
                case "--host-csv" -> hostCsv = Path.of(args[++i]);
                case "--busy-cores" -> busyCores = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        // breast, or another table pair of its shape (bench/BreastShapeData.java)
        double[][] guest = features(guestCsv != null ? guestCsv : root.resolve("examples/data/breast_hetero_guest.csv"), 2);
        double[][] host = features(hostCsv != null ? hostCsv : root.resolve("examples/data/breast_hetero_host.csv"), 1);
        int n = guest.length;
        int bigD = guest[0].length + 1;
        int dh = host[0].length;

        SecureRandom random = new SecureRandom();
        PaillierKeyPair keys = PaillierKeyPair.generate(bits, random);
        PaillierPublicKey pk = new PaillierPublicKey(keys.publicKey().n());
        PaillierEncryptor enc = new PaillierEncryptor(pk, random);
        BigInteger[] cs = new BigInteger[1024];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = enc.encrypt(new BigInteger(bits - 2, random));
        }
        double encrypt = cpuSeconds(seconds, i -> sink = enc.encrypt(BigInteger.valueOf(i)));
        // HeteroFeatureBinning's guest encrypts its labels under its own key (CRT over p² and q²)
        PaillierEncryptor owner = new PaillierEncryptor(keys.privateKey(), random);
        double ownerEncrypt = cpuSeconds(seconds, i -> sink = owner.encrypt(BigInteger.valueOf(i)));
        double decrypt = cpuSeconds(seconds, i -> sink = keys.privateKey().decrypt(cs[i & 1023]));
        double add = cpuSeconds(seconds, i -> sink = pk.add(cs[i & 1023], cs[(i + 1) & 1023]));
        // one batch of X^T·E(4d) over `batch` rows, exponents as HeteroLR quantizes them: the host's columns,
        // the guest's (with the intercept's column of 2^16), and the guest's loss column Σ k_i·E(u_h,i) with
        // k_i = (u_g/4 − y'/2) at scale 2^16 (u_g drawn near its size, a few tenths): the cost per term differs
        // with the columns sharing a batch's ciphertexts
        Method weightedSums = Class.forName("io.fedflow.node.component.builtin.EncryptedAlgebra")
                .getDeclaredMethod("weightedSums", PaillierPublicKey.class, List.class, long[][].class, int.class);
        weightedSums.setAccessible(true);
        int m = Math.min(batch, n);
        List<BigInteger> residual = List.of(java.util.Arrays.copyOf(cs, m));
        long[][] hostQ = new long[m][dh];
        long[][] guestQ = new long[m][bigD];
        long[][] lossQ = new long[m][1];
        java.util.Random draw = new java.util.Random(14);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < dh; j++) {
                hostQ[i][j] = Math.round(host[i][j] * (1 << 16));
            }
            for (int j = 0; j < bigD - 1; j++) {
                guestQ[i][j] = Math.round(guest[i][j] * (1 << 16));
            }
            guestQ[i][bigD - 1] = 1 << 16;
            lossQ[i][0] = Math.round((0.25 * 0.3 * draw.nextGaussian() - 0.5 * (draw.nextBoolean() ? 1 : -1))
                    * (1 << 16));
        }
        double term = termCost(weightedSums, pk, residual, hostQ, dh, seconds);
        double guestTerm = termCost(weightedSums, pk, residual, guestQ, bigD, seconds);
        double lossTerm = termCost(weightedSums, pk, residual, lossQ, 1, seconds);
        double busyEncrypt = Double.NaN;
        double busyOwnerEncrypt = Double.NaN;
        double busyDecrypt = Double.NaN;
        double busyAdd = Double.NaN;
        double busyTerm = Double.NaN;
        double busyGuestTerm = Double.NaN;
        double busyLossTerm = Double.NaN;
        // --busy-cores: the same operations with every core running one at once (each thread its own encryptor, as
        // each party has its own). The floor prices the work at one lone thread's costs and divides by the cores,
        // which assumes a core keeps that cost while the others work; on a virtual machine whose cores share a
        // physical core's units or caches it would not, and this would show it.
        if (busyCores) {
            busyEncrypt = busy(cores, seconds, () -> {
                PaillierEncryptor own = new PaillierEncryptor(pk, new SecureRandom());
                return i -> sink = own.encrypt(BigInteger.valueOf(i));
            });
            busyOwnerEncrypt = busy(cores, seconds, () -> {
                PaillierEncryptor own = new PaillierEncryptor(keys.privateKey(), new SecureRandom());
                return i -> sink = own.encrypt(BigInteger.valueOf(i));
            });
            busyDecrypt = busy(cores, seconds, () -> i -> sink = keys.privateKey().decrypt(cs[i & 1023]));
            busyAdd = busy(cores, seconds, () -> i -> sink = pk.add(cs[i & 1023], cs[(i + 1) & 1023]));
            busyTerm = busy(cores, seconds, () -> termOp(weightedSums, pk, residual, hostQ, dh))
                    / ((double) m * dh);
            busyGuestTerm = busy(cores, seconds, () -> termOp(weightedSums, pk, residual, guestQ, bigD))
                    / ((double) m * bigD);
            busyLossTerm = busy(cores, seconds, () -> termOp(weightedSums, pk, residual, lossQ, 1)) / m;
        }

        System.out.printf(Locale.ROOT, "unit costs, %d-bit key, CPU µs of one thread: encrypt (public key) %.1f, "
                + "decrypt (CRT) %.1f, add %.2f, X^T·E(d) term (multiply-add) %.2f%n",
                bits, encrypt * 1e6, decrypt * 1e6, add * 1e6, term * 1e6);
        System.out.printf(Locale.ROOT, "  (per thread: %,.0f encryptions/s, %,.0f decryptions/s, %,.0f terms/s)%n",
                1 / encrypt, 1 / decrypt, 1 / term);
        System.out.printf(Locale.ROOT, "  X^T·E(d) term by batch shape (%d rows), CPU µs: host's %d columns %.2f, "
                + "guest's %d columns %.2f, the guest's loss column alone %.2f%n", m, dh, term * 1e6, bigD,
                guestTerm * 1e6, lossTerm * 1e6);
        if (busyCores) {
            System.out.printf(Locale.ROOT, "unit costs with all %d cores running the operation at once, CPU µs of "
                    + "each thread: encrypt (public key) %.1f (%.2f× alone), decrypt (CRT) %.1f (%.2f×), add %.2f "
                    + "(%.2f×), X^T·E(d) term %.2f (%.2f×); guest's columns %.2f, loss column %.2f, owner's encryption "
                    + "%.1f%n", cores, busyEncrypt * 1e6, busyEncrypt / encrypt, busyDecrypt * 1e6, busyDecrypt / decrypt,
                    busyAdd * 1e6, busyAdd / add, busyTerm * 1e6, busyTerm / term, busyGuestTerm * 1e6,
                    busyLossTerm * 1e6, busyOwnerEncrypt * 1e6);
        }

        // the formula (HeteroLRProtocolTest.everyIterationCostsEachRoleThePaillierOperationsOfTheFormula)
        int batches = (n + batch - 1) / batch;
        Map<String, long[]> ops = new LinkedHashMap<>(); // encrypt, decrypt, multiply-add terms, plain adds
        Map<String, Double> termCost = Map.of("guest", (bigD * guestTerm + lossTerm) / (bigD + 1), "host", term,
                "arbiter", 0.0);
        ops.put("guest", new long[] {n + (long) batches * (bigD + 1), 0, (long) n * (bigD + 1),
            n + (long) batches * (bigD + 3)});
        ops.put("host", new long[] {n + (long) batches * (dh + 1), 0, (long) n * dh, (long) batches * dh});
        ops.put("arbiter", new long[] {0, (long) batches * (bigD + dh + 1), 0, 0});
        System.out.printf(Locale.ROOT, "table: %d rows, %d batches of at most %d, guest %d features + intercept, "
                + "host %d features; %d iterations; %d cores%n", n, batches, batch, bigD - 1, dh, iterations, cores);
        System.out.println("| role | encrypt | decrypt | X^T·E(d) terms | other adds | CPU s per iteration | "
                + "CPU s, all iterations | floor s (own " + cores + " cores) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        double total = 0;
        double slowest = 0;
        for (Map.Entry<String, long[]> e : ops.entrySet()) {
            long[] c = e.getValue();
            double perIteration = c[0] * encrypt + c[1] * decrypt + c[2] * termCost.get(e.getKey()) + c[3] * add;
            double all = perIteration * iterations;
            total += all;
            slowest = Math.max(slowest, all / cores);
            System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %.3f | %.2f | %.2f |%n", e.getKey(),
                    c[0], c[1], c[2], c[3], perIteration, all, all / cores);
        }
        double shared = total / cores;
        Map<String, Double> busyTermCost = Map.of("guest", (bigD * busyGuestTerm + busyLossTerm) / (bigD + 1),
                "host", busyTerm, "arbiter", 0.0);
        double busyTotal = 0;
        for (Map.Entry<String, long[]> e : ops.entrySet()) {
            long[] c = e.getValue();
            busyTotal += iterations * (c[0] * busyEncrypt + c[1] * busyDecrypt + c[2] * busyTermCost.get(e.getKey())
                    + c[3] * busyAdd);
        }
        double busyShared = busyTotal / cores;
        System.out.printf(Locale.ROOT, "floor, each party on its own %d cores (the busiest role): %.2f s%n", cores,
                slowest);
        System.out.printf(Locale.ROOT, "floor, all roles on these %d cores (as the pipeline bench runs them): "
                + "%.2f s%n", cores, shared);
        if (busyCores) {
            System.out.printf(Locale.ROOT, "floor, all roles on these %d cores priced at the cost of an operation while "
                    + "every core runs one (what the cores do together): %.2f s%n", cores, busyShared);
        }
        for (double wall : walls) {
            System.out.printf(Locale.ROOT, "HeteroLR wall %.2f s: efficiency %.0f %% (shared floor / wall), "
                    + "%.0f %% (per-party floor / wall)%n", wall, 100 * shared / wall, 100 * slowest / wall);
        }
        // The pipeline's other Paillier work, HeteroFeatureBinning's (as the job's fedflow.paillier.operations count
        // it): the guest encrypts each label once, the host adds each shared row's ciphertext into one bin per
        // host feature, the guest decrypts one sum per host feature and bin (bin_num 10, as the pipeline's conf).
        long binEnc = n;
        long binAdd = (long) n * dh;
        long binDec = dh * 10L;
        double binning = binEnc * ownerEncrypt + binAdd * add + binDec * decrypt;
        System.out.printf(Locale.ROOT, "HeteroFeatureBinning's Paillier work: %,d encryptions (guest, with its own "
                + "key: %.1f µs each), %,d additions "
                + "(host), %,d decryptions (guest): %.2f CPU s; floor of the pipeline's Paillier work (HeteroLR and "
                + "binning), all roles on these %d cores: %.2f s%n", binEnc, ownerEncrypt * 1e6, binAdd, binDec, binning, cores,
                shared + binning / cores);
        double busyBinning = binEnc * busyOwnerEncrypt + binAdd * busyAdd + binDec * busyDecrypt;
        if (busyCores) {
            System.out.printf(Locale.ROOT, "the same two floors priced at the busy cores' costs: HeteroLR %.2f s, the "
                    + "pipeline's Paillier work %.2f s%n", busyShared, busyShared + busyBinning / cores);
        }
        System.out.printf(Locale.ROOT, "FLOOR_SHARED=%.3f FLOOR_PARTY=%.3f FLOOR_PIPELINE=%.3f%s%n", shared, slowest,
                shared + binning / cores, busyCores ? String.format(Locale.ROOT, " FLOOR_BUSY=%.3f FLOOR_BUSY_PIPELINE=%.3f",
                busyShared, busyShared + busyBinning / cores) : "");
    }

    /** CPU seconds per term (row and column) of one weightedSums call over these exponents. */
    static double termCost(Method weightedSums, PaillierPublicKey pk, List<BigInteger> c, long[][] q, int columns,
                           double seconds) {
        return cpuSeconds(seconds, termOp(weightedSums, pk, c, q, columns)) / ((double) c.size() * columns);
    }

    /** One weightedSums call over these exponents, as an operation to time. */
    static IntConsumer termOp(Method weightedSums, PaillierPublicKey pk, List<BigInteger> c, long[][] q, int columns) {
        return i -> {
            try {
                sink = weightedSums.invoke(null, pk, c, q, columns);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /**
     * CPU seconds per call of an operation on each of {@code threads} threads running at once (each its own
     * {@code op} from the factory), measured as {@link #cpuSeconds} on each: the mean over the threads.
     */
    static double busy(int threads, double seconds, java.util.function.Supplier<IntConsumer> ops) {
        // Each thread a one-thread ForkJoinPool's: a parallel stream inside an operation then stays on its own
        // thread, where with the common pool off (parallelism 0) two callers' stream tasks would help each other.
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        List<java.util.concurrent.ForkJoinPool> pools = new ArrayList<>();
        List<java.util.concurrent.ForkJoinTask<Double>> costs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            IntConsumer op = ops.get();
            java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(1);
            pools.add(pool);
            costs.add(pool.submit(() -> {
                start.await();
                return cpuSeconds(seconds, op);
            }));
        }
        double sum = 0;
        for (java.util.concurrent.ForkJoinTask<Double> cost : costs) {
            sum += cost.join();
        }
        pools.forEach(java.util.concurrent.ForkJoinPool::shutdown);
        return sum / threads;
    }

    /** The feature columns of a breast_hetero CSV (skipping id and, at the guest, y). */
    static double[][] features(Path csv, int skip) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        double[][] x = new double[lines.size() - 1][];
        for (int i = 1; i < lines.size(); i++) {
            String[] r = lines.get(i).split(",");
            x[i - 1] = new double[r.length - skip];
            for (int j = skip; j < r.length; j++) {
                x[i - 1][j - skip] = Double.parseDouble(r[j]);
            }
        }
        return x;
    }

    /**
     * CPU seconds of this thread per call of {@code op}: after a warm-up of {@code seconds} of CPU time, the
     * cheapest of three rounds of half that. The JIT may still be recompiling during a round; the floor is a lower
     * bound, so the cheapest cost the code was seen to reach is the one that counts.
     */
    static double cpuSeconds(double seconds, IntConsumer op) {
        run(seconds, op);
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            best = Math.min(best, run(seconds / 2, op));
        }
        return best;
    }

    /** Runs {@code op} until this thread has spent {@code seconds} of CPU (not wall) time: a loaded machine
     * slows the run down but neither shortens the warm-up nor inflates the cost. */
    static double run(double seconds, IntConsumer op) {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long end = cpu0 + (long) (seconds * 1e9);
        int i = 0;
        long cpu;
        do {
            op.accept(i++);
            cpu = THREADS.getCurrentThreadCpuTime();
        } while (cpu < end);
        return (cpu - cpu0) / 1e9 / i;
    }
}
