package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.component.paillier.CiphertextVector;
import io.fedflow.node.component.paillier.PaillierPublicKey;
import io.fedflow.node.component.paillier.ParallelWork;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The host's side of hetero binning: it adds up the guest's encrypted labels per feature and bin, chunk by
 * chunk as they come, each id looked up in its {@link BinnedRows} (rows the other side lacks count nowhere),
 * and sends back the bin counts and the encrypted sums. It never holds the private key, so it learns
 * nothing of the labels.
 */
final class BinningHost {
    private BinningHost() {}

    static void exchange(ComponentContext ctx, BinnedRows rows, BinningSettings s, List<QuantileSplits> splits) {
        FederationChannel channel = ctx.federation();
        List<String> guests = channel.roles().getOrDefault("guest", List.of());
        if (guests.isEmpty()) {
            throw FlowException.argument("HeteroFeatureBinning at a host needs a guest in the job");
        }
        String guest = guests.get(0);
        PaillierPublicKey key = new PaillierPublicKey(new BigInteger(channel.receive(BinningGuest.KEY, "guest", guest,
                BinningGuest.WAIT)), ctx.paillier());
        JsonNode head = BinningGuest.parse(channel.receive(BinningGuest.COUNT, "guest", guest, BinningGuest.WAIT));
        int[] cols = s.binCols();
        BigInteger[][] sums = new BigInteger[cols.length][];
        long[][] counts = new long[cols.length][];
        for (int f = 0; f < cols.length; f++) {
            sums[f] = new BigInteger[splits.get(f).bins()];
            Arrays.fill(sums[f], key.zero());
            counts[f] = new long[splits.get(f).bins()];
        }
        long chunks = head.path("chunks").asLong();
        // this node's own cap bounds what it holds of a chunk, whatever the guest's node was told
        int cap = ctx.binningChunkRows();
        long announced = head.path("count").asLong();
        if (chunks < (announced + cap - 1) / cap) {
            throw FlowException.data("the guest announced " + announced + " rows in " + chunks
                    + " chunks: more than " + cap + " rows a chunk, this node's cap (" + Limits.BINNING_CHUNK_ROWS_FLAG
                    + "); the guest's node must send chunks of at most that");
        }
        long received = 0;
        long joined = 0;
        for (long c = 0; c < chunks; c++) {
            JsonNode ids = BinningGuest.parse(channel.receive(BinningGuest.IDS + c, "guest", guest, BinningGuest.WAIT))
                    .path("ids");
            if (ids.size() > cap) {
                throw FlowException.data("the guest's chunk " + c + " has " + ids.size() + " rows: more than "
                        + cap + ", this node's cap (" + Limits.BINNING_CHUNK_ROWS_FLAG
                        + "); the guest's node must send chunks of at most that");
            }
            List<BigInteger> labels = CiphertextVector.decode(key, channel.receive(BinningGuest.LABELS + c, "guest",
                    guest, BinningGuest.WAIT));
            if (labels.size() != ids.size()) {
                throw FlowException.data("the guest's chunk " + c + " has " + ids.size() + " ids and " + labels.size()
                        + " labels");
            }
            int[] at = new int[ids.size()];
            List<BigInteger> shared = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                int row = rows.find(ids.get(i).asText());
                if (row >= 0) {
                    at[shared.size()] = row;
                    shared.add(labels.get(i));
                }
            }
            // each feature's sums are its own: the features add in parallel, each in the guest's row order
            int n = shared.size();
            ParallelWork.run(() -> IntStream.range(0, cols.length).parallel().forEach(f -> {
                for (int i = 0; i < n; i++) {
                    int bin = rows.bin(at[i], f);
                    sums[f][bin] = key.add(sums[f][bin], shared.get(i));
                    counts[f][bin]++;
                }
            }));
            received += ids.size();
            joined += n;
            ctx.checkCancelled();
        }
        if (received != head.path("count").asLong()) {
            throw FlowException.data("the guest announced " + head.path("count").asLong() + " rows and sent "
                    + received);
        }
        ObjectNode bins = Params.JSON.createObjectNode();
        ArrayNode features = bins.putArray("features");
        List<BigInteger> flat = new ArrayList<>();
        for (int f = 0; f < cols.length; f++) {
            ObjectNode feature = features.addObject();
            feature.put("index", cols[f]);
            ArrayNode c = feature.putArray("counts");
            for (long v : counts[f]) {
                c.add(v);
            }
            flat.addAll(List.of(sums[f]));
        }
        channel.send(BinningGuest.HOST_BINS, "guest", guest, BinningGuest.bytes(bins));
        channel.send(BinningGuest.HOST_SUMS, "guest", guest, CiphertextVector.encode(key, flat));
        ctx.log("summed the guest's encrypted labels over " + joined + " shared rows in " + cols.length
                + " features, " + chunks + " chunks");
    }
}
