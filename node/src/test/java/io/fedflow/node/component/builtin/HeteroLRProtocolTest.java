package io.fedflow.node.component.builtin;

import static io.fedflow.node.component.paillier.PaillierCounter.Operation.ADD;
import static io.fedflow.node.component.paillier.PaillierCounter.Operation.DECRYPT;
import static io.fedflow.node.component.paillier.PaillierCounter.Operation.ENCRYPT;
import static io.fedflow.node.component.paillier.PaillierCounter.Operation.MULTIPLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.TaskCancelledException;
import io.fedflow.node.component.paillier.CiphertextVector;
import io.fedflow.node.component.paillier.PaillierCounter;
import io.fedflow.node.component.paillier.PaillierPublicKey;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** HeteroLR's three roles in threads over an in-memory channel, with everything the host receives recorded. */
class HeteroLRProtocolTest {
    static final Map<String, List<String>> ROLES = Map.of("guest", List.of("9999"), "host", List.of("10000"),
            "arbiter", List.of("10000"));

    record Table(List<String> ids, double[][] x, double[] y) {
        /** The rows as a party reads them (already sorted by id); labels only where {@code labelled}. */
        ChunkedRows.PartyRows rows(boolean labelled) {
            return ChunkedRows.PartyRows.of(ids, x, labelled ? y : null);
        }
    }

