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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Transfer channel benchmark, run on demand (not part of the Maven build): see bench/transfer-bench.sh.
 * Starts a guest and a host node in this JVM (separate embedded PostgreSQL each, real signed site calls
 * on loopback), then per run sends one --mb payload guest to host through the transfer channel (SHA-256
 * of the payload, signed header, chunks streamed into the host's open transaction, commit after the
 * hash check) and receives it at the host (chunks read back in order, digest checked, message deleted).
 * Reports each phase in MB/s (10^6 bytes per second) and the median over --runs, after --warmup runs.
 *
 * <p>{@code --mode messages}: many small messages instead (what a HeteroLR iteration exchanges). At each
 * concurrency of --streams, that many threads each send --count messages of --bytes guest to host, and
 * each message is received at the host right after its send returned (as a component's peer takes it).
 * Per round: messages/s over all threads, and the median and p90 of the send (signed stream to the
 * host's acknowledgement) and of the receive (read back and deleted) per message; medians of --runs
 * rounds after --warmup rounds.
 *
 * <p>{@code --mode split}: where one message's delivery goes, one at a time, --count messages of --bytes per
 * round. Per message, in turn: the sender's SHA-256 of the payload; a signed unary site call with a payload
 * of the same size ({@code PartyService/Ping}: signing, the site port's interceptors, one round trip); the
 * receiver's write alone (the host's store: the message's row and bytes in one statement, committed,
 * one WAL flush); the whole delivery (the guest's transfer channel to the host's acknowledgement). The
 * rest of a delivery (delivery - ping - write) is the client stream's own cost: its setup, the hand-offs
 * between the stream's callbacks and the store's blocking write, the reply. Medians per round, then
 * the median over --runs rounds after --warmup.
 */
public class TransferBench {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(".").toAbsolutePath().normalize();
        Path work = null;
        int mb = 100;
        int runs = 5;
        int warmup = 2;
        int chunkKib = 1024;
        String mode = "bulk";
        int count = 200;
        int bytes = 4096;
        List<Integer> streams = List.of(1, 4);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--work" -> work = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--mb" -> mb = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--chunk-kib" -> chunkKib = Integer.parseInt(args[++i]);
                case "--mode" -> mode = args[++i];
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--bytes" -> bytes = Integer.parseInt(args[++i]);
                case "--streams" -> streams = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (work == null) {
            work = root.resolve("bench/work/transfer");
        }
        deleteTree(work);
        Files.createDirectories(work);
        if (mode.equals("messages")) {
            messages(work, count, bytes, streams, runs, warmup);
            return;
        }
        if (mode.equals("split")) {
            split(work, count, bytes, runs, warmup);
            return;
        }
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

    static void messages(Path work, int count, int bytes, List<Integer> streams, int runs, int warmup)
            throws Exception {
        System.out.printf("transfer bench %s: messages of %d bytes, %d per stream, streams %s, %d rounds (+%d warm-up), "
                + "nproc %d, java %s%n", Instant.now(), bytes, count, streams, runs, warmup,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        try (Node guest = start("9999", work); Node host = start("10000", work)) {
            guest.peers().put(new Peer("10000", "127.0.0.1", host.sitePort(), host.siteKeys().publicKeyBase64(), false));
            host.peers().put(new Peer("9999", "127.0.0.1", guest.sitePort(), guest.siteKeys().publicKeyBase64(), false));
            TransferChannel sender = guest.transferChannel();
            TransferChannel receiver = host.transferChannel();
            byte[] payload = new byte[bytes];
            new SplittableRandom(42).nextBytes(payload);
            int round = 0;
            for (int c : streams) {
                List<double[]> results = new ArrayList<>();
                ExecutorService pool = Executors.newFixedThreadPool(c);
                try {
                    for (int r = 0; r < warmup + runs; r++, round++) {
                        int thisRound = round;
                        List<Future<double[][]>> futures = new ArrayList<>();
                        long t0 = System.nanoTime();
                        for (int s = 0; s < c; s++) {
                            int stream = s;
                            futures.add(pool.submit(() -> {
                                double[] send = new double[count];
                                double[] receive = new double[count];
                                for (int m = 0; m < count; m++) {
                                    TransferKey key = new TransferKey("202401010000000000", "bench_" + stream, 0,
                                            "m." + thisRound + "." + m, "guest", "9999", "host", "10000");
                                    long a = System.nanoTime();
                                    sender.send(key, payload);
                                    long b = System.nanoTime();
                                    long n = receiver.receive(key, Duration.ofSeconds(30), OutputStream.nullOutputStream());
                                    long e = System.nanoTime();
                                    if (n != bytes) {
                                        throw new IllegalStateException("received " + n + " bytes");
                                    }
                                    send[m] = (b - a) / 1e6;
                                    receive[m] = (e - b) / 1e6;
                                }
                                return new double[][] {send, receive};
                            }));
                        }
                        List<Double> send = new ArrayList<>();
                        List<Double> receive = new ArrayList<>();
                        for (Future<double[][]> f : futures) {
                            double[][] x = f.get();
                            for (double v : x[0]) {
                                send.add(v);
                            }
                            for (double v : x[1]) {
                                receive.add(v);
                            }
                        }
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        double[] row = {c * count / seconds, median(send), quantile(send, 0.9), median(receive),
                                quantile(receive, 0.9)};
                        System.out.printf("streams %d %s %d: %.0f messages/s, send p50 %.2f ms p90 %.2f ms, "
                                + "receive p50 %.2f ms p90 %.2f ms%n", c, r < warmup ? "warm-up" : "round",
                                r < warmup ? r + 1 : r - warmup + 1, row[0], row[1], row[2], row[3], row[4]);
                        if (r >= warmup) {
                            results.add(row);
                        }
                    }
                } finally {
                    pool.shutdown();
                }
                System.out.printf("median of %d rounds, streams %d: %.0f messages/s, send p50 %.2f ms p90 %.2f ms, "
                        + "receive p50 %.2f ms p90 %.2f ms%n", runs, c, column(results, 0), column(results, 1),
                        column(results, 2), column(results, 3), column(results, 4));
            }
        }
    }

    static double column(List<double[]> rows, int i) {
        List<Double> xs = new ArrayList<>();
        for (double[] row : rows) {
            xs.add(row[i]);
        }
        return median(xs);
    }

    static void split(Path work, int count, int bytes, int runs, int warmup) throws Exception {
        System.out.printf("transfer bench %s: where a delivery goes, messages of %d bytes, %d per round, %d rounds "
                + "(+%d warm-up), nproc %d, java %s%n", Instant.now(), bytes, count, runs, warmup,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        try (Node guest = start("9999", work); Node host = start("10000", work)) {
            guest.peers().put(new Peer("10000", "127.0.0.1", host.sitePort(), host.siteKeys().publicKeyBase64(), false));
            host.peers().put(new Peer("9999", "127.0.0.1", guest.sitePort(), guest.siteKeys().publicKeyBase64(), false));
            TransferChannel sender = guest.transferChannel();
            byte[] payload = new byte[bytes];
            new SplittableRandom(42).nextBytes(payload);
            String sha = java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
            String[] names = {"sha256", "signed ping", "receiver write", "delivery", "rest"};
            List<double[]> rounds = new ArrayList<>();
            for (int r = 0; r < warmup + runs; r++) {
                List<List<Double>> ms = new ArrayList<>();
                for (int i = 0; i < names.length; i++) {
                    ms.add(new ArrayList<>());
                }
                for (int m = 0; m < count; m++) {
                    long a = System.nanoTime();
                    MessageDigest.getInstance("SHA-256").digest(payload);
                    long b = System.nanoTime();
                    guest.partyClient().ping("10000", payload);
                    long c = System.nanoTime();
                    TransferKey local = new TransferKey("202401010000000000", "split_" + r, 0, "local." + m, "guest",
                            "9999", "host", "10000");
                    try (var w = host.transfers().open(local, payload.length, sha)) {
                        w.write(payload);
                        w.commit();
                    }
                    long d = System.nanoTime();
                    TransferKey remote = new TransferKey("202401010000000000", "split_" + r, 0, "remote." + m,
                            "guest", "9999", "host", "10000");
                    sender.send(remote, payload);
                    long e = System.nanoTime();
                    ms.get(0).add((b - a) / 1e6);
                    ms.get(1).add((c - b) / 1e6);
                    ms.get(2).add((d - c) / 1e6);
                    ms.get(3).add((e - d) / 1e6);
                    ms.get(4).add(((e - d) - (c - b) - (d - c)) / 1e6);
                }
                host.transfers().deleteJob("202401010000000000");
                double[] row = new double[names.length];
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < names.length; i++) {
                    row[i] = median(ms.get(i));
                    line.append(String.format(java.util.Locale.ROOT, "%s%s p50 %.3f ms", i == 0 ? "" : ", ", names[i],
                            row[i]));
                }
                System.out.printf("%s %d: %s%n", r < warmup ? "warm-up" : "round", r < warmup ? r + 1 : r - warmup + 1,
                        line);
                if (r >= warmup) {
                    rounds.add(row);
                }
            }
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < names.length; i++) {
                line.append(String.format(java.util.Locale.ROOT, "%s%s %.3f ms", i == 0 ? "" : ", ", names[i],
                        column(rounds, i)));
            }
            System.out.printf("median of %d rounds (p50 per message): %s%n", runs, line);
        }
    }

    static double quantile(List<Double> xs, double q) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.floor(q * s.size())));
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
