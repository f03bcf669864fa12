package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.Component;
import io.fedflow.node.component.Instances;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.component.paillier.CiphertextVector;
import io.fedflow.node.component.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Binning then selection between an in-memory guest and host over a recording channel: what the guest
 * computes for the host's features equals the clear-text computation, and the host receives nothing but
 * the public key, row ids, Paillier ciphertexts and the names of its kept columns.
 */
class HeteroBinningSelectionTest {
    static final int N = 400;

    record Party(InMemoryContext input, TableInput table) {}

    final Random random = new Random(42);
    final double[] labels = new double[N];
    final InMemoryFederation fed = new InMemoryFederation(Map.of("guest", List.of("9999"), "host", List.of("10000")));

    HeteroBinningSelectionTest() {
        for (int i = 0; i < N; i++) {
            labels[i] = random.nextBoolean() ? 1 : 0;
        }
    }

    Party guest() {
        List<String> ids = new ArrayList<>();
        double[][] x = new double[N][];
        for (int i = 0; i < N; i++) {
            ids.add(Integer.toString(i));
            x[i] = new double[] {labels[i] + random.nextGaussian() * 0.5, random.nextGaussian()};
        }
        InMemoryContext dt = new InMemoryContext("data_transform_0", "DataTransform");
        dt.role = "guest";
        dt.partyId = "9999";
        return new Party(dt, dt.writeInstances("data", new Instances(ids, List.of("g0", "g1"), x, labels.clone(), "y")));
    }

