package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.component.Instances;
import io.fedflow.node.component.paillier.CiphertextVector;
import io.fedflow.node.component.paillier.PaillierEncryptor;
import io.fedflow.node.component.paillier.PaillierKeyPair;
import io.fedflow.node.component.paillier.PaillierPrivateKey;
import io.fedflow.node.core.FlowException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The guest's side of hetero binning: it owns the labels and the Paillier key. It sends each host the
 * public key, the row ids and the labels encrypted (in batches), and gets back per host feature and bin
 * the row count and the homomorphic sum of the encrypted labels, from which it computes the host
 * features' WOE and IV. The host sees only ciphertexts, never a label; the guest sees only per-bin
 * totals, never a host value or split point.
 */
final class BinningGuest {
    static final String KEY = "binning.public_key";
    static final String IDS = "binning.ids";
    static final String LABELS = "binning.labels.";
    static final String HOST_BINS = "binning.host_bins";
    static final String HOST_SUMS = "binning.host_sums";
    /** Ciphertexts per message: 4096 of a 1024-bit key are 1 MiB. */
    static final int BATCH = 4096;
    static final Duration WAIT = Duration.ofMinutes(30);

    /** One host's features as the guest knows them: anonymous names and their WOE/IV. */
    record HostFeatures(String partyId, List<String> names, List<WoeIv> stats) {}

    private BinningGuest() {}

    static List<HostFeatures> exchange(ComponentContext ctx, Instances data, BinningSettings s) {
        FederationChannel channel = ctx.federation();
        List<String> hosts = channel.roles().getOrDefault("host", List.of());
        if (hosts.isEmpty()) {
            return List.of();
        }
        SecureRandom random = new SecureRandom();
        PaillierKeyPair keys = PaillierKeyPair.generate(s.keyBits(), random, ctx.paillier());
        PaillierEncryptor enc = new PaillierEncryptor(keys.privateKey(), random);
        double[] labels = data.labels();
        List<byte[]> batches = new ArrayList<>();
        for (int from = 0; from < labels.length; from += BATCH) {
            int start = from;
            int end = Math.min(labels.length, from + BATCH);
            // encryption is the cost here: spread a batch over the cores
            List<BigInteger> cs = IntStream.range(start, end).parallel()
                    .mapToObj(i -> enc.encrypt((long) labels[i])).toList();
            batches.add(CiphertextVector.encode(keys.publicKey(), cs));
            ctx.checkCancelled();
        }
        ObjectNode ids = Params.JSON.createObjectNode();
        ids.put("count", labels.length);
        ids.put("batches", batches.size());
        ArrayNode idList = ids.putArray("ids");
        data.ids().forEach(idList::add);
        byte[] idBytes = bytes(ids);
        for (String host : hosts) {
            channel.send(KEY, "host", host, keys.publicKey().n().toByteArray());
            channel.send(IDS, "host", host, idBytes);
            for (int b = 0; b < batches.size(); b++) {
                channel.send(LABELS + b, "host", host, batches.get(b));
            }
        }
        ctx.log("sent " + labels.length + " labels encrypted with a " + s.keyBits() + "-bit Paillier key to hosts "
                + hosts);
        List<HostFeatures> out = new ArrayList<>();
        for (String host : hosts) {
            out.add(receive(channel, host, keys.privateKey(), s.adjustmentFactor()));
        }
        return out;
    }

    private static HostFeatures receive(FederationChannel channel, String host, PaillierPrivateKey key,
                                        double adjustment) {
        JsonNode bins = parse(channel.receive(HOST_BINS, "host", host, WAIT));
        List<BigInteger> sums = CiphertextVector.decode(key.publicKey(), channel.receive(HOST_SUMS, "host", host,
                WAIT));
        List<String> names = new ArrayList<>();
        List<WoeIv> stats = new ArrayList<>();
        int k = 0;
        for (JsonNode f : bins.path("features")) {
            names.add("host_" + host + "_x" + f.path("index").asInt());
            JsonNode counts = f.path("counts");
            long[] events = new long[counts.size()];
            long[] nonEvents = new long[counts.size()];
            for (int b = 0; b < counts.size(); b++) {
                if (k >= sums.size()) {
                    throw FlowException.data("host " + host + " sent fewer label sums than bins");
                }
                events[b] = key.decrypt(sums.get(k++)).longValueExact();
                nonEvents[b] = counts.get(b).asLong() - events[b];
                if (events[b] < 0 || nonEvents[b] < 0) {
                    throw FlowException.data("host " + host + " sent a bin whose label sum exceeds its count");
                }
            }
            stats.add(WoeIv.of(events, nonEvents, adjustment));
        }
        return new HostFeatures(host, List.copyOf(names), List.copyOf(stats));
    }

    static byte[] bytes(JsonNode json) {
        try {
            return Params.JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode parse(byte[] bytes) {
        try {
            return Params.JSON.readTree(bytes);
        } catch (IOException e) {
            throw FlowException.data("a binning message is not JSON: " + e.getMessage());
        }
    }
}
