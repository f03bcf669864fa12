import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.federation.PartyClient;
import io.fedflow.node.federation.Peer;
import io.fedflow.node.federation.TransferChannel;
import io.fedflow.node.federation.TransferKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Transfer channel benchmark, run on demand (not part of the Maven build): see bench/transfer-bench.sh.
 * Starts a guest and a host node in this JVM (separate embedded PostgreSQL each, real signed site calls
 * on loopback), then per run sends one --mb payload guest to host through the transfer channel (SHA-256
 * of the payload, signed header, chunks streamed into the host's open transaction, commit after the
 * hash check) and receives it at the host (chunks read back in order, digest checked, message deleted).
 * Reports each phase in MB/s (10^6 bytes per second) and the median over --runs, after --warmup runs.
 */
public class TransferBench {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(".").toAbsolutePath().normalize();
        Path work = null;
        int mb = 100;
        int runs = 5;
        int warmup = 2;
        int chunkKib = 1024;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--work" -> work = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--mb" -> mb = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--chunk-kib" -> chunkKib = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (work == null) {
            work = root.resolve("bench/work/transfer");
        }
        deleteTree(work);
        Files.createDirectories(work);
        System.out.printf("transfer bench %s: %d MB payload, %d runs (+%d warm-up), chunk %d KiB, nproc %d, java %s%n",
                Instant.now(), mb, runs, warmup, chunkKib, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        try (Node guest = start("9999", work); Node host = start("10000", work)) {
            guest.peers().put(new Peer("10000", "127.0.0.1", host.sitePort(), host.siteKeys().publicKeyBase64(), false));
            host.peers().put(new Peer("9999", "127.0.0.1", guest.sitePort(), guest.siteKeys().publicKeyBase64(), false));
            TransferChannel channel = new TransferChannel("9999", guest.transfers(), guest.partyClient(),
                    work.resolve("spool"), new TransferChannel.Options(chunkKib * 1024, Duration.ofSeconds(30),
                    1024 * 1024, PartyClient.RetryPolicy.DEFAULT));
            byte[] payload = new byte[mb * 1_000_000];
            new SplittableRandom(42).nextBytes(payload);
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(payload);
            List<Double> send = new ArrayList<>();
            List<Double> receive = new ArrayList<>();
            List<Double> total = new ArrayList<>();
            for (int r = 0; r < warmup + runs; r++) {
                TransferKey key = new TransferKey("202401010000000000", "bench_0", 0, "payload." + r, "guest", "9999",
                        "host", "10000");
                long t0 = System.nanoTime();
                channel.send(key, payload);
                long t1 = System.nanoTime();
                MessageDigest got = MessageDigest.getInstance("SHA-256");
                long size = host.transferChannel().receive(key, Duration.ofSeconds(30), new OutputStream() {
                    @Override
                    public void write(int b) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        got.update(b, off, len);
                    }
                });
                long t2 = System.nanoTime();
                if (size != payload.length || !MessageDigest.isEqual(got.digest(), expected)) {
                    throw new IllegalStateException("run " + r + ": received bytes differ");
                }
                double s = rate(payload.length, t1 - t0);
                double v = rate(payload.length, t2 - t1);
                double e = rate(payload.length, t2 - t0);
                System.out.printf("%s %d: send %.0f ms (%.1f MB/s), receive %.0f ms (%.1f MB/s), end to end %.1f MB/s%n",
                        r < warmup ? "warm-up" : "run", r < warmup ? r + 1 : r - warmup + 1, (t1 - t0) / 1e6, s,
                        (t2 - t1) / 1e6, v, e);
                if (r >= warmup) {
                    send.add(s);
                    receive.add(v);
                    total.add(e);
                }
            }
            System.out.printf("median of %d: send %.1f MB/s, receive %.1f MB/s, end to end %.1f MB/s%n", runs,
                    median(send), median(receive), median(total));
        }
    }

    static Node start(String party, Path work) throws IOException {
        return Node.start(NodeConfig.builder(party, work.resolve(party)).build());
    }

    static double rate(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
