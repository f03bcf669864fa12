import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.federation.Peer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Breast pipeline benchmark, run on demand (not part of the Maven build): see bench/pipeline-bench.sh.
 * Starts the guest 9999 and the site 10000 (host and arbiter) in this JVM, each with its own embedded
 * PostgreSQL under bench/work/pipeline, peers them over their signed site ports on loopback, uploads
 * examples/data/breast_hetero_{guest,host}.csv, grants the guest everything at 10000, then per run submits
 * examples/breast_pipeline_{dsl,conf}.json as they are (Reader → DataIO → Intersection raw → binning →
 * selection → HeteroLR 30 iterations, Paillier 1024 → Evaluation) over HTTP and measures submit → success
 * at the guest (the guest's /v1/job/query polled every 100 ms). Reports the median over --runs after
 * --warmup runs, each component's elapsed time per party (task query), and HeteroLR's own split of its
 * time from the per-batch lines of its task logs: Paillier work (encrypting, the encrypted loss and
 * gradient) vs waiting for the other party (its compute plus the transfer channel).
 */
public class PipelineBench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final Set<String> END = Set.of("success", "failed", "canceled", "timeout");

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".").toAbsolutePath().normalize();
        Path work = null;
        int runs = 3;
        int warmup = 1;
        boolean threadCpu = false;
        Path guestCsv = null;
        Path hostCsv = null;
        boolean dbStats = false;
        boolean pgStatements = false;
        boolean perJobFloor = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--work" -> work = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--thread-cpu" -> threadCpu = true;
                case "--guest-csv" -> guestCsv = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--host-csv" -> hostCsv = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--db-stats" -> dbStats = true;
                case "--pg-statements" -> pgStatements = true;
                case "--job-floor" -> perJobFloor = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        // another table pair of the breast shape (bench/BreastShapeData.java) under the same table names, so
        // that the pipeline's DSL and conf apply as they are
        guestCsv = guestCsv != null ? guestCsv : root.resolve("examples/data/breast_hetero_guest.csv");
        hostCsv = hostCsv != null ? hostCsv : root.resolve("examples/data/breast_hetero_host.csv");
        if (work == null) {
            work = root.resolve("bench/work/pipeline");
        }
        deleteTree(work);
        Files.createDirectories(work);
        System.out.printf("pipeline bench %s: %d runs (+%d warm-up), nproc %d, java %s%n", Instant.now(), runs,
                warmup, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        String dsl = Files.readString(root.resolve("examples/breast_pipeline_dsl.json"));
        String conf = Files.readString(root.resolve("examples/breast_pipeline_conf.json"));
        ThreadCpu threads = threadCpu ? ThreadCpu.start() : null;
        if (pgStatements) {
            // pg_stat_statements is loaded at server start only: set it with ALTER SYSTEM, then start again
            for (String party : List.of("9999", "10000")) {
                try (Node n = start(party, work); var c = superuser(n, work.resolve(party));
                     var st = c.createStatement()) {
                    st.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
                    st.execute("ALTER SYSTEM SET pg_stat_statements.track = 'all'");
                }
            }
        }
        try (Node guest = start("9999", work); Node other = start("10000", work)) {
            guest.peers().put(new Peer("10000", "127.0.0.1", other.sitePort(), other.siteKeys().publicKeyBase64(), false));
            other.peers().put(new Peer("9999", "127.0.0.1", guest.sitePort(), guest.siteKeys().publicKeyBase64(), false));
            String g = "http://127.0.0.1:" + guest.httpPort();
            String o = "http://127.0.0.1:" + other.httpPort();
            upload(g, guestCsv, "breast_hetero_guest");
            upload(o, hostCsv, "breast_hetero_host");
            check(post(o + "/v1/permission/grant", "{\"party_id\": \"9999\", \"component\": \"*\", \"dataset\": "
                    + "[{\"namespace\": \"experiment\", \"name\": \"breast_hetero_host\"}]}"));
            List<Double> walls = new ArrayList<>();
            List<Double> probes = new ArrayList<>();
            List<Double> pipelineEfficiencies = new ArrayList<>();
            List<Double> lrEfficiencies = new ArrayList<>();
            JobFloor jobFloor = perJobFloor ? new JobFloor(guestCsv, hostCsv, conf) : null;
            for (int r = 0; r < warmup + runs; r++) {
                Map<String, Long> paillierBefore = paillier(g, "9999");
                paillierBefore.putAll(paillier(o, "10000"));
                long[] db0 = dbStats ? dbStats(guest, other) : null;
                if (pgStatements && r == 0) {
                    for (Node n : List.of(guest, other)) {
                        try (var c = superuser(n, work.resolve(n == guest ? "9999" : "10000")); var st = c.createStatement()) {
                            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                        }
                    }
                }
                if (pgStatements) {
                    pgStatements(guest, other, work, false);
                }
                Map<String, Double> pgByProcess0 = pgStatements ? postgresCpuByProcess(work) : null;
                long cpu0 = processCpuNanos();
                double pg0 = postgresCpuSeconds(work);
                double epoch0 = System.currentTimeMillis() / 1e3;
                long t0 = System.nanoTime();
                JsonNode sub = check(post(g + "/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": "
                        + conf + "}"));
                String jobId = sub.get("jobId").asText();
                String status = await(g, jobId);
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpu = (processCpuNanos() - cpu0) / 1e9;
                double pg = postgresCpuSeconds(work) - pg0;
                double epoch1 = System.currentTimeMillis() / 1e3;
                String otherStatus = await(o, jobId);
                if (!"success".equals(status) || !"success".equals(otherStatus)) {
                    throw new IllegalStateException("job " + jobId + ": " + status + " / " + otherStatus);
                }
                boolean measured = r >= warmup;
                double auc = post(g + "/v1/tracking/component/summary/download", cpn(jobId, "guest", "9999",
                        "evaluation_0")).get("data").findValue("auc").asDouble();
                System.out.printf(Locale.ROOT, "%s %s: submit → success at the guest %.2f s, AUC %.4f, CPU of "
                        + "the bench JVM (both nodes, not their PostgreSQL) %.2f s, of both PostgreSQL servers %.2f s%n",
                        measured ? "run " + (r - warmup + 1) : "warm-up", jobId, wall, auc, cpu, pg);
                // epoch seconds of the job, for bench/jfr-top.py's windows (a --jfr recording of the bench JVM)
                System.out.printf(Locale.ROOT, "  window %.3f %.3f%n", epoch0, epoch1);
                double probe = SpeedProbe.encryptMicros();
                if (measured) {
                    probes.add(probe);
                }
                System.out.printf(Locale.ROOT, "  machine just after the job: an encryption took %.1f µs of one "
                        + "thread's CPU (bench/crypto-floor-bench.sh's unit cost, measured the same way)%n", probe);
                if (jobFloor != null) {
                    JobFloor.Costs costs = jobFloor.measure();
                    double lrWall = lrElapsedSeconds(g, jobId);
                    double lrEff = jobFloor.heteroLr(costs) / lrWall;
                    double pipeEff = jobFloor.pipeline(costs) / wall;
                    System.out.printf(Locale.ROOT, "  the floor priced just after the job in this JVM (%s): HeteroLR "
                            + "%.2f s, the pipeline's Paillier work %.2f s; efficiency: pipeline %.0f %%, HeteroLR %.0f %% "
                            + "(%.2f s)%n", costs, jobFloor.heteroLr(costs), jobFloor.pipeline(costs), 100 * pipeEff,
                            100 * lrEff, lrWall);
                    if (measured) {
                        pipelineEfficiencies.add(pipeEff);
                        lrEfficiencies.add(lrEff);
                    }
                }
                Map<String, Long> paillierAfter = paillier(g, "9999");
                paillierAfter.putAll(paillier(o, "10000"));
                StringBuilder ops = new StringBuilder("  Paillier operations of the job (fedflow.paillier.operations):");
                StringBuilder handed = new StringBuilder("  messages handed over to a waiting receive, never stored "
                        + "(fedflow.transfer.handed.over):");
                paillierAfter.forEach((k, v) -> (k.endsWith(" handed.over") ? handed : ops).append(' ').append(k)
                        .append(' ').append(v - paillierBefore.getOrDefault(k, 0L)));
                System.out.println(ops);
                if (handed.indexOf(" handed.over ") > 0) {
                    System.out.println(handed);
                }
                if (threads != null) {
                    threadCpu(threads, g, jobId, epoch0, epoch1);
                }
                if (pgStatements) {
                    Map<String, Double> pgByProcess = postgresCpuByProcess(work);
                    StringBuilder by = new StringBuilder("  PostgreSQL CPU by process (both servers):");
                    pgByProcess.forEach((k, v) -> {
                        double d = v - pgByProcess0.getOrDefault(k, 0.0);
                        if (d > 0) {
                            by.append(String.format(Locale.ROOT, " %s %.2f s;", k, d));
                        }
                    });
                    System.out.println(by);
                    pgStatements(guest, other, work, true);
                }
                if (dbStats) {
                    long[] db1 = dbStats(guest, other);
                    System.out.printf(Locale.ROOT, "  database work of the job, both nodes (pg_stat, read after 11 s "
                            + "idle): %d transactions (an autocommit statement is one), %d scans of t_transfer, of which %d "
                            + "by route (t_transfer_key: receivers' looks), %d rows fetched%n", db1[0] - db0[0],
                            db1[1] - db0[1], db1[3] - db0[3], db1[2] - db0[2]);
                }
                if (measured) {
                    walls.add(wall);
                    breakdown(guest, other, g, o, jobId);
                    timeline(g, o, jobId, (long) (epoch0 * 1e3), (long) (epoch1 * 1e3));
                }
            }
            Collections.sort(walls);
            System.out.printf(Locale.ROOT, "median of %d: %.2f s (min %.2f, max %.2f)%n", walls.size(),
                    walls.get(walls.size() / 2), walls.get(0), walls.get(walls.size() - 1));
            Collections.sort(probes);
            System.out.printf(Locale.ROOT, "machine after the measured jobs: an encryption %.1f µs median (%.1f to "
                    + "%.1f); a floor read in another JVM holds for these walls only where its encryption reads "
                    + "the same%n", probes.get(probes.size() / 2), probes.get(0), probes.get(probes.size() - 1));
            // bin/jvm-flags keeps cold compiled code (-XX:-UseCodeCacheFlushing): how full the code cache gets
            StringBuilder code = new StringBuilder("code cache after the runs (used of reserved):");
            for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getName().startsWith("CodeHeap") || pool.getName().equals("CodeCache")) {
                    code.append(String.format(Locale.ROOT, " %s %.1f of %.0f MB;", pool.getName(),
                            pool.getUsage().getUsed() / 1048576.0, pool.getUsage().getMax() / 1048576.0));
                }
            }
            System.out.println(code);
            if (jobFloor != null) {
                Collections.sort(pipelineEfficiencies);
                Collections.sort(lrEfficiencies);
                System.out.printf(Locale.ROOT, "efficiency against the floor priced just after each job, median of %d: "
                        + "pipeline %.0f %% (%.0f to %.0f), HeteroLR %.0f %% (%.0f to %.0f)%n", walls.size(),
                        100 * pipelineEfficiencies.get(pipelineEfficiencies.size() / 2), 100 * pipelineEfficiencies.get(0),
                        100 * pipelineEfficiencies.get(pipelineEfficiencies.size() - 1),
                        100 * lrEfficiencies.get(lrEfficiencies.size() / 2), 100 * lrEfficiencies.get(0),
                        100 * lrEfficiencies.get(lrEfficiencies.size() - 1));
            }
        }
    }

    /** HeteroLR's elapsed time at the guest (its task row), in seconds. */
    static double lrElapsedSeconds(String g, String jobId) throws IOException {
        for (JsonNode t : post(g + "/v1/job/task/query", "{\"job_id\": \"" + jobId + "\", \"role\": \"guest\", "
                + "\"component_name\": \"hetero_lr_0\"}").path("data")) {
            return t.path("f_elapsed").asLong() / 1e3;
        }
        throw new IllegalStateException("no hetero_lr_0 task at the guest of " + jobId);
    }

    static void breakdown(Node guest, Node other, String g, String o, String jobId) throws IOException {
        // each party's own task rows (a node may also hold copies of the other parties' rows)
        Map<String, Map<String, Long>> elapsed = new TreeMap<>();
        for (String[] at : new String[][] {{g, "guest"}, {o, "host"}, {o, "arbiter"}}) {
            for (JsonNode t : post(at[0] + "/v1/job/task/query", "{\"job_id\": \"" + jobId + "\", \"role\": \""
                    + at[1] + "\"}").path("data")) {
                elapsed.computeIfAbsent(t.path("f_component_name").asText(), k -> new LinkedHashMap<>())
                        .putIfAbsent(at[1], t.path("f_elapsed").asLong());
            }
        }
        elapsed.forEach((c, v) -> System.out.println("  " + c + ": " + v + " ms"));
        Map<String, long[]> lr = new LinkedHashMap<>();
        lr.put("guest", sums(guest.config().logsDir().resolve(jobId).resolve("guest/9999/hetero_lr_0/INFO.log")));
        lr.put("host", sums(other.config().logsDir().resolve(jobId).resolve("host/10000/hetero_lr_0/INFO.log")));
        lr.forEach((role, s) -> System.out.printf(Locale.ROOT, "  hetero_lr_0 %s, summed over its batches: Paillier"
                + " (encrypt, encrypted loss and gradient) %d ms, waiting for the other party %d ms%n", role, s[0], s[1]));
        // The transfer channel's share: time in send (signed stream to the receiver's commit) against the task's.
        for (String[] at : new String[][] {{"guest", "9999"}, {"host", "10000"}, {"arbiter", "10000"}}) {
            Node node = at[0].equals("guest") ? guest : other;
            Path log = node.config().logsDir().resolve(jobId).resolve(at[0] + "/" + at[1] + "/hetero_lr_0/INFO.log");
            Matcher m = Files.exists(log) ? SENT.matcher(Files.readString(log)) : null;
            Long ms = elapsed.getOrDefault("hetero_lr_0", Map.of()).get(at[0]);
            if (m != null && m.find() && ms != null && ms > 0) {
                long messages = Long.parseLong(m.group(1));
                long sendMs = Long.parseLong(m.group(2));
                System.out.printf(Locale.ROOT, "  hetero_lr_0 %s transfer: sent %d messages in %d ms (%.2f ms each), "
                        + "%.1f%% of the task's %d ms%n", at[0], messages, sendMs, (double) sendMs / messages,
                        100.0 * sendMs / ms, ms);
            }
        }
    }

    /**
     * Each party's job and task times, in ms after the submit: when each task started and ended, and the gap
     * at each party between a component's end and the next one's start (scheduling, not component work).
     */
    static void timeline(String g, String o, String jobId, long submit, long seen) throws IOException {
        StringBuilder out = new StringBuilder("  timeline, ms after submit (seen at the bench " + (seen - submit) + "):");
        for (String[] at : new String[][] {{g, "guest"}, {o, "host"}, {o, "arbiter"}}) {
            JsonNode job = post(at[0] + "/v1/job/query", "{\"job_id\": \"" + jobId + "\", \"role\": \""
                    + at[1] + "\"}").path("data").path(0);
            out.append(String.format(Locale.ROOT, "%n    %s job: created %d, started %d, ended %d;", at[1],
                    job.path("f_create_time").asLong() - submit, job.path("f_start_time").asLong() - submit,
                    job.path("f_end_time").asLong() - submit));
            List<long[]> spans = new ArrayList<>();
            Map<Long, String> names = new TreeMap<>();
            for (JsonNode t : post(at[0] + "/v1/job/task/query", "{\"job_id\": \"" + jobId + "\", \"role\": \""
                    + at[1] + "\", \"party_id\": \"" + (at[1].equals("guest") ? "9999" : "10000") + "\"}")
                    .path("data")) {
                // the node's rows of its other roles, and tasks that did not run here (pass), have no place here
                if (!at[1].equals(t.path("f_role").asText()) || t.path("f_start_time").asLong() <= 0) {
                    continue;
                }
                long st = t.path("f_start_time").asLong() - submit;
                spans.add(new long[] {st, t.path("f_end_time").asLong() - submit});
                names.put(st, t.path("f_component_name").asText());
            }
            spans.sort((a, b) -> Long.compare(a[0], b[0]));
            long prevEnd = -1;
            long gaps = 0;
            for (long[] sp : spans) {
                out.append(String.format(Locale.ROOT, " %s %d-%d", names.get(sp[0]), sp[0], sp[1]));
                if (prevEnd >= 0) {
                    out.append(String.format(Locale.ROOT, " (gap %d)", sp[0] - prevEnd));
                    gaps += Math.max(0, sp[0] - prevEnd);
                }
                prevEnd = Math.max(prevEnd, sp[1]);
            }
            out.append(String.format(Locale.ROOT, "; gaps %d ms", gaps));
        }
        System.out.println(out);
    }

    /**
     * The bench JVM's CPU by thread class over the whole job and over HeteroLR's run at the guest (its task's
     * start and end): the JIT compiler threads against the Paillier threads, the transfer's and the rest.
     */
    static void threadCpu(ThreadCpu threads, String g, String jobId, double epoch0, double epoch1) throws IOException {
        long lrStart = 0;
        long lrEnd = 0;
        for (JsonNode t : post(g + "/v1/job/task/query", "{\"job_id\": \"" + jobId + "\", \"role\": \"guest\"}")
                .path("data")) {
            if ("hetero_lr_0".equals(t.path("f_component_name").asText())) {
                lrStart = t.path("f_start_time").asLong();
                lrEnd = t.path("f_end_time").asLong();
            }
        }
        System.out.printf(Locale.ROOT, "  JIT compilation so far (CompilationMXBean, summed over compiler threads): %.2f s%n",
                java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime() / 1e3);
        System.out.println("  CPU s by thread class, whole job: " + threads.between((long) (epoch0 * 1e3),
                (long) (epoch1 * 1e3)));
        if (lrEnd > lrStart) {
            System.out.println("  CPU s by thread class, hetero_lr_0 at the guest (" + (lrEnd - lrStart) + " ms): "
                    + threads.between(lrStart, lrEnd));
        }
    }

    /**
     * --job-floor: the crypto floor of bench/CryptoFloorBench.java priced again just after each job, in this JVM
     * (the nodes' own compiled Paillier code) and at this minute's speed of the machine, whose slow patches
     * otherwise set a job's wall against a floor read in other JVMs minutes apart. The same operations and
     * formula: one thread's CPU per operation, the cheapest of three rounds; the X^T·E(d) terms over the tables'
     * own quantized features in a one-thread ForkJoinPool, so that their parallel streams stay on the measuring
     * thread; the counts per iteration as HeteroLRProtocolTest checks them, HeteroFeatureBinning's work beside.
     */
    static final class JobFloor {
        static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
        static volatile Object sink;
        final int n;
        final int bigD;
        final int dh;
        final int batch;
        final int iterations;
        final int cores = Runtime.getRuntime().availableProcessors();
        final io.fedflow.node.component.paillier.PaillierKeyPair keys;
        final io.fedflow.node.component.paillier.PaillierPublicKey pk;
        final io.fedflow.node.component.paillier.PaillierEncryptor enc;
        final io.fedflow.node.component.paillier.PaillierEncryptor owner;
        final java.math.BigInteger[] cs = new java.math.BigInteger[1024];
        final List<java.math.BigInteger> residual;
        final long[][] hostQ;
        final long[][] guestQ;
        final long[][] lossQ;
        final java.lang.reflect.Method weightedSums;
        final java.util.concurrent.ForkJoinPool one = new java.util.concurrent.ForkJoinPool(1);
        /** Each round's CPU seconds: long enough for a few of the largest batch's term sums. */
        static final double ROUND = 0.1;

        record Costs(double encrypt, double ownerEncrypt, double decrypt, double add, double hostTerm,
                     double guestTerm, double lossTerm) {
            @Override
            public String toString() {
                return String.format(Locale.ROOT, "µs: encrypt %.1f, decrypt %.0f, add %.2f, term %.2f", encrypt * 1e6,
                        decrypt * 1e6, add * 1e6, hostTerm * 1e6);
            }
        }

        JobFloor(Path guestCsv, Path hostCsv, String conf) throws Exception {
            double[][] guest = features(guestCsv, 2);
            double[][] host = features(hostCsv, 1);
            JsonNode c = JSON.readTree(conf);
            n = guest.length;
            bigD = guest[0].length + 1;
            dh = host[0].length;
            batch = c.findValue("batch_size").asInt();
            iterations = c.findValue("max_iter").asInt();
            java.security.SecureRandom random = new java.security.SecureRandom();
            keys = io.fedflow.node.component.paillier.PaillierKeyPair.generate(1024, random);
            pk = new io.fedflow.node.component.paillier.PaillierPublicKey(keys.publicKey().n());
            enc = new io.fedflow.node.component.paillier.PaillierEncryptor(pk, random);
            owner = new io.fedflow.node.component.paillier.PaillierEncryptor(keys.privateKey(), random);
            for (int i = 0; i < cs.length; i++) {
                cs[i] = enc.encrypt(new java.math.BigInteger(1022, random));
            }
            int m = Math.min(batch, n);
            residual = List.of(java.util.Arrays.copyOf(cs, m));
            hostQ = new long[m][dh];
            guestQ = new long[m][bigD];
            lossQ = new long[m][1];
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
            weightedSums = Class.forName("io.fedflow.node.component.builtin.EncryptedAlgebra").getDeclaredMethod(
                    "weightedSums", io.fedflow.node.component.paillier.PaillierPublicKey.class, List.class,
                    long[][].class, int.class);
            weightedSums.setAccessible(true);
        }

        Costs measure() {
            // ParallelWork computes in the calling thread while this property reads 0 (as in the floor bench's JVM);
            // set only between jobs, when the nodes compute nothing
            String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
            String before = System.getProperty(parallelism);
            System.setProperty(parallelism, "0");
            try {
                return one.invoke(java.util.concurrent.ForkJoinTask.adapt(() -> new Costs(
                        cost(ROUND, i -> sink = enc.encrypt(java.math.BigInteger.valueOf(i))),
                        cost(ROUND, i -> sink = owner.encrypt(java.math.BigInteger.valueOf(i))),
                        cost(ROUND, i -> sink = keys.privateKey().decrypt(cs[i & 1023])),
                        cost(ROUND, i -> sink = pk.add(cs[i & 1023], cs[(i + 1) & 1023])),
                        term(hostQ, dh), term(guestQ, bigD), term(lossQ, 1))));
            } finally {
                if (before == null) {
                    System.clearProperty(parallelism);
                } else {
                    System.setProperty(parallelism, before);
                }
            }
        }

        double term(long[][] q, int columns) {
            return cost(ROUND, i -> {
                try {
                    sink = weightedSums.invoke(null, pk, residual, q, columns);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }) / ((double) residual.size() * columns);
        }

        /** HeteroLR's floor, all roles on these cores (CryptoFloorBench's FLOOR_SHARED). */
        double heteroLr(Costs c) {
            long batches = (n + batch - 1) / batch;
            double guestTermCost = (bigD * c.guestTerm() + c.lossTerm()) / (bigD + 1);
            double guest = (n + batches * (bigD + 1)) * c.encrypt() + (double) n * (bigD + 1) * guestTermCost
                    + (n + batches * (bigD + 3)) * c.add();
            double host = (n + batches * (dh + 1)) * c.encrypt() + (double) n * dh * c.hostTerm() + batches * dh * c.add();
            double arbiter = batches * (bigD + dh + 1) * c.decrypt();
            return iterations * (guest + host + arbiter) / cores;
        }

        /** With HeteroFeatureBinning's Paillier work (CryptoFloorBench's FLOOR_PIPELINE). */
        double pipeline(Costs c) {
            return heteroLr(c) + (n * c.ownerEncrypt() + (double) n * dh * c.add() + dh * 10L * c.decrypt()) / cores;
        }

        /** CPU seconds of this thread per call: a warm-up round, then the cheapest of three rounds. */
        static double cost(double roundSeconds, java.util.function.IntConsumer op) {
            round(roundSeconds, op);
            double best = Double.MAX_VALUE;
            for (int r = 0; r < 3; r++) {
                best = Math.min(best, round(roundSeconds, op));
            }
            return best;
        }

        static double round(double seconds, java.util.function.IntConsumer op) {
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long end = cpu0 + (long) (seconds * 1e9);
            long cpu;
            int i = 0;
            do {
                op.accept(i++);
                cpu = THREADS.getCurrentThreadCpuTime();
            } while (cpu < end);
            return (cpu - cpu0) / 1e9 / i;
        }

        /** The feature columns of a CSV of the breast shape (skipping the id and, at the guest, y). */
        static double[][] features(Path csv, int skip) throws IOException {
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
    }

    /**
     * The machine's speed at the minute of a job: one thread's CPU per public-key encryption (1024-bit key), the
     * cheapest of three 20 ms rounds, as bench/CryptoFloorBench measures its unit cost. This VM has slow patches
     * in which every thread's CPU per operation rises (an encryption at 82 µs in one hour, 107 µs in the next), so
     * a floor read in another JVM at another minute fits a job's wall only where the two read alike. Run after a
     * job, never before the first, so that a cold first job meets no code this probe compiled.
     */
    static final class SpeedProbe {
        static io.fedflow.node.component.paillier.PaillierEncryptor enc;
        static volatile Object sink;

        static double encryptMicros() {
            if (enc == null) {
                java.security.SecureRandom random = new java.security.SecureRandom();
                var keys = io.fedflow.node.component.paillier.PaillierKeyPair.generate(1024, random);
                enc = new io.fedflow.node.component.paillier.PaillierEncryptor(
                        new io.fedflow.node.component.paillier.PaillierPublicKey(keys.publicKey().n()), random);
            }
            return JobFloor.cost(0.02, i -> sink = enc.encrypt(java.math.BigInteger.valueOf(i))) * 1e6;
        }
    }

    /**
     * Per-thread CPU of this JVM from /proc/self/task every 500 ms (the JIT's and GC's threads included, which
     * ThreadMXBean does not list), summed by thread name without its trailing number. Only with --thread-cpu:
     * the sampling itself costs about 1 % of a core (its own class, bench-threadcpu, in the output). A thread
     * that ends between two samples loses its last ticks, so short-lived threads are undercounted.
     */
    static final class ThreadCpu {
        private final List<Long> times = Collections.synchronizedList(new ArrayList<>());
        private final List<Map<String, Long>> snaps = Collections.synchronizedList(new ArrayList<>());

        static ThreadCpu start() {
            ThreadCpu t = new ThreadCpu();
            Thread th = new Thread(() -> {
                while (true) {
                    t.snap();
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-threadcpu");
            th.setDaemon(true);
            th.start();
            return t;
        }

        private void snap() {
            Map<String, Long> ticks = new TreeMap<>();
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        int end = stat.lastIndexOf(')');
                        while (end > 0 && "0123456789-_ #".indexOf(stat.charAt(end - 1)) >= 0) {
                            end--;
                        }
                        String name = stat.substring(stat.indexOf('(') + 1, end);
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                    } catch (IOException | RuntimeException gone) {
                        // the thread ended between the listing and the read
                    }
                }
            } catch (IOException e) {
                return;
            }
            synchronized (snaps) {
                times.add(System.currentTimeMillis());
                snaps.add(ticks);
            }
        }

        /** CPU seconds per class between the snapshots nearest to {@code from} and {@code to} (epoch ms). */
        String between(long from, long to) {
            snap();
            Map<String, Long> a;
            Map<String, Long> b;
            synchronized (snaps) {
                a = snaps.get(nearest(from));
                b = snaps.get(nearest(to));
            }
            Map<String, Double> d = new TreeMap<>();
            b.forEach((k, v) -> {
                long delta = v - a.getOrDefault(k, 0L); // an ended thread's ticks are gone: a negative delta
                if (delta > 0) {
                    d.put(k, delta / 100.0);
                }
            });
            double total = d.values().stream().mapToDouble(Double::doubleValue).sum();
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "total %.2f;", total));
            d.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue(), x.getValue())).limit(12)
                    .forEach(e -> out.append(String.format(Locale.ROOT, " %s %.2f,", e.getKey(), e.getValue())));
            // the collector's and the JIT's threads always, even when below the top 12 (0 when absent)
            out.setLength(out.length() - 1);
            out.append("; JVM:");
            for (String jvm : List.of("GC Thread", "G1 Conc", "G1 Refine", "G1 Service", "VM Thread", "C1 CompilerThre",
                    "C2 CompilerThre")) {
                out.append(String.format(Locale.ROOT, " %s %.2f,", jvm, d.getOrDefault(jvm, 0.0)));
            }
            return out.substring(0, out.length() - 1);
        }

        private int nearest(long at) {
            int best = 0;
            for (int i = 0; i < times.size(); i++) {
                if (Math.abs(times.get(i) - at) < Math.abs(times.get(best) - at)) {
                    best = i;
                }
            }
            return best;
        }
    }

    /**
     * Both nodes' database counters (--db-stats): transactions committed or rolled back (an autocommit statement
     * is one), scans of t_transfer, rows fetched, and scans of t_transfer by route (index t_transfer_key: each look of
     * a waiting receiver is one; the rest are by id, the chunks' foreign key and the consumed row's delete). Read after 11 s of
     * quiet, since an idle PostgreSQL backend reports its counts within 10 s.
     */
    static long[] dbStats(Node... nodes) throws InterruptedException {
        Thread.sleep(11_000);
        long[] sum = new long[4];
        for (Node n : nodes) {
            var r = n.database().dsl().fetchOne("select (select xact_commit + xact_rollback from pg_stat_database "
                    + "where datname = current_database()), (select coalesce(seq_scan, 0) + coalesce(idx_scan, 0) "
                    + "from pg_stat_user_tables where relname = 't_transfer'), (select tup_fetched from "
                    + "pg_stat_database where datname = current_database()), (select idx_scan from pg_stat_user_indexes "
                    + "where indexrelname = 't_transfer_key')");
            for (int i = 0; i < 4; i++) {
                sum[i] += ((Number) r.get(i)).longValue();
            }
        }
        return sum;
    }

    /** A superuser connection to a node's embedded PostgreSQL (the password kept beside its data directory). */
    static java.sql.Connection superuser(Node n, Path nodeDir) throws IOException, java.sql.SQLException {
        String password = Files.readString(nodeDir.resolve("pg-private/superuser.password")).trim();
        return java.sql.DriverManager.getConnection("jdbc:postgresql://localhost:" + n.database().embeddedPort()
                .orElseThrow() + "/postgres", "postgres", password);
    }

    /**
     * --pg-statements: each server's statements by their total execution time since the last reset (then reset),
     * the job's work inside PostgreSQL statement by statement; the bench's own reads show up too.
     */
    static void pgStatements(Node guest, Node other, Path work, boolean print) throws IOException, java.sql.SQLException {
        for (Node n : List.of(guest, other)) {
            String party = n == guest ? "9999" : "10000";
            try (var c = superuser(n, work.resolve(party)); var st = c.createStatement()) {
                if (print) {
                    try (var rs = st.executeQuery("select calls, total_exec_time, rows, shared_blks_hit + "
                            + "shared_blks_read + local_blks_hit + local_blks_read, wal_bytes, query from "
                            + "pg_stat_statements order by total_exec_time desc limit 20")) {
                        double total = 0;
                        StringBuilder lines = new StringBuilder();
                        while (rs.next()) {
                            lines.append(String.format(Locale.ROOT, "    %7d calls %8.1f ms %8d rows %8d blocks %9d wal B  %s%n",
                                    rs.getLong(1), rs.getDouble(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                                    rs.getString(6).replaceAll("\\s+", " ").substring(0, Math.min(150,
                                    rs.getString(6).replaceAll("\\s+", " ").length()))));
                        }
                        try (var all = c.createStatement().executeQuery("select count(*), sum(calls), "
                                + "sum(total_exec_time) from pg_stat_statements")) {
                            all.next();
                            total = all.getDouble(3);
                            System.out.printf(Locale.ROOT, "  PostgreSQL of %s: %d statements, %d calls, %.1f ms "
                                    + "executing (pg_stat_statements; top 20 by time):%n", party, all.getLong(1),
                                    all.getLong(2), total);
                        }
                        System.out.print(lines);
                    }
                }
                st.execute("select pg_stat_statements_reset()");
            }
        }
    }

    /** CPU time of this JVM (every thread of both nodes): on a loaded machine, the work apart from the waiting. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The PostgreSQL servers' process ids (the nodes' servers run for the whole bench). */
    static List<Long> postmasters;

    /**
     * CPU time of the PostgreSQL servers under {@code work} (Linux /proc): each postmaster's own and its reaped
     * children's times, plus its live children's (the pooled backends), so that a delta spans one job.
     */
    static double postgresCpuSeconds(Path work) throws IOException {
        return postgresCpuByProcess(work).values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * The same CPU seconds by what each process is (its title: backend, walwriter, checkpointer...); processes that
     * exited (autovacuum workers, closed connections) are counted in their postmaster's reaped-children time.
     */
    static Map<String, Double> postgresCpuByProcess(Path work) throws IOException {
        if (postmasters == null) {
            // found once: walking the work tree (its job logs grow by the job) made C2 compile the JDK's tree
            // walker during a measured job
            postmasters = new ArrayList<>();
            try (var paths = Files.walk(work, 3)) {
                for (Path p : (Iterable<Path>) paths.filter(f -> f.getFileName().toString().equals("postmaster.pid"))::iterator) {
                    postmasters.add(Long.parseLong(Files.readAllLines(p).get(0).trim()));
                }
            }
        }
        Map<String, Double> by = new TreeMap<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs.filter(f -> f.getFileName().toString().matches("\\d+"))::iterator) {
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(proc.getFileName().toString());
                    long ppid = Long.parseLong(f[1]);
                    // USER_HZ, 100 on Linux
                    double own = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
                    if (postmasters.contains(pid)) {
                        by.merge("postmaster", own, Double::sum);
                        by.merge("exited children", (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0, Double::sum);
                    } else if (postmasters.contains(ppid)) {
                        String kind = Files.readString(proc.resolve("cmdline")).replace('\0', ' ').trim()
                                .replaceFirst("^postgres: ", "");
                        if (kind.startsWith("fedflow ") || kind.startsWith("postgres postgres")) {
                            kind = "backend " + kind.split(" ")[0];
                        }
                        by.merge(kind, own, Double::sum);
                    }
                } catch (IOException gone) {
                    // the process ended while it was read
                }
            }
        }
        return by;
    }

    static final Pattern PAILLIER = Pattern.compile(
            "fedflow_paillier_operations_total\\{[^}]*operation=\"(\\w+)\"[^}]*} ([0-9.eE+]+)");

    static final Pattern HANDED_OVER = Pattern.compile("(?m)^fedflow_transfer_handed_over_total(?:\\{[^}]*})? ([0-9.eE+]+)");

    /** The node's Paillier counters from its /metrics, as "party operation" → count. */
    static Map<String, Long> paillier(String base, String party) throws IOException {
        try {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Map<String, Long> out = new TreeMap<>();
            Matcher m = PAILLIER.matcher(text);
            while (m.find()) {
                out.put(party + " " + m.group(1), (long) Double.parseDouble(m.group(2)));
            }
            Matcher h = HANDED_OVER.matcher(text);
            if (h.find()) {
                out.put(party + " handed.over", (long) Double.parseDouble(h.group(1)));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static final Pattern SENT = Pattern.compile("transfer: sent (\\d+) messages \\([^)]*\\) in (\\d+) ms");
    static final Pattern WAITED = Pattern.compile("waited (\\d+) ms");
    static final Pattern CRYPTO = Pattern.compile("(?:encrypted|loss|gradient) in (\\d+) ms");

    /** {crypto ms, waiting ms} over the per-batch lines of one HeteroLR task log. */
    static long[] sums(Path log) throws IOException {
        long[] s = new long[2];
        if (!Files.exists(log)) {
            return s;
        }
        for (String line : Files.readAllLines(log)) {
            if (!line.contains(" batch ")) {
                continue;
            }
            Matcher m = CRYPTO.matcher(line);
            while (m.find()) {
                s[0] += Long.parseLong(m.group(1));
            }
            m = WAITED.matcher(line);
            while (m.find()) {
                s[1] += Long.parseLong(m.group(1));
            }
        }
        return s;
    }

    static Map<String, Object> cpnMap(String jobId, String role, String party, String component) {
        return Map.of("job_id", jobId, "role", role, "party_id", party, "component_name", component);
    }

    static String cpn(String jobId, String role, String party, String component) {
        try {
            return JSON.writeValueAsString(cpnMap(jobId, role, party, component));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The job row's status in a job/query answer, read without parsing the row. */
    static final Pattern STATUS = Pattern.compile("\"f_status\":\"([a-z_]+)\"");

    /**
     * Polls job/query every 100 ms until the job ends, as a FATE client does. The answer's status is read by a
     * pattern, not a JSON tree: this client runs in the nodes' JVM, and parsing the row ten times a second cost
     * that JVM about as much CPU and JIT compilation (C2 compiled Jackson's tree parser at jobs 4-6) as the node
     * spent answering, work no node does.
     */
    static String await(String base, String jobId) throws Exception {
        while (true) {
            Matcher m = STATUS.matcher(postText(base + "/v1/job/query", "{\"job_id\": \"" + jobId + "\"}"));
            String status = m.find() ? m.group(1) : "";
            if (END.contains(status)) {
                return status;
            }
            Thread.sleep(100);
        }
    }

    static JsonNode check(JsonNode r) {
        if (r.path("retcode").asInt(-1) != 0) {
            throw new IllegalStateException(r.toString());
        }
        return r;
    }

    static JsonNode post(String url, String body) throws IOException {
        return JSON.readTree(postText(url, body));
    }

    static String postText(String url, String body) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static void upload(String base, Path file, String table) throws Exception {
        String conf = "{\"file\": \"" + file.getFileName() + "\", \"id_delimiter\": \",\", \"head\": 1, "
                + "\"partition\": 4, \"namespace\": \"experiment\", \"table_name\": \"" + table + "\", \"drop\": 1}";
        String boundary = "fedflowbench0123456789";
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/data/upload?"
                        + URLEncoder.encode(conf, StandardCharsets.UTF_8).replace("+", "%20")))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
                        HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString(tail)))
                .build(), HttpResponse.BodyHandlers.ofString());
        check(JSON.readTree(resp.body()));
        System.out.println("uploaded " + file.getFileName() + " as experiment." + table);
    }

    static Node start(String party, Path work) throws IOException {
        return Node.start(NodeConfig.builder(party, work.resolve(party)).build());
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
