package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.component.paillier.CiphertextVector;
import io.fedflow.node.component.paillier.PaillierEncryptor;
import io.fedflow.node.component.paillier.PaillierKeyPair;
import io.fedflow.node.component.paillier.PaillierPrivateKey;
import io.fedflow.node.component.paillier.ParallelWork;
import io.fedflow.node.core.FlowException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * The guest's side of hetero binning: it owns the labels and the Paillier key. It sends each host the
 * public key and the row count, then the row ids and the labels encrypted, a chunk at a time as its scan
 * reaches them ({@code --binning-chunk-rows} rows a message, so neither side holds more than a chunk), and
 * gets back per host feature and bin the row count and the homomorphic sum of the encrypted labels, from
 * which it computes the host features' WOE and IV. The host sees only ciphertexts, never a label; the
 * guest sees only per-bin totals, never a host value or split point.
 */
final class BinningGuest {
    static final String KEY = "binning.public_key";
    /** {"count": rows, "chunks": messages}: what the host is to receive. */
    static final String COUNT = "binning.count";
    /** Chunk i's ids, {"ids": [...]}, under this prefix and i. */
    static final String IDS = "binning.ids.";
    /** Chunk i's encrypted labels, in the order of its ids, under this prefix and i. */
    static final String LABELS = "binning.labels.";
    static final String HOST_BINS = "binning.host_bins";
    static final String HOST_SUMS = "binning.host_sums";
    static final Duration WAIT = Duration.ofMinutes(30);

    /** One host's features as the guest knows them: anonymous names and their WOE/IV. */
    record HostFeatures(String partyId, List<String> names, List<WoeIv> stats) {}

    private final ComponentContext ctx;
    private final FederationChannel channel;
    private final List<String> hosts;
    private final BinningSettings settings;
    private final PaillierKeyPair keys;
    private final PaillierEncryptor enc;
    private final long count;
    private final int chunkRows;
    private final List<String> ids = new ArrayList<>();
    private final long[] labels;
    private int chunks;
    private long sent;

    /**
     * The guest's Paillier key, drawn in the background from now on: the component's first scan runs
     * meanwhile, so the key is usually ready when the exchange starts (a 1024-bit key is about four prime
     * searches of tens of ms each).
     */
    static CompletableFuture<PaillierKeyPair> keyAhead(ComponentContext ctx, BinningSettings s) {
        return CompletableFuture.supplyAsync(() -> PaillierKeyPair.generate(s.keyBits(), new SecureRandom(),
                ctx.paillier()), r -> {
                    Thread t = new Thread(r, "binning-key");
                    t.setDaemon(true);
                    t.start();
                });
    }

    /** Takes the key drawn by {@link #keyAhead} and announces it and the row count to every host. */
    BinningGuest(ComponentContext ctx, List<String> hosts, BinningSettings s, long count,
                 CompletableFuture<PaillierKeyPair> key) {
        this.ctx = ctx;
        this.channel = ctx.federation();
        this.hosts = hosts;
        this.settings = s;
        this.count = count;
        this.chunkRows = ctx.binningChunkRows();
        this.labels = new long[(int) Math.max(1, Math.min(chunkRows, count))];
        SecureRandom random = new SecureRandom();
        this.keys = key.join();
        this.enc = new PaillierEncryptor(keys.privateKey(), random);
        ObjectNode head = Params.JSON.createObjectNode();
        head.put("count", count);
        head.put("chunks", (count + chunkRows - 1) / chunkRows);
        for (String host : hosts) {
            channel.send(KEY, "host", host, keys.publicKey().n().toByteArray());
            channel.send(COUNT, "host", host, bytes(head));
        }
    }

    /** The hosts of the job, or none (then there is nothing to exchange). */
    static List<String> hosts(ComponentContext ctx) {
        return ctx.federation().roles().getOrDefault("host", List.of());
    }

    /** The next row of the guest's scan: sent with its chunk once the chunk is full. */
    void add(String id, double label) {
        ids.add(id);
        labels[ids.size() - 1] = (long) label;
        if (ids.size() == chunkRows) {
            flush();
        }
    }

    /** Sends the last chunk, then waits for each host's bin counts and label sums. */
    List<HostFeatures> finish() {
        if (!ids.isEmpty()) {
            flush();
        }
        if (sent != count) {
            throw FlowException.data("the guest's table changed while HeteroFeatureBinning read it: " + sent
                    + " rows, announced " + count);
        }
        ctx.log("sent " + sent + " labels encrypted with a " + settings.keyBits() + "-bit Paillier key to hosts "
                + hosts + " in " + chunks + " chunks of at most " + chunkRows);
        List<HostFeatures> out = new ArrayList<>();
        for (String host : hosts) {
            out.add(receive(channel, host, keys.privateKey(), settings.adjustmentFactor()));
        }
        return out;
    }

    private void flush() {
        int n = ids.size();
        // encryption is the cost here: spread a chunk over the cores
        List<BigInteger> cs = ParallelWork.call(() -> IntStream.range(0, n).parallel()
                .mapToObj(i -> enc.encrypt(labels[i])).toList());
        ArrayNode idList = Params.JSON.createObjectNode().putArray("ids");
        ids.forEach(idList::add);
        byte[] idBytes = bytes(Params.JSON.createObjectNode().set("ids", idList));
        byte[] labelBytes = CiphertextVector.encode(keys.publicKey(), cs);
        for (String host : hosts) {
            channel.send(IDS + chunks, "host", host, idBytes);
            channel.send(LABELS + chunks, "host", host, labelBytes);
        }
        chunks++;
        sent += n;
        ids.clear();
        ctx.checkCancelled();
    }

    private static HostFeatures receive(FederationChannel channel, String host, PaillierPrivateKey key,
                                        double adjustment) {
        JsonNode bins = parse(channel.receive(HOST_BINS, "host", host, WAIT));
        List<BigInteger> sums = CiphertextVector.decode(key.publicKey(), channel.receive(HOST_SUMS, "host", host,
                WAIT));
        // the decryptions are the cost here (one a bin): over the cores, in the host's order
        List<BigInteger> plain = ParallelWork.call(() -> sums.parallelStream().map(key::decrypt).toList());
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
                events[b] = plain.get(k++).longValueExact();
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
