package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.component.Instances;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.component.paillier.CiphertextVector;
import io.fedflow.node.component.paillier.PaillierKeyPair;
import io.fedflow.node.component.paillier.PaillierPublicKey;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The host's side of HeteroFeatureBinning holds a guest's chunk whole, so its own {@code --binning-chunk-rows}
 * bounds what it takes: a guest (whatever its node's cap) announcing or sending more rows a chunk fails the
 * host's task with the cap named. The guest's messages are written here as a guest writes them, so that they
 * can break the cap, and reach the host's task over the job's channel.
 */
class HeteroBinningChunkCapTest {
    static final int CAP = 7;
    static final int ROWS = 20;

    final InMemoryFederation fed = new InMemoryFederation(Map.of("guest", List.of("9999"), "host", List.of("10000")));
    final FederationChannel guest = fed.channel("guest", "9999");
    final PaillierPublicKey key = PaillierKeyPair.generate(1024, new SecureRandom()).publicKey();

    @Test
    void aChunkOverTheHostsCapFailsTheHostsTaskNamingTheCap() {
        // a head that fits the cap (3 chunks of at most 7 for 20 rows), then a first chunk of 14: all of the
        // run is sent, so that a host without the cap would sum it and answer
        announce(ROWS, 3);
        sendChunk(0, ids(0, 14));
        sendChunk(1, ids(14, ROWS));
        sendChunk(2, List.of());
        FlowException e = catchThrowableOfType(() -> new HeteroFeatureBinning().run(host()), FlowException.class);
        assertThat(e).hasMessageContaining("the guest's chunk 0 has 14 rows: more than " + CAP)
                .hasMessageContaining(Limits.BINNING_CHUNK_ROWS_FLAG);
    }

    @Test
    void aHeadAnnouncingChunksOverTheCapIsRefusedBeforeAnyChunk() {
        // one chunk of all 20 rows, sent whole: a host without the cap would take it and answer
        announce(ROWS, 1);
        sendChunk(0, ids(0, ROWS));
        FlowException e = catchThrowableOfType(() -> new HeteroFeatureBinning().run(host()), FlowException.class);
        assertThat(e).hasMessageContaining("the guest announced " + ROWS + " rows in 1 chunks: more than " + CAP)
                .hasMessageContaining(Limits.BINNING_CHUNK_ROWS_FLAG);
        assertThat(fed.receivedBy("host", "10000")).extracting(InMemoryFederation.Received::tag)
                .containsExactly(BinningGuest.KEY, BinningGuest.COUNT);
    }

    @Test
    void chunksAtTheCapAreSummed() throws Exception {
        announce(ROWS, 3);
        sendChunk(0, ids(0, 7));
        sendChunk(1, ids(7, 14));
        sendChunk(2, ids(14, 20));
        new HeteroFeatureBinning().run(host());
        JsonNode bins = BinningGuest.parse(guest.receive(BinningGuest.HOST_BINS, "host", "10000",
                Duration.ofSeconds(10)));
        assertThat(bins.path("features")).hasSize(2);
        for (JsonNode feature : bins.path("features")) {
            long rows = 0;
            for (JsonNode count : feature.path("counts")) {
                rows += count.asLong();
            }
            assertThat(rows).isEqualTo(ROWS);
        }
    }

    private void announce(long rows, long chunks) {
        guest.send(BinningGuest.KEY, "host", "10000", key.n().toByteArray());
        guest.send(BinningGuest.COUNT, "host", "10000", BinningGuest.bytes(Params.JSON.createObjectNode()
                .put("count", rows).put("chunks", chunks)));
    }

    private void sendChunk(int index, List<String> ids) {
        var list = Params.JSON.createObjectNode();
        ids.forEach(list.putArray("ids")::add);
        guest.send(BinningGuest.IDS + index, "host", "10000", BinningGuest.bytes(list));
        List<BigInteger> labels = Collections.nCopies(ids.size(), key.zero());
        guest.send(BinningGuest.LABELS + index, "host", "10000", CiphertextVector.encode(key, labels));
    }

    private static List<String> ids(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add(Integer.toString(i));
        }
        return ids;
    }

    /** The host's binning task over a table of the same ids, its cap {@value #CAP} rows a chunk. */
    private InMemoryContext host() {
        Random random = new Random(7);
        double[][] x = new double[ROWS][];
        for (int i = 0; i < ROWS; i++) {
            x[i] = new double[] {random.nextGaussian(), random.nextGaussian()};
        }
        InMemoryContext dt = new InMemoryContext("data_transform_0", "DataTransform");
        dt.role = "host";
        dt.partyId = "10000";
        TableInput table = dt.writeInstances("data", new Instances(ids(0, ROWS), List.of("h0", "h1"), x, null, null));
        InMemoryContext hb = dt.next("hetero_feature_binning_0", "HeteroFeatureBinning");
        hb.role = "host";
        hb.partyId = "10000";
        hb.channel = fed.channel("host", "10000");
        hb.binningChunkRows = CAP;
        return hb.input("data", table);
    }
}
