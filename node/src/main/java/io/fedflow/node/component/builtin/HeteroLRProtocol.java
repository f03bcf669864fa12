package io.fedflow.node.component.builtin;

import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.component.builtin.ChunkedRows.PartyRows;
import io.fedflow.node.component.builtin.ChunkedRows.Plan;
import io.fedflow.node.component.paillier.CiphertextVector;
import io.fedflow.node.component.paillier.FixedPoint;
import io.fedflow.node.component.paillier.PaillierCounter;
import io.fedflow.node.component.paillier.PaillierEncryptor;
import io.fedflow.node.component.paillier.PaillierKeyPair;
import io.fedflow.node.component.paillier.PaillierPrivateKey;
import io.fedflow.node.component.paillier.PaillierPublicKey;
import io.fedflow.node.component.paillier.ParallelWork;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * HeteroLR's training protocol (FATE 1.x's hetero logistic regression), one method per role, over a
 * {@link FederationChannel}. Every party reads its rows ordered by id, a pass per iteration, never holding the
 * table: the guest cuts them into mini-batches, each read in chunks of at most the agreed number of rows
 * ({@link ChunkedRows}: every per-row message is one chunk, and carries the digest of the chunk's ids, which
 * the receiver checks are its own). Per chunk, each host sends E(u_h) = E(X_h·w_h); the guest forms the
 * Taylor residual E(4d) = E(Σu_h) + E(X_g·w_g + b − 2y') with y' in {−1, 1} and sends it to the hosts; each
 * party adds the chunk's E(X^T·4d) to its batch's. A party works a chunk ahead of the one its peer returns
 * ({@link #WINDOW}), so guest and host compute at the same time. At a batch's end each party adds a random
 * mask to its gradient, has the arbiter decrypt it, removes the mask and steps its own weights; the host's
 * last chunk carries E(its loss terms) and the guest's masked gradient carries E(batch loss) (log 2 − y'u/2 +
 * u²/8 summed) as its last value, which the arbiter decrypts and records per iteration. With a loss rule
 * (early_stop diff or abs) the arbiter's replies to an iteration's last batch carry its verdict, so an
 * iteration costs no message of its own and the guest starts the next while the hosts' last gradients are
 * decrypted; weight_diff needs the weights after the step, so there each party reports its change and the
 * arbiter answers with a message per party.
 * The sums are exact in the ciphertexts, so chunking changes no number. The arbiter holds the only private
 * key: hosts see ciphertexts and masked integers, never labels or gradients in the clear.
 */
final class HeteroLRProtocol {
    static final String GUEST = "guest";
    static final String HOST = "host";
    static final String ARBITER = "arbiter";
    /**
     * Chunks a party has sent (or encrypted) and not yet seen its peer's answer to: the one the peer works on
     * and the next, so that neither waits for the other while both hold at most two chunks.
     */
    static final int WINDOW = 2;
    static final double LOG2 = Math.log(2);
    private static final int MASK_BITS = 256;
    private static final Duration POLL = Duration.ofSeconds(5);
    private static final Duration PATIENCE = Duration.ofHours(12);

    private HeteroLRProtocol() {}

    /**
     * A task's channel, plus how it notices cancellation, where its log lines go, where its Paillier keys
     * count, how many obfuscators it may draw ahead in the background (0: none) and the most rows of a chunk.
     */
    record Session(FederationChannel channel, Runnable checkCancelled, Consumer<String> log,
                   PaillierCounter paillier, int precomputedObfuscators, int chunkRows) {
        Session {
            if (chunkRows < 1) {
                throw new IllegalArgumentException("chunk rows must be at least 1, got " + chunkRows);
            }
        }

        Session(FederationChannel channel, Runnable checkCancelled, Consumer<String> log) {
            this(channel, checkCancelled, log, PaillierCounter.NONE);
        }

        Session(FederationChannel channel, Runnable checkCancelled, Consumer<String> log, PaillierCounter paillier) {
            this(channel, checkCancelled, log, paillier, 0);
        }

        Session(FederationChannel channel, Runnable checkCancelled, Consumer<String> log, PaillierCounter paillier,
                int precomputedObfuscators) {
            this(channel, checkCancelled, log, paillier, precomputedObfuscators,
                    Limits.defaults().componentChunkRows());
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
        Plan plan = Plan.decode(io.receive("batches", GUEST, guest));
        long rows = plan.rows();
        long batches = plan.batches();
        io.log().accept("arbiter: " + keyBits + "-bit Paillier key sent; " + batches + " batches of "
                + rows + " rows");
        List<Double> history = new ArrayList<>();
        Double previous = null;
        boolean converged = false;
        boolean byLoss = !"weight_diff".equals(s.earlyStop);
        for (int t = 0; t < s.maxIter && !converged; t++) {
            double lossSum = 0;
            double loss = Double.NaN;
            for (long b = 0; b < batches; b++) {
                String at = t + "." + b;
                boolean lastBatch = b == batches - 1;
                // the guest's masked gradient, then E(its batch loss): decrypted together, the loss kept here
                List<BigInteger> guestPlain = decrypt(io, sk, "gradient." + at, GUEST, guest);
                if (guestPlain.size() < 2) {
                    throw FlowException.data("the guest sent " + guestPlain.size() + " values for its gradient and"
                            + " loss");
                }
                lossSum += EncryptedAlgebra.decodeProduct(fp, guestPlain.get(guestPlain.size() - 1));
                Boolean verdict = null;
                if (lastBatch) {
                    loss = lossSum / rows;
                    if (byLoss) {
                        converged = lossConverged(s, previous, loss);
                        verdict = converged;
                    }
                }
                io.send("gradient." + at + ".plain", GUEST, guest,
                        encodeReply(pk, guestPlain.subList(0, guestPlain.size() - 1), verdict));
                for (String h : hosts) {
                    io.send("gradient." + at + ".plain", HOST, h,
                            encodeReply(pk, decrypt(io, sk, "gradient." + at, HOST, h), verdict));
                }
            }
            history.add(loss);
            listener.loss(t, loss);
            if (!byLoss) {
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
                converged = t > 0 && Math.sqrt(diff) < s.tol * Math.max(Math.sqrt(norm), 1);
                byte[] flag = {(byte) (converged ? 1 : 0)};
                io.send("converged." + t, GUEST, guest, flag);
                for (String h : hosts) {
                    io.send("converged." + t, HOST, h, flag);
                }
            }
            previous = loss;
            io.log().accept("iteration " + t + " loss " + loss + (converged ? " (converged)" : ""));
            iterations.iterationEnd(t, new double[0], converged);
        }
        return new Losses(history, converged);
    }

    /** early_stop diff or abs: whether the iteration's loss ends training. */
    private static boolean lossConverged(LR.Settings s, Double previous, double loss) {
        return "abs".equals(s.earlyStop) ? loss <= s.tol : previous != null && Math.abs(previous - loss) < s.tol;
    }

    /** The masked values a party sent under {@code tag}, decrypted. */
    private static List<BigInteger> decrypt(Session io, PaillierPrivateKey sk, String tag, String role, String party) {
        List<BigInteger> masked = CiphertextVector.decode(sk.publicKey(), io.receive(tag, role, party));
        return ParallelWork.call(() -> List.of(masked.parallelStream().map(sk::decrypt)
                .toArray(BigInteger[]::new)));
    }

    /**
     * The arbiter's reply to a masked gradient: the plain masked values, then, on an iteration's last batch
     * under a loss rule, one byte of verdict (1: converged).
     */
    static byte[] encodeReply(PaillierPublicKey pk, List<BigInteger> plain, Boolean verdict) {
        byte[] values = EncryptedAlgebra.encodeIntegers(pk, plain);
        if (verdict == null) {
            return values;
        }
        byte[] out = Arrays.copyOf(values, values.length + 1);
        out[values.length] = (byte) (verdict ? 1 : 0);
        return out;
    }

    /** An arbiter's reply: the masked values, and its verdict when one was expected (else null). */
    record Reply(List<BigInteger> plain, Boolean verdict) {
        static Reply decode(byte[] bytes, boolean withVerdict) {
            if (!withVerdict) {
                return new Reply(EncryptedAlgebra.decodeIntegers(bytes), null);
            }
            if (bytes.length < 1 || (bytes[bytes.length - 1] & 0xfe) != 0) {
                throw FlowException.data("the arbiter's reply to an iteration's last batch carries no verdict");
            }
            return new Reply(EncryptedAlgebra.decodeIntegers(Arrays.copyOf(bytes, bytes.length - 1)),
                    bytes[bytes.length - 1] == 1);
        }
    }

    // ---------------------------------------------------------------------------------------------------

    /** The guest's side; returns weights with the intercept last. */
    static Fit guest(Session io, LR.Settings s, PartyRows rows) {
        return guest(io, s, rows, IterationListener.NONE);
    }

    static Fit guest(Session io, LR.Settings s, PartyRows rows, IterationListener iterations) {
        String arbiter = io.only(ARBITER);
        List<String> hosts = io.hosts();
        long n = rows.count();
        if (n == 0) {
            throw FlowException.data("HeteroLR's guest has no rows to train on");
        }
        long batch = s.batchSize < 0 || s.batchSize >= n ? n : s.batchSize;
        Plan plan = new Plan(n, batch, agreeChunkRows(io, "rows", n, hosts));
        byte[] planBytes = plan.encode();
        io.send("batches", ARBITER, arbiter, planBytes);
        for (String h : hosts) {
            io.send("batches", HOST, h, planBytes);
        }
        PaillierPublicKey pk = new PaillierPublicKey(new BigInteger(io.receive("pubkey", ARBITER, arbiter)),
                io.paillier());
        int d = rows.width();
        int dim = d + (s.fitIntercept ? 1 : 0);
        double[] w = LR.init(s, dim, d);
        try (PaillierEncryptor enc = encryptor(io, s, plan, pk, dim)) {
            LR.Optimizer opt = new LR.Optimizer(s, dim);
            HeteroLRGuest guest = new HeteroLRGuest(io, s, plan, enc, d, w, opt);
            return iterate(io, s, rows, plan, opt, w, guest, arbiter, iterations);
        }
    }

    /** A host's side; returns its weights (no intercept). */
    static Fit host(Session io, LR.Settings s, PartyRows rows) {
        return host(io, s, rows, IterationListener.NONE);
    }

    static Fit host(Session io, LR.Settings s, PartyRows rows, IterationListener iterations) {
        String guest = io.only(GUEST);
        String arbiter = io.only(ARBITER);
        Plan plan = hostPlan(io, "rows", "batches", rows.count(), guest);
        PaillierPublicKey pk = new PaillierPublicKey(new BigInteger(io.receive("pubkey", ARBITER, arbiter)),
                io.paillier());
        int d = rows.width();
        double[] w = LR.init(s, d, d);
        try (PaillierEncryptor enc = encryptor(io, s, plan, pk, d)) {
            LR.Optimizer opt = new LR.Optimizer(s, d);
            HeteroLRHost host = new HeteroLRHost(io, s, plan, enc, w, opt);
            return iterate(io, s, rows, plan, opt, w, host, arbiter, iterations);
        }
    }

    /**
     * A guest's or host's encryptor with {@code dim} weights: it draws obfuscators ahead while the party waits for
     * the others, at most the encryptions one chunk makes at a time and {@link #encryptionsAtMost} in all.
     */
    private static PaillierEncryptor encryptor(Session io, LR.Settings s, Plan plan, PaillierPublicKey pk, int dim) {
        int ahead = Math.min(io.precomputedObfuscators(), plan.largestChunk() + 1 + dim);
        return new PaillierEncryptor(pk, new SecureRandom()).precomputing(ahead, encryptionsAtMost(s, plan, dim));
    }

    /**
     * The encryptions a guest or host makes in all iterations at most, with {@code dim} weights (the guest's
     * intercept among them): per iteration one per row, then per batch its loss term and one mask per weight
     * (the count {@code HeteroLRProtocolTest} checks). No more obfuscators are drawn ahead than these.
     */
    static long encryptionsAtMost(LR.Settings s, Plan plan, int dim) {
        return (long) s.maxIter * (plan.rows() + plan.batches() * (dim + 1L));
    }

    /**
     * The guest's side of agreeing how to cut the rows: every host must hold as many rows as the guest (the
     * chunks' id digests then check they are the same ones), and a chunk must fit every party's cap.
     */
    private static int agreeChunkRows(Session io, String tag, long rows, List<String> hosts) {
        int chunk = io.chunkRows();
        for (String h : hosts) {
            double[] theirs = EncryptedAlgebra.decodeDoubles(io.receive(tag, HOST, h));
            if (theirs.length != 2 || theirs[1] < 1) {
                throw FlowException.data("host " + h + " sent a malformed row count");
            }
            if ((long) theirs[0] != rows) {
                throw FlowException.data("host " + h + " has " + (long) theirs[0] + " rows, the guest " + rows
                        + ": HeteroLR needs the same rows at every party (put an Intersection before it)");
            }
            chunk = (int) Math.min(chunk, theirs[1]);
        }
        return chunk;
    }

    /** A host's side: tells the guest its rows and chunk cap, then takes the guest's plan. */
    private static Plan hostPlan(Session io, String tag, String planTag, long rows, String guest) {
        io.send(tag, GUEST, guest, EncryptedAlgebra.encodeDoubles(new double[] {rows, io.chunkRows()}));
        Plan plan = Plan.decode(io.receive(planTag, GUEST, guest));
        if (plan.rows() != rows || plan.chunkRows() > io.chunkRows()) {
            throw FlowException.data("the guest planned " + plan.rows() + " rows in chunks of " + plan.chunkRows()
                    + "; this host has " + rows + " rows and takes chunks of at most " + io.chunkRows());
        }
        return plan;
    }

    /** A batch's gradient in the clear, and the arbiter's verdict on the iteration when its reply carried one. */
    record Unmasked(double[] gradient, Boolean verdict) {}

    /**
     * The batch's X^T·E(4d) (one sum per column), masked with random integers, decrypted by the arbiter,
     * unmasked: Σ_i 4d_i·x_ij in the clear, known to this party only. {@code loss} (the guest's E(batch
     * loss), null at a host) goes unmasked after the sums in the same message: the arbiter keeps its value.
     * {@code verdict}: this is an iteration's last batch under a loss rule, and the reply carries the verdict.
     */
    static Unmasked unmasked(Session io, PaillierEncryptor enc, FixedPoint fp, BigInteger[] sums, BigInteger loss,
                             String tag, String arbiter, boolean verdict) {
        PaillierPublicKey pk = enc.publicKey();
        int dim = sums.length;
        SecureRandom random = new SecureRandom();
        BigInteger[] masks = new BigInteger[dim];
        List<BigInteger> masked = new ArrayList<>(dim + 1);
        for (int j = 0; j < dim; j++) {
            masks[j] = new BigInteger(MASK_BITS, random);
            masked.add(pk.add(sums[j], enc.encrypt(masks[j])));
        }
        if (loss != null) {
            masked.add(loss);
        }
        io.send(tag, ARBITER, arbiter, CiphertextVector.encode(pk, masked));
        Reply reply = Reply.decode(io.receive(tag + ".plain", ARBITER, arbiter), verdict);
        List<BigInteger> plain = reply.plain();
        if (plain.size() != dim) {
            throw FlowException.data("the arbiter returned " + plain.size() + " values for " + dim);
        }
        double[] g = new double[dim];
        for (int j = 0; j < dim; j++) {
            g[j] = EncryptedAlgebra.decodeProduct(fp, plain.get(j).subtract(masks[j]).mod(pk.n()));
        }
        return new Unmasked(g, reply.verdict());
    }

    /**
     * A guest's or host's side of a pass, fed a chunk at a time: told which iteration the next pass belongs
     * to, and, after it, the verdict the arbiter sent with the pass' last batch (under a loss rule).
     */
    interface Party extends ChunkedRows.ChunkHandler {
        void iteration(int iteration);

        /** The arbiter's verdict on the last pass, or null when none came with it (weight_diff). */
        Boolean verdict();
    }

    /** The exponents of X^T·E(4d): the features at scale 2^16, and a column of ones for an intercept. */
    static long[][] quantized(double[][] x, int d, boolean intercept) {
        long[][] q = new long[x.length][d + (intercept ? 1 : 0)];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
                q[i][j] = EncryptedAlgebra.quantize(x[i][j]);
            }
            if (intercept) {
                q[i][d] = EncryptedAlgebra.quantize(1);
            }
        }
        return q;
    }

    /** {@code sum} plus a chunk's {@code part}, column by column (the first chunk's part is the sum). */
    static BigInteger[] accumulate(PaillierPublicKey pk, BigInteger[] sum, BigInteger[] part) {
        if (sum == null) {
            return part;
        }
        for (int j = 0; j < sum.length; j++) {
            sum[j] = pk.add(sum[j], part[j]);
        }
        return sum;
    }

    /**
     * The guest's and the host's iterations: a pass over the rows a chunk at a time, then the arbiter's word on
     * convergence.
     */
    private static Fit iterate(Session io, LR.Settings s, PartyRows rows, Plan plan, LR.Optimizer opt, double[] w,
                               Party party, String arbiter, IterationListener iterations) {
        boolean converged = false;
        int t = 0;
        while (t < s.maxIter && !converged) {
            opt.setIters(t);
            double[] before = w.clone();
            party.iteration(t);
            ChunkedRows.pass(rows, plan, party);
            converged = endIteration(io, s, t, before, w, arbiter, party.verdict());
            iterations.iterationEnd(t, w, converged);
            t++;
        }
        return new Fit(w, t, converged);
    }

    /** The verdict that came with the last batch's reply; under weight_diff, reports the change and waits for it. */
    private static boolean endIteration(Session io, LR.Settings s, int t, double[] before, double[] w,
                                        String arbiter, Boolean verdict) {
        if (!"weight_diff".equals(s.earlyStop)) {
            if (verdict == null) {
                throw new IllegalStateException("iteration " + t + " ended without the arbiter's verdict");
            }
            return verdict;
        }
        double diff = 0;
        double norm = 0;
        for (int j = 0; j < w.length; j++) {
            diff += (w[j] - before[j]) * (w[j] - before[j]);
            norm += w[j] * w[j];
        }
        io.send("weight_diff." + t, ARBITER, arbiter, EncryptedAlgebra.encodeDoubles(new double[] {diff, norm}));
        return io.receive("converged." + t, ARBITER, arbiter)[0] == 1;
    }

    static List<BigInteger> addAll(PaillierPublicKey pk, List<BigInteger> a, List<BigInteger> b) {
        BigInteger[] out = new BigInteger[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = pk.add(a.get(i), b.get(i));
        }
        return List.of(out);
    }

    // ---------------------------------------------------------------------------------------------------

    /** Receives a row's score: its id, its label (NaN without one) and its logit. */
    @FunctionalInterface
    interface ScoreSink {
        void score(String id, double label, double z) throws Exception;
    }

    /**
     * Scoring: each host sends its plain X_h·w_h chunk by chunk (as FATE's hosts do at predict); the guest adds
     * them to its own {@code intercept + X_g·w} (its first {@code d} weights) and hands each row's logit on.
     */
    static void guestScores(Session io, PartyRows rows, double[] w, int d, double intercept, String tag,
                            ScoreSink out) {
        List<String> hosts = io.hosts();
        Plan plan = Plan.whole(rows.count(), agreeChunkRows(io, tag + ".rows", rows.count(), hosts));
        for (String h : hosts) {
            io.send(tag + ".plan", HOST, h, plan.encode());
        }
        ChunkedRows.pass(rows, plan, c -> {
            double[] z = new double[c.size()];
            for (int i = 0; i < z.length; i++) {
                z[i] = intercept + LR.dot(w, c.x()[i], d, false);
            }
            for (String h : hosts) {
                double[] part = EncryptedAlgebra.decodeDoubles(ChunkedRows.unframe(
                        io.receive(tag + "." + c.index(), HOST, h), c, "host " + h));
                if (part.length != z.length) {
                    throw FlowException.data("host " + h + " sent " + part.length + " scores for " + z.length + " rows");
                }
                for (int i = 0; i < z.length; i++) {
                    z[i] += part[i];
                }
            }
            for (int i = 0; i < z.length; i++) {
                out.score(c.ids().get(i), c.y()[i], z[i]);
            }
        });
    }

    /** A host's side of scoring: X_h·w_h of each chunk, sent without waiting for the guest. */
    static void hostScores(Session io, PartyRows rows, double[] w, String tag) {
        String guest = io.only(GUEST);
        Plan plan = hostPlan(io, tag + ".rows", tag + ".plan", rows.count(), guest);
        ChunkedRows.pass(rows, plan, c -> {
            double[] u = new double[c.size()];
            for (int i = 0; i < u.length; i++) {
                u[i] = LR.dot(w, c.x()[i], w.length, false);
            }
            io.send(tag + "." + c.index(), GUEST, guest, ChunkedRows.frame(c, EncryptedAlgebra.encodeDoubles(u)));
        });
    }
}
