package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.component.Instances;
import io.fedflow.node.component.paillier.CiphertextVector;
import io.fedflow.node.component.paillier.PaillierPublicKey;
import io.fedflow.node.core.FlowException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's side of hetero binning: it bins its own columns, adds up the guest's encrypted labels per
 * feature and bin (rows joined by id; rows the other side lacks count nowhere) and sends back the bin
 * counts and the encrypted sums. It never holds the private key, so it learns nothing of the labels.
 */
final class BinningHost {
    private BinningHost() {}

    static void exchange(ComponentContext ctx, Instances data, BinningSettings s, List<QuantileSplits> splits) {
        FederationChannel channel = ctx.federation();
        List<String> guests = channel.roles().getOrDefault("guest", List.of());
        if (guests.isEmpty()) {
            throw FlowException.argument("HeteroFeatureBinning at a host needs a guest in the job");
        }
        String guest = guests.get(0);
        PaillierPublicKey key = new PaillierPublicKey(new BigInteger(channel.receive(BinningGuest.KEY, "guest", guest,
                BinningGuest.WAIT)), ctx.paillier());
        JsonNode ids = BinningGuest.parse(channel.receive(BinningGuest.IDS, "guest", guest, BinningGuest.WAIT));
        Map<String, Integer> rowOf = new HashMap<>();
        for (int i = 0; i < data.size(); i++) {
            rowOf.put(data.ids().get(i), i);
        }
        int[] cols = s.binCols();
        BigInteger[][] sums = new BigInteger[cols.length][];
        long[][] counts = new long[cols.length][];
        for (int f = 0; f < cols.length; f++) {
            sums[f] = new BigInteger[splits.get(f).bins()];
            Arrays.fill(sums[f], key.zero());
            counts[f] = new long[splits.get(f).bins()];
        }
        JsonNode idList = ids.path("ids");
        int batches = ids.path("batches").asInt();
        int next = 0;
        int joined = 0;
        for (int b = 0; b < batches; b++) {
            List<BigInteger> labels = CiphertextVector.decode(key, channel.receive(BinningGuest.LABELS + b, "guest",
                    guest, BinningGuest.WAIT));
            for (BigInteger c : labels) {
                Integer row = rowOf.get(idList.path(next++).asText());
                if (row == null) {
                    continue;
                }
                joined++;
                double[] x = data.features()[row];
                for (int f = 0; f < cols.length; f++) {
                    int bin = splits.get(f).binOf(x[cols[f]]);
                    sums[f][bin] = key.add(sums[f][bin], c);
                    counts[f][bin]++;
                }
            }
            ctx.checkCancelled();
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
        ctx.log("summed the guest's encrypted labels over " + joined + " shared rows in " + cols.length + " features");
    }
}
