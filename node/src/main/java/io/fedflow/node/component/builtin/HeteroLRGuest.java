package io.fedflow.node.component.builtin;

import io.fedflow.node.component.builtin.ChunkedRows.Chunk;
import io.fedflow.node.component.paillier.CiphertextVector;
import io.fedflow.node.component.paillier.FixedPoint;
import io.fedflow.node.component.paillier.PaillierEncryptor;
import io.fedflow.node.component.paillier.PaillierPublicKey;
import io.fedflow.node.core.FlowException;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The guest's side of a HeteroLR pass, fed a chunk at a time (see {@link HeteroLRProtocol}). For each chunk it
 * encrypts its own residual terms, then, one chunk behind, takes the hosts' E(u_h) of the chunk before, sends
 * back the residual E(4d) and folds the chunk into the batch's encrypted gradient and loss; so it encrypts
 * chunk k + 1 while the hosts work on chunk k. At a batch's end the gradient goes masked to the arbiter and
 * the weights step.
 */
final class HeteroLRGuest implements HeteroLRProtocol.Party {
    private final HeteroLRProtocol.Session io;
    private final LR.Settings s;
    private final ChunkedRows.Plan plan;
    private final PaillierPublicKey pk;
    private final FixedPoint fp;
    private final PaillierEncryptor enc;
    private final List<String> hosts;
    private final String arbiter;
    private final int d;
    private final double[] w;
    private final LR.Optimizer opt;
    private final ArrayDeque<Encrypted> pending = new ArrayDeque<>();
    private int t;
    private Boolean verdict;
    private final Batch batch = new Batch();

    /** A chunk whose own terms are encrypted, waiting for the hosts' values. */
    private record Encrypted(Chunk chunk, double[] ug, List<BigInteger> own) {}

    /** What the batch in progress has summed so far. */
    private static final class Batch {
        long rows;
        int chunks;
        double plainLoss;
        BigInteger hostLoss;
        BigInteger crossLoss;
        BigInteger[] gradient;
        long waited;
        long encrypted;
        long loss;
        long gradientTime;
    }

    HeteroLRGuest(HeteroLRProtocol.Session io, LR.Settings s, ChunkedRows.Plan plan, PaillierEncryptor enc, int d,
                  double[] w, LR.Optimizer opt) {
        this.io = io;
        this.s = s;
        this.plan = plan;
        this.pk = enc.publicKey();
        this.fp = new FixedPoint(pk);
        this.enc = enc;
        this.hosts = io.hosts();
        this.arbiter = io.only(HeteroLRProtocol.ARBITER);
        this.d = d;
        this.w = w;
        this.opt = opt;
    }

    @Override
    public void iteration(int iteration) {
        this.t = iteration;
        this.verdict = null;
    }

    @Override
    public Boolean verdict() {
        return verdict;
    }

    @Override
    public void chunk(Chunk c) {
        if (c.index() == 0) {
            startBatch(c.batch());
        }
        io.checkCancelled().run();
        batch.chunks++;
        int k = c.size();
        double[] ug = new double[k];
        double[] own = ownTerms(c, ug);
        long t0 = System.nanoTime();
        pending.add(new Encrypted(c, ug, EncryptedAlgebra.encrypt(enc, fp, own)));
        batch.encrypted += System.nanoTime() - t0;
        while (pending.size() >= HeteroLRProtocol.WINDOW || c.last() && !pending.isEmpty()) {
            exchange(pending.poll());
        }
        if (c.last()) {
            endBatch(c.batch());
        }
    }

    /**
     * u_g of the chunk's rows into {@code ug}, their plain loss terms into the batch; answers the residual terms
     * u_g − 2y' to encrypt. The row loops live in small methods of their own (here and in {@link #crossWeights})
     * so that their back edges do not make the per-chunk drivers hot: C2 would compile those, with all they
     * inline, in a node's later jobs (or on-stack-replace them whole at the loop) for no gain.
     */
    private double[] ownTerms(Chunk c, double[] ug) {
        int k = c.size();
        double[] own = new double[k];
        for (int i = 0; i < k; i++) {
            ug[i] = LR.dot(w, c.x()[i], d, s.fitIntercept);
            double yy = 2 * c.y()[i] - 1;
            own[i] = ug[i] - 2 * yy;
            batch.plainLoss += -0.5 * yy * ug[i] + 0.125 * ug[i] * ug[i];
        }
        return own;
    }

    /** The loss' cross-term weights u_g/4 − y'/2 of a chunk's rows, quantized. */
    private static long[][] crossWeights(Chunk c, double[] ug) {
        int k = c.size();
        long[][] weights = new long[k][1];
        for (int i = 0; i < k; i++) {
            weights[i][0] = EncryptedAlgebra.quantize(0.25 * ug[i] - 0.5 * (2 * c.y()[i] - 1));
        }
        return weights;
    }

