package io.fedflow.node.component.builtin;

import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.component.paillier.CiphertextVector;
import io.fedflow.node.component.paillier.FixedPoint;
import io.fedflow.node.component.paillier.PaillierCounter;
import io.fedflow.node.component.paillier.PaillierEncryptor;
import io.fedflow.node.component.paillier.PaillierKeyPair;
import io.fedflow.node.component.paillier.PaillierPrivateKey;
import io.fedflow.node.component.paillier.PaillierPublicKey;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * HeteroLR's training protocol (FATE 1.x's hetero logistic regression), one method per role, over a
 * {@link FederationChannel}. Rows are aligned by sorted id at every party. Per mini-batch (the guest
 * decides the batches): each host sends E(u_h) = E(X_h·w_h) and E(its loss terms); the guest forms the
 * Taylor residual E(4d) = E(Σu_h) + E(X_g·w_g + b − 2y') with y' in {−1, 1} and sends it to the hosts;
 * each party computes E(X^T·4d), adds a random mask and has the arbiter decrypt it, removes the mask and
 * steps its own weights. The guest sends E(batch loss) (log 2 − y'u/2 + u²/8 summed) to the arbiter,
 * which decrypts it, records the loss per iteration and tells everyone whether it converged. The arbiter
 * holds the only private key: hosts see ciphertexts and masked integers, never labels or gradients in
 * the clear.
 */
final class HeteroLRProtocol {
    static final String GUEST = "guest";
    static final String HOST = "host";
    static final String ARBITER = "arbiter";
    private static final double LOG2 = Math.log(2);
    private static final int MASK_BITS = 256;
    private static final Duration POLL = Duration.ofSeconds(5);
    private static final Duration PATIENCE = Duration.ofHours(12);

    private HeteroLRProtocol() {}

    /**
     * A task's channel, plus how it notices cancellation, where its log lines go, where its Paillier keys
     * count, and how many obfuscators it may draw ahead in the background (0: none).
     */
    record Session(FederationChannel channel, Runnable checkCancelled, Consumer<String> log,
                   PaillierCounter paillier, int precomputedObfuscators) {
        Session(FederationChannel channel, Runnable checkCancelled, Consumer<String> log) {
            this(channel, checkCancelled, log, PaillierCounter.NONE);
        }

        Session(FederationChannel channel, Runnable checkCancelled, Consumer<String> log, PaillierCounter paillier) {
            this(channel, checkCancelled, log, paillier, 0);
        }

        void send(String tag, String role, String party, byte[] payload) {
            channel.send(tag, role, party, payload);
        }

        /** Waits for a message in short slices so that a stopped task notices. */
        byte[] receive(String tag, String role, String party) {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (true) {
                checkCancelled.run();
                try {
                    return channel.receive(tag, role, party, POLL);
                } catch (FlowException e) {
                    if (e.kind() != FailureKind.TIMED_OUT || System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
        }

        String only(String role) {
            List<String> parties = channel.roles().getOrDefault(role, List.of());
            if (parties.size() != 1) {
                throw FlowException.argument("HeteroLR needs exactly one " + role + ", the job has " + parties);
            }
            return parties.get(0);
        }

        List<String> hosts() {
            return channel.roles().getOrDefault(HOST, List.of());
        }
    }

    /** What a party learned: its weights (the guest's last is the intercept), iterations, convergence. */
    record Fit(double[] weights, int iters, boolean converged) {}

    /** The arbiter's record: the loss per iteration. */
    record Losses(List<Double> history, boolean converged) {}

    /** Receives each iteration's loss as the arbiter learns it. */
    @FunctionalInterface
    interface LossListener {
        void loss(int iteration, double loss);
    }

    /**
     * Sees the end of each iteration at a party: its 0-based index, the party's weights then (none at the
     * arbiter) and whether training converged at it. Called after the iteration's exchanges are done.
     */
    @FunctionalInterface
    interface IterationListener {
        IterationListener NONE = (t, w, converged) -> { };

        void iterationEnd(int iteration, double[] weights, boolean converged);
    }

    // ---------------------------------------------------------------------------------------------------

    static Losses arbiter(Session io, LR.Settings s, int keyBits, LossListener listener) {
        return arbiter(io, s, keyBits, listener, IterationListener.NONE);
    }

    static Losses arbiter(Session io, LR.Settings s, int keyBits, LossListener listener,
                          IterationListener iterations) {
        SecureRandom random = new SecureRandom();
        PaillierKeyPair keys = PaillierKeyPair.generate(keyBits, random, io.paillier());
        PaillierPublicKey pk = keys.publicKey();
        PaillierPrivateKey sk = keys.privateKey();
        FixedPoint fp = new FixedPoint(pk);
        String guest = io.only(GUEST);
        List<String> hosts = io.hosts();
        byte[] n = pk.n().toByteArray();
        io.send("pubkey", GUEST, guest, n);
        for (String h : hosts) {
            io.send("pubkey", HOST, h, n);
        }
        int[] batches = EncryptedAlgebra.decodeInts(io.receive("batches", GUEST, guest));
        int rows = Arrays.stream(batches).sum();
        io.log().accept("arbiter: " + keyBits + "-bit Paillier key sent; " + batches.length + " batches of "
                + rows + " rows");
        List<Double> history = new ArrayList<>();
        Double previous = null;
        boolean converged = false;
        for (int t = 0; t < s.maxIter && !converged; t++) {
            double lossSum = 0;
            for (int b = 0; b < batches.length; b++) {
                String at = t + "." + b;
                decryptMasked(io, sk, "gradient." + at, GUEST, guest);
                for (String h : hosts) {
                    decryptMasked(io, sk, "gradient." + at, HOST, h);
                }
                List<BigInteger> loss = CiphertextVector.decode(pk, io.receive("loss." + at, GUEST, guest));
                lossSum += EncryptedAlgebra.decodeProduct(fp, sk.decrypt(loss.get(0)));
            }
            double loss = lossSum / rows;
            history.add(loss);
            listener.loss(t, loss);
            converged = switch (s.earlyStop) {
                case "diff" -> previous != null && Math.abs(previous - loss) < s.tol;
                case "abs" -> loss <= s.tol;
                default -> {
                    double diff = 0;
                    double norm = 0;
                    List<String[]> parties = new ArrayList<>();
                    parties.add(new String[] {GUEST, guest});
                    hosts.forEach(h -> parties.add(new String[] {HOST, h}));
                    for (String[] p : parties) {
                        double[] v = EncryptedAlgebra.decodeDoubles(io.receive("weight_diff." + t, p[0], p[1]));
                        diff += v[0];
                        norm += v[1];
                    }
                    yield t > 0 && Math.sqrt(diff) < s.tol * Math.max(Math.sqrt(norm), 1);
                }
            };
            previous = loss;
            io.log().accept("iteration " + t + " loss " + loss + (converged ? " (converged)" : ""));
            byte[] flag = {(byte) (converged ? 1 : 0)};
            io.send("converged." + t, GUEST, guest, flag);
            for (String h : hosts) {
                io.send("converged." + t, HOST, h, flag);
            }
            iterations.iterationEnd(t, new double[0], converged);
        }
        return new Losses(history, converged);
    }

    private static void decryptMasked(Session io, PaillierPrivateKey sk, String tag, String role, String party) {
        PaillierPublicKey pk = sk.publicKey();
        List<BigInteger> masked = CiphertextVector.decode(pk, io.receive(tag, role, party));
        List<BigInteger> plain = List.of(masked.parallelStream().map(sk::decrypt).toArray(BigInteger[]::new));
        io.send(tag + ".plain", role, party, EncryptedAlgebra.encodeIntegers(pk, plain));
    }

    // ---------------------------------------------------------------------------------------------------

    /**
     * The guest's side. {@code x} and {@code y} (0/1) are in sorted-id order; returns weights with the
     * intercept last.
     */
    static Fit guest(Session io, LR.Settings s, List<String> sortedIds, double[][] x, double[] y) {
        return guest(io, s, sortedIds, x, y, IterationListener.NONE);
    }

    static Fit guest(Session io, LR.Settings s, List<String> sortedIds, double[][] x, double[] y,
                     IterationListener iterations) {
        String arbiter = io.only(ARBITER);
        List<String> hosts = io.hosts();
        int n = x.length;
        int d = x.length == 0 ? 0 : x[0].length;
        sendIds(io, sortedIds, hosts);
        PaillierPublicKey pk = new PaillierPublicKey(new BigInteger(io.receive("pubkey", ARBITER, arbiter)),
                io.paillier());
        FixedPoint fp = new FixedPoint(pk);
        int batch = s.batchSize < 0 || s.batchSize >= n ? n : s.batchSize;
        int[] batches = new int[(n + batch - 1) / batch];
        for (int b = 0; b < batches.length; b++) {
            batches[b] = Math.min(n, (b + 1) * batch) - b * batch;
        }
        byte[] batchBytes = EncryptedAlgebra.encodeDoubles(Arrays.stream(batches).asDoubleStream().toArray());
        io.send("batches", ARBITER, arbiter, batchBytes);
        for (String h : hosts) {
            io.send("batches", HOST, h, batchBytes);
        }
        int dim = d + (s.fitIntercept ? 1 : 0);
        double[] w = LR.init(s, dim, d);
        // the exponents of X^T·E(4d): the features at scale 2^16, and a column of ones for the intercept
        long[][] q = new long[n][dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                q[i][j] = EncryptedAlgebra.quantize(x[i][j]);
            }
            if (s.fitIntercept) {
                q[i][d] = EncryptedAlgebra.quantize(1);
            }
        }
        // the most encryptions one batch makes, drawn ahead while this party waits for the others
        int ahead = Math.min(io.precomputedObfuscators(), batch + 1 + dim);
        PaillierEncryptor enc = new PaillierEncryptor(pk, new SecureRandom()).precomputing(ahead);
        try (enc) {
            LR.Optimizer opt = new LR.Optimizer(s, dim);
            boolean converged = false;
            int t = 0;
            while (t < s.maxIter && !converged) {
                opt.setIters(t);
                double[] before = w.clone();
                for (int b = 0, start = 0; b < batches.length; start += batches[b], b++) {
                    io.checkCancelled().run();
                    String at = t + "." + b;
                    int m = batches[b];
                    double[] ug = new double[m];
                    double[] own = new double[m];
                    double plainLoss = m * LOG2 + m * LR.lossNorm(s, w, d);
                    for (int i = 0; i < m; i++) {
                        ug[i] = LR.dot(w, x[start + i], d, s.fitIntercept);
                        double yy = 2 * y[start + i] - 1;
                        own[i] = ug[i] - 2 * yy;
                        plainLoss += -0.5 * yy * ug[i] + 0.125 * ug[i] * ug[i];
                    }
                    long t0 = System.nanoTime();
                    // E(Σ_h u_h) and E(Σ_h host loss terms) from every host
                    List<BigInteger> hostSum = null;
                    BigInteger hostLoss = pk.zero();
                    for (String h : hosts) {
                        List<BigInteger> fwd = CiphertextVector.decode(pk, io.receive("forward." + at, HOST, h));
                        if (fwd.size() != m + 1) {
                            throw FlowException.data("host " + h + " sent " + (fwd.size() - 1) + " values for a batch of " + m);
                        }
                        hostLoss = pk.add(hostLoss, fwd.get(m));
                        List<BigInteger> part = fwd.subList(0, m);
                        hostSum = hostSum == null ? part : addAll(pk, hostSum, part);
                    }
                    long t1 = System.nanoTime();
                    List<BigInteger> ownEnc = EncryptedAlgebra.encrypt(enc, fp, own);
                    long t2 = System.nanoTime();
                    List<BigInteger> residual = hostSum == null ? ownEnc : addAll(pk, hostSum, ownEnc);
                    byte[] residualBytes = CiphertextVector.encode(pk, residual);
                    for (String h : hosts) {
                        io.send("residual." + at, HOST, h, residualBytes);
                    }
                    // E(loss): plain guest terms, Σ_i (u_g/4 − y'/2)·u_h, and the hosts' u_h²/8 + penalty
                    BigInteger loss = enc.encrypt(EncryptedAlgebra.encodeAt(pk, plainLoss,
                            EncryptedAlgebra.PRODUCT_SCALE_BITS));
                    if (hostSum != null) {
                        long[][] k = new long[m][1];
                        for (int i = 0; i < m; i++) {
                            k[i][0] = EncryptedAlgebra.quantize(0.25 * ug[i] - 0.5 * (2 * y[start + i] - 1));
                        }
                        loss = pk.add(loss, EncryptedAlgebra.weightedSums(pk, hostSum, k, 1)[0]);
                        loss = pk.add(loss, pk.multiply(hostLoss, BigInteger.ONE.shiftLeft(EncryptedAlgebra.X_SCALE_BITS)));
                    }
                    io.send("loss." + at, ARBITER, arbiter, CiphertextVector.encode(pk, List.of(loss)));
                    long t3 = System.nanoTime();
                    double[] g = gradient(io, pk, enc, fp, residual, Arrays.copyOfRange(q, start, start + m), dim,
                            "gradient." + at, arbiter);
                    long t4 = System.nanoTime();
                    io.log().accept("guest batch " + at + ": waited " + (t1 - t0) / 1_000_000 + " ms for the hosts, "
                            + "encrypted in " + (t2 - t1) / 1_000_000 + " ms, loss in " + (t3 - t2) / 1_000_000
                            + " ms, gradient in " + (t4 - t3) / 1_000_000 + " ms");
                    for (int j = 0; j < dim; j++) {
                        g[j] /= 4.0 * m;
                    }
                    LR.update(s, opt, w, g, d);
                }
                converged = endIteration(io, s, t, before, w, arbiter);
                iterations.iterationEnd(t, w, converged);
                t++;
            }
            return new Fit(w, t, converged);
        }
    }

    /** The host's side: {@code x} in sorted-id order; returns its weights (no intercept). */
    static Fit host(Session io, LR.Settings s, List<String> sortedIds, double[][] x) {
        return host(io, s, sortedIds, x, IterationListener.NONE);
    }

    static Fit host(Session io, LR.Settings s, List<String> sortedIds, double[][] x, IterationListener iterations) {
        String guest = io.only(GUEST);
        String arbiter = io.only(ARBITER);
        checkIds(io, sortedIds, guest);
        PaillierPublicKey pk = new PaillierPublicKey(new BigInteger(io.receive("pubkey", ARBITER, arbiter)),
                io.paillier());
        FixedPoint fp = new FixedPoint(pk);
        int[] batches = EncryptedAlgebra.decodeInts(io.receive("batches", GUEST, guest));
        int n = x.length;
        int d = n == 0 ? 0 : x[0].length;
        double[] w = LR.init(s, d, d);
        long[][] q = new long[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                q[i][j] = EncryptedAlgebra.quantize(x[i][j]);
            }
        }
        // the most encryptions one batch makes, drawn ahead while this party waits for the others
        int ahead = Math.min(io.precomputedObfuscators(), Arrays.stream(batches).max().orElse(0) + 1 + d);
        PaillierEncryptor enc = new PaillierEncryptor(pk, new SecureRandom()).precomputing(ahead);
        try (enc) {
            LR.Optimizer opt = new LR.Optimizer(s, d);
            boolean converged = false;
            int t = 0;
            while (t < s.maxIter && !converged) {
                opt.setIters(t);
                double[] before = w.clone();
                for (int b = 0, start = 0; b < batches.length; start += batches[b], b++) {
                    io.checkCancelled().run();
                    String at = t + "." + b;
                    int m = batches[b];
                    double[] uh = new double[m];
                    double lossTerms = m * LR.lossNorm(s, w, d);
                    for (int i = 0; i < m; i++) {
                        uh[i] = LR.dot(w, x[start + i], d, false);
                        lossTerms += 0.125 * uh[i] * uh[i];
                    }
                    long t0 = System.nanoTime();
                    List<BigInteger> fwd = new ArrayList<>(EncryptedAlgebra.encrypt(enc, fp, uh));
                    fwd.add(enc.encrypt(fp.encode(lossTerms)));
                    io.send("forward." + at, GUEST, guest, CiphertextVector.encode(pk, fwd));
                    long t1 = System.nanoTime();
                    List<BigInteger> residual = CiphertextVector.decode(pk, io.receive("residual." + at, GUEST, guest));
                    long t2 = System.nanoTime();
                    if (residual.size() != m) {
                        throw FlowException.data("the guest sent " + residual.size() + " residuals for a batch of " + m);
                    }
                    double[] g = gradient(io, pk, enc, fp, residual, Arrays.copyOfRange(q, start, start + m), d,
                            "gradient." + at, arbiter);
                    io.log().accept("host batch " + at + ": encrypted in " + (t1 - t0) / 1_000_000 + " ms, waited "
                            + (t2 - t1) / 1_000_000 + " ms for the guest, gradient in "
                            + (System.nanoTime() - t2) / 1_000_000 + " ms");
                    for (int j = 0; j < d; j++) {
                        g[j] /= 4.0 * m;
                    }
                    LR.update(s, opt, w, g, d);
                }
                converged = endIteration(io, s, t, before, w, arbiter);
                iterations.iterationEnd(t, w, converged);
                t++;
            }
            return new Fit(w, t, converged);
        }
    }

    /**
     * X^T·E(4d) for this party's columns, masked with random integers, decrypted by the arbiter, unmasked:
     * Σ_i 4d_i·x_ij in the clear, known to this party only.
     */
    private static double[] gradient(Session io, PaillierPublicKey pk, PaillierEncryptor enc, FixedPoint fp,
                                     List<BigInteger> residual, long[][] q, int dim, String tag, String arbiter) {
        BigInteger[] sums = EncryptedAlgebra.weightedSums(pk, residual, q, dim);
        SecureRandom random = new SecureRandom();
        BigInteger[] masks = new BigInteger[dim];
        List<BigInteger> masked = new ArrayList<>(dim);
        for (int j = 0; j < dim; j++) {
            masks[j] = new BigInteger(MASK_BITS, random);
            masked.add(pk.add(sums[j], enc.encrypt(masks[j])));
        }
        io.send(tag, ARBITER, arbiter, CiphertextVector.encode(pk, masked));
        List<BigInteger> plain = EncryptedAlgebra.decodeIntegers(io.receive(tag + ".plain", ARBITER, arbiter));
        if (plain.size() != dim) {
            throw FlowException.data("the arbiter returned " + plain.size() + " values for " + dim);
        }
        double[] g = new double[dim];
        for (int j = 0; j < dim; j++) {
            g[j] = EncryptedAlgebra.decodeProduct(fp, plain.get(j).subtract(masks[j]).mod(pk.n()));
        }
        return g;
    }

    /** Reports the weights' change when the arbiter judges weight_diff, then takes its verdict. */
    private static boolean endIteration(Session io, LR.Settings s, int t, double[] before, double[] w,
                                        String arbiter) {
        if ("weight_diff".equals(s.earlyStop)) {
            double diff = 0;
            double norm = 0;
            for (int j = 0; j < w.length; j++) {
                diff += (w[j] - before[j]) * (w[j] - before[j]);
                norm += w[j] * w[j];
            }
            io.send("weight_diff." + t, ARBITER, arbiter,
                    EncryptedAlgebra.encodeDoubles(new double[] {diff, norm}));
        }
        return io.receive("converged." + t, ARBITER, arbiter)[0] == 1;
    }

    private static List<BigInteger> addAll(PaillierPublicKey pk, List<BigInteger> a, List<BigInteger> b) {
        BigInteger[] out = new BigInteger[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = pk.add(a.get(i), b.get(i));
        }
        return List.of(out);
    }

    // ---------------------------------------------------------------------------------------------------

    /** The guest tells hosts how many rows and a digest of their sorted ids: rows must be the same ones. */
    static void sendIds(Session io, List<String> sortedIds, List<String> hosts) {
        byte[] digest = digest(sortedIds);
        for (String h : hosts) {
            io.send("ids", HOST, h, digest);
        }
    }

    static void checkIds(Session io, List<String> sortedIds, String guest) {
        byte[] theirs = io.receive("ids", GUEST, guest);
        if (!Arrays.equals(theirs, digest(sortedIds))) {
            throw FlowException.data("the host's " + sortedIds.size() + " ids are not the guest's: HeteroLR needs"
                    + " the same rows at every party (put an Intersection before it)");
        }
    }

    private static byte[] digest(List<String> sortedIds) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String id : sortedIds) {
                md.update(id.getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Scoring: each host sends its plain X_h·w_h for the sorted rows (as FATE's hosts do at predict); the
     * guest adds them to its own and returns the logits.
     */
    static double[] guestScores(Session io, List<String> sortedIds, double[] ownLogits, String tag) {
        List<String> hosts = io.hosts();
        sendIds(io, sortedIds, hosts);
        double[] z = ownLogits.clone();
        for (String h : hosts) {
            double[] part = EncryptedAlgebra.decodeDoubles(io.receive(tag, HOST, h));
            if (part.length != z.length) {
                throw FlowException.data("host " + h + " sent " + part.length + " scores for " + z.length + " rows");
            }
            for (int i = 0; i < z.length; i++) {
                z[i] += part[i];
            }
        }
        return z;
    }

    static void hostScores(Session io, List<String> sortedIds, double[][] x, double[] w, String tag) {
        String guest = io.only(GUEST);
        checkIds(io, sortedIds, guest);
        double[] u = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            u[i] = LR.dot(w, x[i], w.length, false);
        }
        io.send(tag, GUEST, guest, EncryptedAlgebra.encodeDoubles(u));
    }
}
