package io.fedflow.node.component.builtin;

import io.fedflow.node.component.builtin.ChunkedRows.Chunk;
import io.fedflow.node.component.paillier.CiphertextVector;
import io.fedflow.node.component.paillier.FixedPoint;
import io.fedflow.node.component.paillier.PaillierEncryptor;
import io.fedflow.node.component.paillier.PaillierPublicKey;
import io.fedflow.node.core.FlowException;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A host's side of a HeteroLR pass, fed a chunk at a time (see {@link HeteroLRProtocol}): it sends E(u_h) of a
 * chunk, and, one chunk behind, takes the guest's residual E(4d) of the chunk before and folds it into the
 * batch's encrypted gradient; so it encrypts chunk k + 1 while the guest works on chunk k. The last chunk of a
 * batch also carries E(the batch's loss terms). At a batch's end the gradient goes masked to the arbiter and
 * the weights step.
 */
final class HeteroLRHost implements HeteroLRProtocol.Party {
    private final HeteroLRProtocol.Session io;
    private final LR.Settings s;
    private final ChunkedRows.Plan plan;
    private final PaillierPublicKey pk;
    private final FixedPoint fp;
    private final PaillierEncryptor enc;
    private final String guest;
    private final String arbiter;
    private final double[] w;
    private final LR.Optimizer opt;
    private final ArrayDeque<Chunk> pending = new ArrayDeque<>();
    private int t;
    private Boolean verdict;
    private long rows;
    private int chunks;
    private double lossTerms;
    private BigInteger[] gradient;
    private long encrypted;
    private long waited;
    private long gradientTime;

    HeteroLRHost(HeteroLRProtocol.Session io, LR.Settings s, ChunkedRows.Plan plan, PaillierEncryptor enc,
                 double[] w, LR.Optimizer opt) {
        this.io = io;
        this.s = s;
        this.plan = plan;
        this.pk = enc.publicKey();
        this.fp = new FixedPoint(pk);
        this.enc = enc;
        this.guest = io.only(HeteroLRProtocol.GUEST);
        this.arbiter = io.only(HeteroLRProtocol.ARBITER);
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
        int d = w.length;
        if (c.index() == 0) {
            rows = plan.batchSize(c.batch());
            lossTerms = rows * LR.lossNorm(s, w, d);
            gradient = null;
            chunks = 0;
            encrypted = 0;
            waited = 0;
            gradientTime = 0;
        }
        io.checkCancelled().run();
        chunks++;
        double[] uh = forwardValues(c, d);
        long t0 = System.nanoTime();
        List<BigInteger> fwd = new ArrayList<>(EncryptedAlgebra.encrypt(enc, fp, uh));
        if (c.last()) {
            fwd.add(enc.encrypt(fp.encode(lossTerms)));
        }
        io.send("forward." + c.at(t), HeteroLRProtocol.GUEST, guest,
                ChunkedRows.frame(c, CiphertextVector.encode(pk, fwd)));
        encrypted += System.nanoTime() - t0;
        pending.add(c);
        while (pending.size() >= HeteroLRProtocol.WINDOW || c.last() && !pending.isEmpty()) {
            absorb(pending.poll());
        }
        if (c.last()) {
            endBatch(c.batch());
        }
    }

    /**
     * u_h of the chunk's rows, their u_h²/8 added to the batch's loss terms. The row loop has a method of its own
     * so that its back edges count towards this small method and not towards {@link #chunk}: a driver called a
     * few hundred times a job then never becomes hot enough for C2 to compile it (with all it would inline) in a
     * node's later jobs, nor on-stack-replaced as a whole at this loop.
     */
    private double[] forwardValues(Chunk c, int d) {
        int k = c.size();
        double[] uh = new double[k];
        for (int i = 0; i < k; i++) {
            uh[i] = LR.dot(w, c.x()[i], d, false);
            lossTerms += 0.125 * uh[i] * uh[i];
        }
        return uh;
    }

    /** The guest's residual of a chunk, folded into X_h^T·E(4d). */
    private void absorb(Chunk c) {
        long t0 = System.nanoTime();
        List<BigInteger> residual = CiphertextVector.decode(pk, ChunkedRows.unframe(
                io.receive("residual." + c.at(t), HeteroLRProtocol.GUEST, guest), c, "the guest"));
        long t1 = System.nanoTime();
        if (residual.size() != c.size()) {
            throw FlowException.data("the guest sent " + residual.size() + " residuals for a chunk of " + c.size());
        }
        gradient = HeteroLRProtocol.accumulate(pk, gradient, EncryptedAlgebra.weightedSums(pk, residual,
                HeteroLRProtocol.quantized(c.x(), w.length, false), w.length));
        waited += t1 - t0;
        gradientTime += System.nanoTime() - t1;
    }

    private void endBatch(long b) {
        String at = t + "." + b;
        long t0 = System.nanoTime();
        boolean lastBatch = b == plan.batches() - 1;
        HeteroLRProtocol.Unmasked u = HeteroLRProtocol.unmasked(io, enc, fp, gradient, null, "gradient." + at, arbiter,
                lastBatch && !"weight_diff".equals(s.earlyStop));
        if (lastBatch) {
            verdict = u.verdict();
        }
        double[] g = u.gradient();
        io.log().accept("host batch " + at + " (" + rows + " rows in " + chunks + " chunks): encrypted in " + encrypted / 1_000_000 + " ms, waited "
                + waited / 1_000_000 + " ms for the guest, gradient in "
                + (gradientTime + System.nanoTime() - t0) / 1_000_000 + " ms");
        for (int j = 0; j < g.length; j++) {
            g[j] /= 4.0 * rows;
        }
        LR.update(s, opt, w, g, w.length);
    }
}