    private void startBatch(long b) {
        long m = plan.batchSize(b);
        batch.rows = m;
        batch.chunks = 0;
        batch.plainLoss = m * HeteroLRProtocol.LOG2 + m * LR.lossNorm(s, w, d);
        batch.hostLoss = pk.zero();
        batch.crossLoss = null;
        batch.gradient = null;
        batch.waited = 0;
        batch.encrypted = 0;
        batch.loss = 0;
        batch.gradientTime = 0;
    }

    /** E(Σ_h u_h) of the chunk from every host, the residual back to them, the chunk's share of loss and gradient. */
    private void exchange(Encrypted e) {
        Chunk c = e.chunk();
        int k = c.size();
        String at = c.at(t);
        long t0 = System.nanoTime();
        List<BigInteger> hostSum = null;
        for (String h : hosts) {
            List<BigInteger> fwd = CiphertextVector.decode(pk, ChunkedRows.unframe(
                    io.receive("forward." + at, HeteroLRProtocol.HOST, h), c, "host " + h));
            // the last chunk of a batch also carries E(the host's loss terms of the batch)
            int expected = k + (c.last() ? 1 : 0);
            if (fwd.size() != expected) {
                throw FlowException.data("host " + h + " sent " + fwd.size() + " values for a chunk of " + expected);
            }
            if (c.last()) {
                batch.hostLoss = pk.add(batch.hostLoss, fwd.get(k));
            }
            List<BigInteger> part = fwd.subList(0, k);
            hostSum = hostSum == null ? part : HeteroLRProtocol.addAll(pk, hostSum, part);
        }
        long t1 = System.nanoTime();
        List<BigInteger> residual = hostSum == null ? e.own() : HeteroLRProtocol.addAll(pk, hostSum, e.own());
        byte[] residualBytes = ChunkedRows.frame(c, CiphertextVector.encode(pk, residual));
        for (String h : hosts) {
            io.send("residual." + at, HeteroLRProtocol.HOST, h, residualBytes);
        }
        // the loss' cross term Σ_i (u_g/4 − y'/2)·u_h, summed over the batch's chunks
        if (hostSum != null) {
            BigInteger part = EncryptedAlgebra.weightedSums(pk, hostSum, crossWeights(c, e.ug()), 1)[0];
            batch.crossLoss = batch.crossLoss == null ? part : pk.add(batch.crossLoss, part);
        }
        long t2 = System.nanoTime();
        batch.gradient = HeteroLRProtocol.accumulate(pk, batch.gradient, EncryptedAlgebra.weightedSums(pk, residual,
                HeteroLRProtocol.quantized(c.x(), d, s.fitIntercept), w.length));
        batch.waited += t1 - t0;
        batch.loss += t2 - t1;
        batch.gradientTime += System.nanoTime() - t2;
    }

    /**
     * E(loss) (plain guest terms, the cross term, the hosts' u_h²/8 + penalty) to the arbiter with the masked
     * gradient; then the step.
     */
    private void endBatch(long b) {
        String at = t + "." + b;
        long t0 = System.nanoTime();
        BigInteger loss = enc.encrypt(EncryptedAlgebra.encodeAt(pk, batch.plainLoss,
                EncryptedAlgebra.PRODUCT_SCALE_BITS));
        if (batch.crossLoss != null) {
            loss = pk.add(loss, batch.crossLoss);
            loss = pk.add(loss, pk.multiply(batch.hostLoss, BigInteger.ONE.shiftLeft(EncryptedAlgebra.X_SCALE_BITS)));
        }
        long t1 = System.nanoTime();
        boolean lastBatch = b == plan.batches() - 1;
        HeteroLRProtocol.Unmasked u = HeteroLRProtocol.unmasked(io, enc, fp, batch.gradient, loss, "gradient." + at,
                arbiter, lastBatch && !"weight_diff".equals(s.earlyStop));
        if (lastBatch) {
            verdict = u.verdict();
        }
        double[] g = u.gradient();
        long t2 = System.nanoTime();
        io.log().accept("guest batch " + at + " (" + batch.rows + " rows in " + batch.chunks + " chunks): waited " + batch.waited / 1_000_000 + " ms for the hosts, "
                + "encrypted in " + batch.encrypted / 1_000_000 + " ms, loss in " + (batch.loss + t1 - t0) / 1_000_000
                + " ms, gradient in " + (batch.gradientTime + t2 - t1) / 1_000_000 + " ms");
        for (int j = 0; j < g.length; j++) {
            g[j] /= 4.0 * batch.rows;
        }
        LR.update(s, opt, w, g, d);
    }
}
