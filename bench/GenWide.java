import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Generates a two-party table pair for bench/memory-bench.sh (issue 14, goal 2), run on demand with the Java
 * source launcher: {@code java bench/GenWide.java --rows 1000000 [--seed 14] [--out DIR]}. Writes
 * {@code DIR/wide_guest_N.csv} ({@code id,y,x0..x14}) and {@code DIR/wide_host_N.csv} ({@code id,x15..x29}).
 *
 * <p>Row {@code i} (id {@code i}) has 30 features drawn from a random stream keyed by the seed and the id, so
 * both files agree on an id's features wherever they hold it; its label {@code y} is drawn from a logistic
 * model over all 30 features (fixed weights from the seed), so a two-party HeteroLR has something to learn.
 * 95% of the ids are at both parties, 2.5% at the guest only and 2.5% at the host only, so that Intersection
 * has work; each file lists its ids in its own order (an affine permutation of 0..N-1 that differs per party).
 * Nothing of size N is held: rows are computed and streamed to disk one at a time. Same seed and N, same bytes.
 */
public class GenWide {
    static final int FEATURES = 30;
    static final int GUEST_FEATURES = 15;

    public static void main(String[] args) throws IOException {
        long rows = 10_000;
        long seed = 14;
        Path out = Path.of(".");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i].replace("_", ""));
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--rows N, --seed S, --out DIR)");
            }
        }
        if (rows < 1 || rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--rows must be between 1 and 2^31 - 1");
        }
        Files.createDirectories(out);
        double[] weights = weights(seed);
        Path guest = out.resolve("wide_guest_" + rows + ".csv");
        Path host = out.resolve("wide_host_" + rows + ".csv");
        long t0 = System.nanoTime();
        long[] written = {write(guest, rows, seed, weights, true), write(host, rows, seed, weights, false)};
        System.out.printf("generated %s (%d rows) and %s (%d rows), seed %d, in %.1f s%n", guest, written[0], host,
                written[1], seed, (System.nanoTime() - t0) / 1e9);
    }

    /** The logistic model's weights: fixed for a seed, a few strong and the rest weak, both signs. */
    static double[] weights(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] w = new double[FEATURES + 1];
        for (int j = 0; j < FEATURES; j++) {
            w[j] = (j % 5 == 0 ? 1.5 : 0.3) * (r.nextBoolean() ? 1 : -1) * (0.5 + r.nextDouble());
        }
        w[FEATURES] = -0.2; // intercept
        return w;
    }

    static long write(Path file, long rows, long seed, double[] weights, boolean guest) throws IOException {
        long a = multiplier(rows, seed + (guest ? 1 : 2));
        long c = Math.floorMod(mix(seed + (guest ? 3 : 4)), rows);
        long count = 0;
        StringBuilder line = new StringBuilder(512);
        double[] x = new double[FEATURES];
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 20)) {
            line.append("id,");
            if (guest) {
                line.append("y,");
            }
            for (int j = guest ? 0 : GUEST_FEATURES; j < (guest ? GUEST_FEATURES : FEATURES); j++) {
                line.append('x').append(j).append(j + 1 < (guest ? GUEST_FEATURES : FEATURES) ? "," : "\n");
            }
            w.append(line);
            for (long k = 0; k < rows; k++) {
                long id = (a * k + c) % rows; // a, k, c < rows <= 2^31: no overflow
                long side = Math.floorMod(mix(seed ^ 0x5bd1e995L ^ id), 40);
                if (side == (guest ? 1 : 0)) {
                    continue; // 0: at the guest only, 1: at the host only, else at both
                }
                SplittableRandom r = new SplittableRandom(mix(seed * 0x9E3779B97F4A7C15L + id));
                for (int j = 0; j < FEATURES; j++) {
                    x[j] = r.nextGaussian() * (1 + j % 3) + (j % 4 - 1.5) * 0.5;
                }
                double y = r.nextDouble() < sigmoid(weights, x) ? 1 : 0;
                line.setLength(0);
                line.append(id);
                if (guest) {
                    line.append(',').append((int) y);
                }
                for (int j = guest ? 0 : GUEST_FEATURES; j < (guest ? GUEST_FEATURES : FEATURES); j++) {
                    line.append(',');
                    fixed4(line, x[j]);
                }
                line.append('\n');
                w.append(line);
                count++;
            }
        }
        return count;
    }

    static double sigmoid(double[] w, double[] x) {
        double z = w[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            // features on a common scale, so that the weights say how much each one matters
            z += w[j] * x[j] / (1 + j % 3);
        }
        return 1 / (1 + Math.exp(-z));
    }

    /** Four decimals, without String.format (tens of millions of values). */
    static void fixed4(StringBuilder sb, double v) {
        long units = Math.round(v * 10_000);
        if (units < 0) {
            sb.append('-');
            units = -units;
        }
        sb.append(units / 10_000).append('.');
        long frac = units % 10_000;
        for (long d = 1000; d > 0; d /= 10) {
            sb.append((char) ('0' + frac / d % 10));
        }
    }

    /** A multiplier coprime to {@code n}: i -> a*i + c (mod n) is then a permutation of 0..n-1. */
    static long multiplier(long n, long seed) {
        if (n <= 2) {
            return 1;
        }
        long a = n / 3 + Math.floorMod(mix(seed), Math.max(1, n / 3));
        while (gcd(a, n) != 1) {
            a++;
        }
        return a % n;
    }

    static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** SplitMix64's finaliser: a well-spread 64-bit hash of a long. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
