import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * A two-party table pair of the breast_hetero shape, generated from a fixed seed (on demand, not part of the
 * Maven build; bench/pipeline-bench.sh and bench/crypto-floor-bench.sh call it with --rows/--features):
 *   java bench/BreastShapeData.java --rows 1800 --features 64 [--seed 14] --out DIR
 * writes DIR/guest.csv (id,y,x0..) and DIR/host.csv (id,x0..): the same ids at both, a third of the features at
 * the guest and two thirds at the host as in breast (10 + 20), standard-normal features and a label drawn from
 * a logistic model of all of them (so HeteroLR has something to learn and its AUC is comparable run to run).
 */
public class BreastShapeData {
    public static void main(String[] args) throws IOException {
        int rows = 1800;
        int features = 64;
        long seed = 14;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--features" -> features = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null || rows < 1 || features < 2) {
            throw new IllegalArgumentException("usage: --rows N --features F (>= 2) [--seed S] --out DIR");
        }
        int guestFeatures = Math.max(1, Math.round(features / 3f));
        Random random = new Random(seed);
        double[] w = new double[features];
        for (int j = 0; j < features; j++) {
            w[j] = 2 * random.nextGaussian() / Math.sqrt(features);
        }
        Files.createDirectories(out);
        try (PrintWriter guest = new PrintWriter(Files.newBufferedWriter(out.resolve("guest.csv")));
             PrintWriter host = new PrintWriter(Files.newBufferedWriter(out.resolve("host.csv")))) {
            guest.print("id,y");
            for (int j = 0; j < guestFeatures; j++) {
                guest.print(",x" + j);
            }
            guest.println();
            host.print("id");
            for (int j = 0; j < features - guestFeatures; j++) {
                host.print(",x" + j);
            }
            host.println();
            for (int i = 0; i < rows; i++) {
                double[] x = new double[features];
                double z = 0;
                for (int j = 0; j < features; j++) {
                    x[j] = random.nextGaussian();
                    z += w[j] * x[j];
                }
                int y = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
                StringBuilder g = new StringBuilder().append(i).append(',').append(y);
                StringBuilder h = new StringBuilder().append(i);
                for (int j = 0; j < features; j++) {
                    (j < guestFeatures ? g : h).append(',').append(String.format(Locale.ROOT, "%.6f", x[j]));
                }
                guest.println(g);
                host.println(h);
            }
        }
        System.out.printf(Locale.ROOT, "generated %d rows, %d guest + %d host features (seed %d) in %s%n", rows,
                guestFeatures, features - guestFeatures, seed, out);
    }
}