    /** The host's rows in another order, with ten ids the guest lacks. */
    Party host() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < N + 10; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<String> ids = new ArrayList<>();
        double[][] x = new double[order.size()][];
        for (int k = 0; k < order.size(); k++) {
            int i = order.get(k);
            double y = i < N ? labels[i] : 0;
            ids.add(Integer.toString(i));
            x[k] = new double[] {2 * y + random.nextGaussian(), random.nextGaussian(), -y + random.nextGaussian() * 0.3};
        }
        InMemoryContext dt = new InMemoryContext("data_transform_0", "DataTransform");
        dt.role = "host";
        dt.partyId = "10000";
        return new Party(dt, dt.writeInstances("data", new Instances(ids, List.of("h0", "h1", "h2"), x, null, null)));
    }

    InMemoryContext task(Party party, String name, String module) {
        InMemoryContext c = party.input().next(name, module);
        c.role = party.input().role;
        c.partyId = party.input().partyId;
        c.channel = fed.channel(c.role, c.partyId);
        return c.input("data", party.table());
    }

    /** Runs the host's task in another thread and the guest's here, as two parties would. */
    static void runBoth(InMemoryContext guest, Object guestComponent, InMemoryContext host, Object hostComponent)
            throws Exception {
        CompletableFuture<Void> h = CompletableFuture.runAsync(() -> {
            try {
                ((Component) hostComponent).run(host);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ((Component) guestComponent).run(guest);
        h.get(60, TimeUnit.SECONDS);
    }

    @Test
    void guestGetsIvOfHostFeaturesEqualToTheClearComputationAndSelectionKeepsTheTopK() throws Exception {
        Party g = guest();
        Party h = host();
        InMemoryContext gb = task(g, "hetero_feature_binning_0", "HeteroFeatureBinning")
                .param("encrypt_param", Map.of("key_length", 1024));
        InMemoryContext hb = task(h, "hetero_feature_binning_0", "HeteroFeatureBinning");
        runBoth(gb, new HeteroFeatureBinning(), hb, new HeteroFeatureBinning());

        JsonNode guestModel = gb.saved.get("model").param();
        JsonNode own = guestModel.at("/binning_result/binning_result");
        JsonNode hostIv = guestModel.at("/host_results/0/binning_result");
        assertThat(guestModel.at("/host_results/0/party_id").asText()).isEqualTo("10000");
        assertThat(own.fieldNames()).toIterable().containsExactly("g0", "g1");
        assertThat(hostIv.fieldNames()).toIterable().containsExactly("host_10000_x0", "host_10000_x1",
                "host_10000_x2");
        for (JsonNode f : List.of(own.get("g0"), own.get("g1"), hostIv.get("host_10000_x0"),
                hostIv.get("host_10000_x1"), hostIv.get("host_10000_x2"))) {
            assertThat(Double.isFinite(f.get("iv").asDouble())).isTrue();
            assertThat(f.get("iv").asDouble()).isGreaterThanOrEqualTo(0);
        }
        assertThat(own.at("/g0/iv").asDouble()).isGreaterThan(own.at("/g1/iv").asDouble());
        assertThat(hostIv.at("/host_10000_x0/iv").asDouble()).isGreaterThan(hostIv.at("/host_10000_x1/iv").asDouble());

        // the host's model has its split points and no IV; the guest's IV of host x0 equals the clear computation
        JsonNode hostModel = hb.saved.get("model").param();
        assertThat(hostModel.at("/binning_result/binning_result/h0/iv").isMissingNode()).isTrue();
        assertThat(hostModel.path("host_results")).isEmpty();
        QuantileSplits splits = new QuantileSplits(toArray(hostModel.at("/binning_result/binning_result/h0/split_points")));
        Instances hostData = hb.readInstances(h.table());
        long[] ev = new long[splits.bins()];
        long[] nev = new long[splits.bins()];
        for (int k = 0; k < hostData.size(); k++) {
            int i = Integer.parseInt(hostData.ids().get(k));
            if (i < N) {
                int b = splits.binOf(hostData.features()[k][0]);
                if (labels[i] == 1) {
                    ev[b]++;
                } else {
                    nev[b]++;
                }
            }
        }
        assertThat(hostIv.at("/host_10000_x0/iv").asDouble()).isCloseTo(WoeIv.of(ev, nev, 0.5).iv(), within(1e-12));
        // FATE's default transform: the binned columns become bin indexes
        assertThat(gb.instances("data").features()[0][0]).isBetween(0.0, 9.0);

        // selection: the three features of highest IV over both parties
        InMemoryContext gs = task(new Party(gb, gb.outputs.get("data")), "hetero_feature_selection_0",
                "HeteroFeatureSelection").param("filter_methods", List.of("iv_filter"))
                .param("iv_param", Map.of("filter_type", "top_k", "threshold", 3))
                .model("isometric_model", gb.savedModel("model"));
        InMemoryContext hs = task(new Party(hb, hb.outputs.get("data")), "hetero_feature_selection_0",
                "HeteroFeatureSelection").param("filter_methods", List.of("iv_filter"))
                .model("isometric_model", hb.savedModel("model"));
        runBoth(gs, new HeteroFeatureSelection(), hs, new HeteroFeatureSelection());
        assertThat(gs.instances("data").featureNames()).containsExactly("g0");
        assertThat(gs.instances("data").hasLabel()).isTrue();
        assertThat(hs.instances("data").featureNames()).containsExactly("h0", "h2");
        assertThat(hs.saved.get("model").param().at("/final_left_cols/left_cols/h1").asBoolean()).isFalse();
        assertThat(gs.saved.get("model").param().at("/results/0/host_left_cols/0/left_cols/host_10000_x2").asBoolean())
                .isTrue();

        assertHostSawNoLabel();
    }

    /** One binning run between the two parties over their own channel: the guest's and the host's contexts. */
    record Run(InMemoryContext guest, InMemoryContext host, InMemoryFederation fed) {
        List<String> rows(InMemoryContext c) {
            return c.rows(c.outputs.get("data")).stream().map(r -> r[0] + "|" + r[1]).toList();
        }
    }

    static Run bin(Party g, Party h, int chunkRows) throws Exception {
        InMemoryFederation fed = new InMemoryFederation(Map.of("guest", List.of("9999"), "host", List.of("10000")));
        InMemoryContext gb = g.input().next("hetero_feature_binning_0", "HeteroFeatureBinning");
        gb.role = "guest";
        gb.partyId = "9999";
        gb.channel = fed.channel("guest", "9999");
        gb.binningChunkRows = chunkRows;
        gb.input("data", g.table()).param("encrypt_param", Map.of("key_length", 1024))
                .param("transform_param", Map.of("transform_type", "woe"));
        InMemoryContext hb = h.input().next("hetero_feature_binning_0", "HeteroFeatureBinning");
        hb.role = "host";
        hb.partyId = "10000";
        hb.channel = fed.channel("host", "10000");
        hb.binningChunkRows = chunkRows;
        hb.input("data", h.table());
        runBoth(gb, new HeteroFeatureBinning(), hb, new HeteroFeatureBinning());
        return new Run(gb, hb, fed);
    }

    @Test
    void labelsSentSevenRowsAtATimeGiveTheModelsAndDataOfOneChunkAndOfADirectComputation() throws Exception {
        Party g = guest();
        Party h = host();
        Run one = bin(g, h, 10_000);
        Run many = bin(g, h, 7);

        assertThat(many.fed().receivedBy("host", "10000").stream().filter(m -> m.tag().startsWith(BinningGuest.LABELS)))
                .hasSize((N + 6) / 7);
        assertThat(one.fed().receivedBy("host", "10000").stream().filter(m -> m.tag().startsWith(BinningGuest.LABELS)))
                .hasSize(1);
        assertThat(many.guest().saved.get("model").param()).isEqualTo(one.guest().saved.get("model").param());
        assertThat(many.guest().saved.get("model").meta()).isEqualTo(one.guest().saved.get("model").meta());
        assertThat(many.host().saved.get("model").param()).isEqualTo(one.host().saved.get("model").param());
        assertThat(many.guest().summary).isEqualTo(one.guest().summary);
        assertThat(many.rows(many.guest())).containsExactlyElementsOf(one.rows(one.guest())).hasSize(N);
        assertThat(many.rows(many.host())).containsExactlyElementsOf(one.rows(one.host())).hasSize(N + 10);

        // directly: g0's split points are FATE's exact ranks of the sorted column (i · 0.1 of 400 rows), its
        // counts those of the labels, and each output value the WOE of its row's bin
        Instances in = g.input().readInstances(g.table());
        double[] sorted = new double[N];
        for (int i = 0; i < N; i++) {
            sorted[i] = in.features()[i][0];
        }
        Arrays.sort(sorted);
        List<Double> points = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            double rate = i < 10 ? i * (1.0 / 10) : 1.0;
            double v = sorted[(int) Math.min(N - 1, Math.ceil(rate * N) - 1)];
            if (points.isEmpty() || v > points.get(points.size() - 1)) {
                points.add(v);
            }
        }
        JsonNode g0 = many.guest().saved.get("model").param().at("/binning_result/binning_result/g0");
        assertThat(toArray(g0.get("split_points"))).containsExactly(points.stream().mapToDouble(d -> d).toArray());
        QuantileSplits splits = new QuantileSplits(toArray(g0.get("split_points")));
        long[] ev = new long[splits.bins()];
        long[] nev = new long[splits.bins()];
        for (int i = 0; i < N; i++) {
            int b = splits.binOf(in.features()[i][0]);
            if (in.labels()[i] == 1) {
                ev[b]++;
            } else {
                nev[b]++;
            }
        }
        WoeIv direct = WoeIv.of(ev, nev, 0.5);
        assertThat(g0.get("iv").asDouble()).isEqualTo(direct.iv());
        Instances out = many.guest().instances("data");
        for (int i = 0; i < N; i++) {
            assertThat(out.ids().get(i)).isEqualTo(in.ids().get(i));
            assertThat(out.labels()[i]).isEqualTo(in.labels()[i]);
            assertThat(out.features()[i][0]).isEqualTo(direct.woe()[splits.binOf(in.features()[i][0])]);
        }
    }

    /**
     * Everything the host received: the key, the row count, the ids and ciphertext vectors chunk by chunk,
     * and the selection's column names.
     */
    void assertHostSawNoLabel() throws Exception {
        List<InMemoryFederation.Received> toHost = fed.receivedBy("host", "10000");
        assertThat(toHost).isNotEmpty();
        PaillierPublicKey key = null;
        Set<BigInteger> seen = new HashSet<>();
        int ciphertexts = 0;
        int idCount = 0;
        for (InMemoryFederation.Received m : toHost) {
            switch (m.tag()) {
                case BinningGuest.KEY -> {
                    key = new PaillierPublicKey(new BigInteger(m.payload()));
                    assertThat(key.bits()).isEqualTo(1024);
                }
                case BinningGuest.COUNT -> {
                    JsonNode head = InMemoryContext.JSON.readTree(m.payload());
                    assertThat(head.fieldNames()).toIterable().containsExactlyInAnyOrder("count", "chunks");
                    assertThat(head.get("count").asInt()).isEqualTo(N);
                }
                case HeteroFeatureSelection.HOST_LEFT -> {
                    JsonNode msg = InMemoryContext.JSON.readTree(m.payload());
                    assertThat(msg.fieldNames()).toIterable().containsExactlyInAnyOrder("left", "decided");
                    msg.get("left").forEach(a -> assertThat(a.asText()).startsWith("host_10000_x"));
                }
                default -> {
                    if (m.tag().startsWith(BinningGuest.IDS)) {
                        JsonNode ids = InMemoryContext.JSON.readTree(m.payload());
                        assertThat(ids.fieldNames()).toIterable().containsExactly("ids");
                        idCount += ids.get("ids").size();
                        break;
                    }
                    assertThat(m.tag()).startsWith(BinningGuest.LABELS);
                    List<BigInteger> cs = CiphertextVector.decode(key, m.payload());
                    for (BigInteger c : cs) {
                        // randomised encryption: no two labels look alike, and none is a small clear number
                        assertThat(seen.add(c)).isTrue();
                        assertThat(c.bitLength()).isGreaterThan(1024);
                    }
                    ciphertexts += cs.size();
                }
            }
            String text = InMemoryFederation.text(m.payload());
            assertThat(text).doesNotContain(labelText(","), labelText(", "), labelText(""));
        }
        assertThat(ciphertexts).isEqualTo(N);
        assertThat(idCount).isEqualTo(N);
    }

    private String labelText(String sep) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            sb.append(i == 0 ? "" : sep).append((int) labels[i]);
        }
        return sb.toString();
    }

    private static double[] toArray(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }
}