    /** A breast_hetero CSV (id, [y,] features) sorted by id as the component sorts it. */
    static Table read(String name, boolean labelled) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("../examples/data/" + name + ".csv"));
        List<String[]> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            rows.add(l.split(","));
        }
        rows.sort((a, b) -> a[0].compareTo(b[0]));
        int skip = labelled ? 2 : 1;
        List<String> ids = new ArrayList<>();
        double[][] x = new double[rows.size()][];
        double[] y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            ids.add(r[0]);
            x[i] = new double[r.length - skip];
            for (int j = skip; j < r.length; j++) {
                x[i][j - skip] = Double.parseDouble(r[j]);
            }
            y[i] = labelled ? Double.parseDouble(r[1]) : 0;
        }
        return new Table(ids, x, y);
    }

    static LR.Settings settings(int maxIter) {
        return settings(maxIter, Params.JSON.createObjectNode());
    }

    /** The acceptance parameters (L2, rmsprop, alpha 0.01, batch 320, rate 0.15), {@code overrides} first. */
    static LR.Settings settings(int maxIter, ObjectNode overrides) {
        ObjectNode p = Params.JSON.createObjectNode();
        p.put("penalty", "L2").put("optimizer", "rmsprop").put("alpha", 0.01).put("batch_size", 320)
                .put("learning_rate", 0.15).put("max_iter", maxIter).putObject("init_param")
                .put("init_method", "random_uniform");
        p.setAll(overrides);
        return LR.Settings.of(new Params(p, "test"), new InMemoryContext("hetero_lr_0", "HeteroLR"));
    }

    @Test
    void learnsBreastWhileTheHostSeesOnlyCiphertextsAndMaskedValues() throws Exception {
        Table g = read("breast_hetero_guest", true);
        Table h = read("breast_hetero_host", false);
        LR.Settings s = settings(8);
        InMemoryFederation wire = new InMemoryFederation(ROLES);
        List<Double> losses = Collections.synchronizedList(new ArrayList<>());
        Runnable live = () -> { };
        long started = System.nanoTime();
        var arbiter = CompletableFuture.supplyAsync(() -> HeteroLRProtocol.arbiter(new HeteroLRProtocol.Session(
                wire.channel("arbiter", "10000"), live, m -> { }), s, 1024, (t, loss) -> losses.add(loss)));
        var host = CompletableFuture.supplyAsync(() -> {
            HeteroLRProtocol.Session io = new HeteroLRProtocol.Session(wire.channel("host", "10000"), live, System.out::println);
            HeteroLRProtocol.Fit fit = HeteroLRProtocol.host(io, s, h.rows(false));
            HeteroLRProtocol.hostScores(io, h.rows(false), fit.weights(), "predict.forward");
            return fit;
        });
        HeteroLRProtocol.Session gio = new HeteroLRProtocol.Session(wire.channel("guest", "9999"), live, System.out::println);
        HeteroLRProtocol.Fit gfit = HeteroLRProtocol.guest(gio, s, g.rows(true));
        double[] z = scores(gio, g, gfit);
        HeteroLRProtocol.Fit hfit = host.get(5, TimeUnit.MINUTES);
        HeteroLRProtocol.Losses arb = arbiter.get(5, TimeUnit.MINUTES);
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.println("HeteroLR protocol: 8 iterations in " + ms + " ms, losses " + arb.history());

        double[] scores = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            scores[i] = LR.sigmoid(z[i]);
        }
        assertThat(BinaryMetrics.auc(g.y(), scores)).isGreaterThan(0.98);
        assertThat(arb.history()).hasSize(8).isEqualTo(losses);
        assertThat(arb.history().get(7)).isLessThan(arb.history().get(0));
        assertThat(hfit.weights()).hasSize(h.x()[0].length);

        // What reached the host: the key, the batch sizes, the id digest, E(4d) vectors, masked integers
        // from the arbiter, and convergence flags. No payload holds the labels or the host's gradient.
        PaillierPublicKey pk = null;
        int residuals = 0;
        int masked = 0;
        for (InMemoryFederation.Received r : wire.receivedBy("host", "10000")) {
            if (r.tag().equals("pubkey")) {
                pk = new PaillierPublicKey(new BigInteger(r.payload()));
            }
        }
        assertThat(pk).isNotNull();
        String labels = labelsAsText(g.y());
        for (InMemoryFederation.Received r : wire.receivedBy("host", "10000")) {
            assertThat(new String(r.payload(), StandardCharsets.ISO_8859_1)).doesNotContain(labels);
            if (r.tag().startsWith("residual.")) {
                List<BigInteger> c = CiphertextVector.decode(pk, Arrays.copyOfRange(r.payload(),
                        ChunkedRows.ID_DIGEST_BYTES, r.payload().length));
                // ciphertexts are spread over [0, n²): none is a small number such as a label or residual
                assertThat(c).allSatisfy(v -> assertThat(v.bitLength()).isGreaterThan(1900));
                residuals++;
            } else if (r.tag().endsWith(".plain")) {
                // G + R for a 256-bit random R: far beyond any gradient at scale 2^69 (under 2^90); the reply to
                // an iteration's last batch (of 2) adds the arbiter's verdict
                HeteroLRProtocol.Reply reply = HeteroLRProtocol.Reply.decode(r.payload(),
                        r.tag().matches("gradient\\.\\d+\\.1\\.plain"));
                assertThat(reply.plain()).allSatisfy(v -> assertThat(v.bitLength()).isGreaterThan(200));
                masked++;
            } else {
                assertThat(r.tag()).matches("pubkey|batches|predict\\.forward\\.plan");
                assertThat(r.payload().length).isLessThan(200);
            }
        }
        assertThat(residuals).isEqualTo(16);
        assertThat(masked).isEqualTo(16);

        // Under a loss rule an iteration costs no message of its own: the guest's E(loss) rides with its masked
        // gradient and the arbiter's verdict with its replies to the last batch. Per batch: E(u_h) to the
        // guest, E(4d) to the host, a masked gradient from each to the arbiter and a reply to each.
        assertThat(wire.receivedBy("arbiter", "10000")).extracting(InMemoryFederation.Received::tag)
                .allMatch(t -> t.equals("batches") || t.matches("gradient\\.[0-7]\\.[01]")).hasSize(1 + 8 * 2 * 2);
        assertThat(wire.receivedBy("guest", "9999")).extracting(InMemoryFederation.Received::tag)
                .filteredOn(t -> t.matches("(forward|gradient)\\.[0-7]\\..*")).hasSize(8 * 2 * 2);
        assertThat(wire.receivedBy("guest", "9999")).extracting(InMemoryFederation.Received::tag)
                .noneMatch(t -> t.startsWith("converged.") || t.startsWith("loss."));
    }

    /**
     * A run's outcome at every role: the arbiter's losses, the guest's and the host's fits, the guest's logits
     * of the rows after training, and how many residual messages reached the host.
     */
    record Trained(HeteroLRProtocol.Losses losses, HeteroLRProtocol.Fit guest, HeteroLRProtocol.Fit host,
                   double[] z, long residualMessages) {}

    static Trained train(LR.Settings s, int keyBits) throws Exception {
        int chunk = Limits.defaults().componentChunkRows();
        return train(s, keyBits, chunk, chunk);
    }

    /** Runs the three roles to the end and scores the rows, the guest and the host each with its own chunk cap. */
    static Trained train(LR.Settings s, int keyBits, int guestChunk, int hostChunk) throws Exception {
        Table g = read("breast_hetero_guest", true);
        Table h = read("breast_hetero_host", false);
        InMemoryFederation wire = new InMemoryFederation(ROLES);
        Runnable live = () -> { };
        var arbiter = CompletableFuture.supplyAsync(() -> HeteroLRProtocol.arbiter(new HeteroLRProtocol.Session(
                wire.channel("arbiter", "10000"), live, m -> { }), s, keyBits, (t, loss) -> { }));
        var host = CompletableFuture.supplyAsync(() -> {
            HeteroLRProtocol.Session io = new HeteroLRProtocol.Session(wire.channel("host", "10000"), live, m -> { },
                    PaillierCounter.NONE, 0, hostChunk);
            HeteroLRProtocol.Fit fit = HeteroLRProtocol.host(io, s, h.rows(false));
            HeteroLRProtocol.hostScores(io, h.rows(false), fit.weights(), "predict.forward");
            return fit;
        });
        HeteroLRProtocol.Session gio = new HeteroLRProtocol.Session(wire.channel("guest", "9999"), live, m -> { },
                PaillierCounter.NONE, 0, guestChunk);
        HeteroLRProtocol.Fit gfit = HeteroLRProtocol.guest(gio, s, g.rows(true));
        double[] z = scores(gio, g, gfit);
        HeteroLRProtocol.Fit hfit = host.get(5, TimeUnit.MINUTES);
        long residuals = wire.receivedBy("host", "10000").stream().filter(r -> r.tag().startsWith("residual."))
                .count();
        return new Trained(arbiter.get(5, TimeUnit.MINUTES), gfit, hfit, z, residuals);
    }

    /** The guest's logits of its rows (in id order) with the host's partial ones added. */
    static double[] scores(HeteroLRProtocol.Session gio, Table g, HeteroLRProtocol.Fit gfit) {
        int d = g.x()[0].length;
        List<Double> z = new ArrayList<>();
        HeteroLRProtocol.guestScores(gio, g.rows(true), gfit.weights(), d, gfit.weights()[d], "predict.forward",
                (id, label, v) -> z.add(v));
        return z.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Mini-batches read in chunks of 7 rows at the guest and 5 at the host (the smaller cap rules: batches of
     * 320 and 249 rows are 64 and 50 chunks) give the very numbers of one chunk per batch: the losses, both
     * parties' weights and the scores, to the last bit, since every sum over a batch is exact in the
     * ciphertexts. The same with batch_size -1, the whole table in one batch of 114 chunks.
     */
    @Test
    void chunksOfAFewRowsGiveTheNumbersOfOneChunkPerBatch() throws Exception {
        for (ObjectNode p : List.of(Params.JSON.createObjectNode(),
                Params.JSON.createObjectNode().put("batch_size", -1))) {
            LR.Settings s = settings(3, p);
            Trained whole = train(s, 512, 4096, 4096);
            Trained chunked = train(s, 512, 7, 5);
            long batches = s.batchSize < 0 ? 1 : 2;
            assertThat(whole.residualMessages()).isEqualTo(3 * batches);
            assertThat(chunked.residualMessages()).isEqualTo(3 * 114);
            assertThat(chunked.losses().history()).hasSize(3).containsExactlyElementsOf(whole.losses().history());
            assertThat(chunked.guest().weights()).containsExactly(whole.guest().weights());
            assertThat(chunked.host().weights()).containsExactly(whole.host().weights());
            assertThat(chunked.z()).hasSize(569).containsExactly(whole.z());
            assertThat(whole.losses().history().get(2)).isLessThan(whole.losses().history().get(0));
        }
    }

    /** A host whose rows are not the guest's (one id differs, or one row is missing) stops the training. */
    @Test
    void rowsThatAreNotTheGuestsAreRefused() throws Exception {
        Table g = read("breast_hetero_guest", true);
        Table h = read("breast_hetero_host", false);
        List<String> renamed = new ArrayList<>(h.ids());
        renamed.set(100, renamed.get(100) + "x");
        assertThatThrownBy(() -> trainAgainst(g, new Table(renamed, h.x(), h.y())))
                .isInstanceOf(FlowException.class)
                .hasMessageContaining("chunk 0 of batch 0 are not this party's")
                .hasMessageContaining("HeteroLR needs the same rows at every party");
        Table fewer = new Table(h.ids().subList(1, h.ids().size()), Arrays.copyOfRange(h.x(), 1, h.x().length),
                null);
        assertThatThrownBy(() -> trainAgainst(g, fewer))
                .isInstanceOf(FlowException.class)
                .hasMessageContaining("host 10000 has 568 rows, the guest 569");
    }

    /** Trains the guest against a host holding {@code h}; every role stops once the guest's run ends. */
    private static void trainAgainst(Table g, Table h) throws Exception {
        InMemoryFederation wire = new InMemoryFederation(ROLES);
        AtomicBoolean over = new AtomicBoolean();
        Runnable live = () -> {
            if (over.get()) {
                throw new TaskCancelledException("the guest stopped");
            }
        };
        LR.Settings s = settings(1);
        CompletableFuture.runAsync(() -> HeteroLRProtocol.arbiter(new HeteroLRProtocol.Session(
                wire.channel("arbiter", "10000"), live, m -> { }), s, 512, (t, loss) -> { }));
        CompletableFuture.runAsync(() -> HeteroLRProtocol.host(new HeteroLRProtocol.Session(
                wire.channel("host", "10000"), live, m -> { }), s, h.rows(false)));
        try {
            HeteroLRProtocol.guest(new HeteroLRProtocol.Session(wire.channel("guest", "9999"), live, m -> { }), s,
                    g.rows(true));
        } finally {
            over.set(true);
        }
    }

    @Test
    void everyPartyStopsAtTheIterationTheArbiterFindsConvergedByWeightDiff() throws Exception {
        ObjectNode p = Params.JSON.createObjectNode();
        p.put("early_stop", "weight_diff").put("tol", 0.05);
        Trained out = train(settings(30, p), 512);
        HeteroLRProtocol.Losses losses = out.losses();
        HeteroLRProtocol.Fit guest = out.guest();
        HeteroLRProtocol.Fit host = out.host();
        assertThat(losses.converged()).isTrue();
        assertThat(losses.history().size()).isLessThan(30);
        assertThat(guest.converged()).isTrue();
        assertThat(guest.iters()).isEqualTo(losses.history().size()).isEqualTo(host.iters());
    }

    @Test
    void absStopsOnceTheLossIsUnderTolAndAdamWithL1Trains() throws Exception {
        ObjectNode p = Params.JSON.createObjectNode();
        p.put("early_stop", "abs").put("tol", 0.5).put("optimizer", "adam").put("penalty", "L1")
                .put("batch_size", -1);
        HeteroLRProtocol.Losses losses = train(settings(30, p), 512).losses();
        assertThat(losses.converged()).isTrue();
        assertThat(losses.history().get(losses.history().size() - 1)).isLessThanOrEqualTo(0.5);
        assertThat(losses.history().subList(0, losses.history().size() - 1)).allSatisfy(l -> assertThat(l)
                .isGreaterThan(0.5));
    }

    /**
     * The Paillier operations one iteration costs each role, as counted by its key, against the formula for
     * n rows in batches of at most b, d_g guest features (plus the intercept: D = d_g + 1) and d_h host
     * features, one host; B batches of m rows. Per batch the host encrypts its m values u_h, its loss terms
     * and d_h gradient masks, and forms X_h^T·E(4d) (m·d_h multiply-adds) plus the masks; the guest encrypts
     * its m residual terms, the batch loss and D masks, adds the host's vector to its own (m adds), forms the
     * loss' Σ (u_g/4 − y'/2)·u_h (m multiply-adds, then the host's loss terms scaled: 1 multiply, 2 adds,
     * and 1 add of them) and X_g^T·E(4d) (m·D multiply-adds) plus the masks; the arbiter decrypts D + d_h
     * masked gradients and the loss. Summed over the batches: guest n + B(D + 1) encryptions, n(D + 1) + B
     * multiplications, n(D + 2) + B(D + 3) additions; host n + B(d_h + 1) encryptions, n·d_h
     * multiplications, n·d_h + B·d_h additions; arbiter B(D + d_h + 1) decryptions. (One chunk per batch:
     * the default cap, 4,096 rows, is above the batch.)
     */
    @Test
    void everyIterationCostsEachRoleThePaillierOperationsOfTheFormula() throws Exception {
        Map<String, Map<PaillierCounter.Operation, Long>> perIteration = checkFormula(Limits.defaults()
                .componentChunkRows());
        // breast: guest 593 / 6,830 / 7,425, host 611 / 11,380 / 11,420, arbiter 64 decryptions
        assertThat(perIteration.get("guest")).containsEntry(ENCRYPT, 593L).containsEntry(MULTIPLY, 6830L)
                .containsEntry(ADD, 7425L);
        assertThat(perIteration.get("host")).containsEntry(ENCRYPT, 611L).containsEntry(MULTIPLY, 11380L)
                .containsEntry(ADD, 11420L);
        assertThat(perIteration.get("arbiter")).containsEntry(DECRYPT, 64L);
    }

    /**
     * Read in chunks (C_b chunks in batch b), a batch's sums are formed chunk by chunk and added: the guest
     * makes Σ_b (C_b − 1)(D + 1) more additions (its gradient's D sums and the loss' cross term), a host
     * Σ_b (C_b − 1)·d_h; nothing else changes. Chunks of 7 rows: 46 and 36 chunks, 80 joins per iteration.
     */
    @Test
    void chunksCostOnlyTheAdditionsThatJoinTheirSums() throws Exception {
        Map<String, Map<PaillierCounter.Operation, Long>> perIteration = checkFormula(7);
        assertThat(perIteration.get("guest")).containsEntry(ENCRYPT, 593L).containsEntry(MULTIPLY, 6830L)
                .containsEntry(ADD, 7425L + 80 * 12);
        assertThat(perIteration.get("host")).containsEntry(ENCRYPT, 611L).containsEntry(MULTIPLY, 11380L)
                .containsEntry(ADD, 11420L + 80 * 20);
    }

    /** Runs 2 iterations in chunks of at most {@code chunk} rows, checks the counts against the formula. */
    private static Map<String, Map<PaillierCounter.Operation, Long>> checkFormula(int chunk) throws Exception {
        Table g = read("breast_hetero_guest", true);
        Table h = read("breast_hetero_host", false);
        int iterations = 2;
        LR.Settings s = settings(iterations);
        InMemoryFederation wire = new InMemoryFederation(ROLES);
        Map<String, Map<PaillierCounter.Operation, Long>> counts = new ConcurrentHashMap<>();
        Function<String, PaillierCounter> counter = role -> (op, times) -> counts
                .computeIfAbsent(role, r -> new ConcurrentHashMap<>()).merge(op, times, Long::sum);
        Runnable live = () -> { };
        // guest and host draw obfuscators ahead (less than a batch's worth): the counts do not change
        var arbiter = CompletableFuture.supplyAsync(() -> HeteroLRProtocol.arbiter(new HeteroLRProtocol.Session(
                wire.channel("arbiter", "10000"), live, m -> { }, counter.apply("arbiter")), s, 512, (t, l) -> { }));
        var host = CompletableFuture.supplyAsync(() -> HeteroLRProtocol.host(new HeteroLRProtocol.Session(
                wire.channel("host", "10000"), live, m -> { }, counter.apply("host"), 100, chunk), s, h.rows(false)));
        HeteroLRProtocol.guest(new HeteroLRProtocol.Session(wire.channel("guest", "9999"), live, m -> { },
                counter.apply("guest"), 100, chunk), s, g.rows(true));
        host.get(5, TimeUnit.MINUTES);
        arbiter.get(5, TimeUnit.MINUTES);

        long n = g.x().length;
        long bigD = g.x()[0].length + 1;
        long dh = h.x()[0].length;
        long batches = (n + 319) / 320;
        assertThat(new long[] {n, bigD, dh, batches}).containsExactly(569, 11, 20, 2);
        // the joins of chunk sums: C_b − 1 per batch
        long joins = 0;
        for (long b = 0; b < batches; b++) {
            long m = Math.min(n, (b + 1) * 320) - b * 320;
            joins += (m + chunk - 1) / chunk - 1;
        }
        Map<String, Map<PaillierCounter.Operation, Long>> perIteration = Map.of(
                "guest", Map.of(ENCRYPT, n + batches * (bigD + 1), MULTIPLY, n * (bigD + 1) + batches,
                        ADD, n * (bigD + 2) + batches * (bigD + 3) + joins * (bigD + 1)),
                "host", Map.of(ENCRYPT, n + batches * (dh + 1), MULTIPLY, n * dh,
                        ADD, n * dh + batches * dh + joins * dh),
                "arbiter", Map.of(DECRYPT, batches * (bigD + dh + 1)));
        perIteration.forEach((role, ops) -> {
            Map<PaillierCounter.Operation, Long> expected = new EnumMap<>(PaillierCounter.Operation.class);
            ops.forEach((op, c) -> expected.put(op, c * iterations));
            assertThat(counts.get(role)).as(role).containsExactlyInAnyOrderEntriesOf(expected);
        });
        // the bound on obfuscators drawn ahead is exactly what the parties encrypted
        ChunkedRows.Plan plan = new ChunkedRows.Plan(n, 320, chunk);
        assertThat(HeteroLRProtocol.encryptionsAtMost(s, plan, (int) bigD)).isEqualTo(counts.get("guest").get(ENCRYPT));
        assertThat(HeteroLRProtocol.encryptionsAtMost(s, plan, (int) dh)).isEqualTo(counts.get("host").get(ENCRYPT));
        return perIteration;
    }

    private static String labelsAsText(double[] y) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            sb.append((char) y[i]);
        }
        return sb.toString();
    }
}
