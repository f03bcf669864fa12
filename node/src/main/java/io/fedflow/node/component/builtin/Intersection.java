package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.Component;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.ComponentContext.MetricPoint;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.InputRule;
import io.fedflow.node.component.Param;
import io.fedflow.node.component.ParamSpec;
import io.fedflow.node.component.ParamType;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.component.builtin.PeerMessages.Party;
import io.fedflow.node.component.builtin.RawIntersection.Encoding;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * FATE's Intersection: restricts the input table at the guest and at every host to the ids all of them
 * share, keeping the values (or only the keys) and the input's schema. Methods: {@code raw} (plain or hashed
 * ids go to the {@code join_role}) and {@code rsa} (RSA blind signatures: no party learns an id it does not
 * hold). The count goes to tracking as FATE's metric train/intersection.
 *
 * <p>Memory stays flat in table size: ids are read by scans of the input, travel in chunks of the node's
 * {@code --intersect-chunk-ids}, are kept only as 128-bit fingerprints where a party must look them up, and
 * the intersection as one bit per row; the output is a last scan keeping the rows whose bit is set.
 */
public final class Intersection implements Component {
    public static final ComponentDefinition DEFINITION;

    static {
        Map<String, ParamSpec> params = new LinkedHashMap<>();
        params.put("intersect_method", Param.string().oneOf("raw", "rsa"));
        params.put("random_bit", ParamType.INT);
        params.put("sync_intersect_ids", ParamType.BOOL);
        params.put("join_role", Param.string().oneOf("guest", "host"));
        params.put("with_encode", ParamType.BOOL);
        params.put("only_output_key", ParamType.BOOL);
        params.put("encode_params", Param.object()
                .field("encode_method", Param.string().oneOf("none", "md5", "sha1", "sha224", "sha256", "sha384",
                        "sha512", "sm3"))
                .field("salt", ParamType.STRING)
                .field("base64", ParamType.BOOL));
        params.put("rsa_params", Param.object()
                .field("salt", ParamType.STRING)
                .field("hash_method", Param.string().oneOf("sha256", "sha384", "sha512", "sm3"))
                .field("final_hash_method", Param.string().oneOf(IdDigest.ALL.toArray(String[]::new)))
                .field("key_length", Param.integer().atLeast(1024)));
        params.put("intersect_cache_param", Param.object().field("use_cache", Params.offOnly("the intersection cache")));
        params.put("repeated_id_process", Params.offOnly("repeated ids"));
        params.put("repeated_id_owner", ParamType.STRING);
        params.put("allow_info_share", Params.offOnly("info share"));
        params.put("info_owner", ParamType.STRING);
        DEFINITION = new ComponentDefinition("Intersection", List.of("Intersect"), Map.copyOf(params),
                Set.of("guest", "host"), Intersection::new, InputRule.anyOf("one input table under input.data.data", InputRule.data("data")));
    }

    /** The input's ids in table order, read anew (a scan) at each call: a table's ids are never held. */
    @FunctionalInterface
    interface Ids {
        void forEach(Consumer<String> id);
    }

    @Override
    public void run(ComponentContext ctx) {
        Params p = new Params(ctx);
        String method = p.choice("intersect_method", "raw", "raw", "rsa");
        boolean sync = p.bool("sync_intersect_ids", true);
        boolean onlyKey = p.bool("only_output_key", false);
        refuseUnsupported(p);
        TableInput in = Inputs.single(ctx, p, "data");
        if (in == null) {
            throw p.refuse("needs one input table under \"data\" (e.g. data_transform_0.data)");
        }
        Ids ids = id -> ctx.scan(in, (key, value) -> id.accept(key));
        int chunk = ctx.intersectChunkIds();

        Map<String, List<String>> roles = ctx.federation().roles();
        String guest = roles.getOrDefault("guest", List.of()).stream().findFirst()
                .orElseThrow(() -> p.refuse("needs a guest in the job"));
        List<String> hosts = roles.getOrDefault("host", List.of());
        if (hosts.isEmpty()) {
            throw p.refuse("needs at least one host in the job");
        }
        PeerMessages peers = new PeerMessages(ctx.federation(), ctx::checkCancelled);
        boolean isGuest = "guest".equals(ctx.role());
        BitSet shared;
        if ("rsa".equals(method)) {
            RsaIntersection.Settings s = rsaSettings(p.object("rsa_params"));
            ctx.log("rsa intersection of " + in.count() + " ids, " + s.keyLength() + "-bit keys held by the hosts, "
                    + chunk + " ids a message");
            shared = isGuest ? RsaIntersection.guest(peers, hosts, ids, s, sync, chunk)
                    : RsaIntersection.host(peers, guest, ids, s, sync, chunk);
        } else {
            String joinRole = p.choice("join_role", "guest", "guest", "host");
            Encoding enc = p.bool("with_encode", false) ? encoding(p.object("encode_params")) : Encoding.PLAIN;
            ctx.log("raw intersection of " + in.count() + " ids joined at the " + joinRole + ", " + chunk
                    + " ids a message");
            List<Party> others = isGuest ? hosts.stream().map(h -> new Party("host", h)).toList()
                    : List.of(new Party("guest", guest));
            shared = joinRole.equals(ctx.role()) ? RawIntersection.join(peers, others, ids, enc, sync, chunk)
                    : RawIntersection.send(peers, others, ids, enc, sync, chunk);
        }

        if (shared == null) {
            // FATE's behaviour: without sync_intersect_ids this party is never told the intersection
            ctx.log("sync_intersect_ids is false: this party does not learn the intersection and outputs nothing");
            return;
        }
        int repeats = keepFirstRowOfEachId(ids, shared);
        if (repeats > 0) {
            ctx.log("ids are repeated in the input: " + repeats + " later rows of shared ids dropped, the first row "
                    + "of each kept");
        }
        JsonNode schema = in.schema();
        if (onlyKey && schema != null && schema.isObject()) {
            schema = ((ObjectNode) schema.deepCopy()).put("header", "");
        }
        // bits name rows by position: the input is a component's output, which every scan reads in its line
        // order, so this scan meets the rows in the order the protocol's did
        long[] rows = {0};
        ctx.writeTable("data", schema, in.delimiter(), out -> ctx.scan(in, (key, value) -> {
            if (shared.get((int) rows[0]++)) {
                out.row(key, onlyKey ? "" : value);
            }
        }));

        int count = shared.cardinality();
        double rate = rows[0] == 0 ? 0 : (double) count / rows[0];
        ctx.logMetricData("train", "intersection", List.of(
                new MetricPoint("intersect_count", count), new MetricPoint("intersect_rate", rate)));
        ctx.setMetricMeta("train", "intersection", "INTERSECTION", Params.JSON.createObjectNode());
        ObjectNode summary = Params.JSON.createObjectNode();
        summary.put("intersect_num", count);
        summary.put("intersect_rate", rate);
        ctx.setSummary(summary);
        ctx.log("intersection: " + count + " of " + rows[0] + " ids");
    }

    /**
     * Clears the bits of the rows repeating an earlier shared row's id and answers how many. A FATE table holds
     * one row per id, and FATE's intersect_num counts ids: so a repeated id here is kept (and counted) once,
     * at its first row, and every party's output and count agree whoever holds the repeats. One scan when no
     * shared id repeats (24 bytes a shared row, the ids' fingerprints), two when one does.
     */
    static int keepFirstRowOfEachId(Ids ids, BitSet shared) {
        FingerprintIndex index = new FingerprintIndex();
        int[] row = {0};
        ids.forEach(id -> {
            if (shared.get(row[0]++)) {
                index.add(id);
            }
        });
        if (!index.seal().hasRepeats()) {
            return 0;
        }
        int[] at = {0};
        int[] position = {0};
        int[] dropped = {0};
        ids.forEach(id -> {
            int r = at[0]++;
            if (shared.get(r)) {
                if (index.firstPosition(id) < position[0]++) {
                    shared.clear(r);
                    dropped[0]++;
                }
            }
        });
        return dropped[0];
    }

    private static RsaIntersection.Settings rsaSettings(Params rsa) {
        String salt = rsa.str("salt", "");
        String hash = rsa.choice("hash_method", "sha256", "sha256", "sha384", "sha512", "sm3");
        String finalHash = rsa.choice("final_hash_method", "sha256", IdDigest.ALL.toArray(String[]::new));
        int keyLength = rsa.integer("key_length", 1024);
        if (keyLength < 1024) {
            throw rsa.bad("key_length", "must be at least 1024 bits, got " + keyLength);
        }
        return new RsaIntersection.Settings(new IdDigest(hash, salt), new IdDigest(finalHash, ""), keyLength);
    }

    private static Encoding encoding(Params enc) {
        String method = enc.choice("encode_method", "none", "none", "md5", "sha1", "sha224", "sha256", "sha384",
                "sha512", "sm3");
        return "none".equals(method) ? Encoding.PLAIN
                : new Encoding(new IdDigest(method, enc.str("salt", "")), enc.bool("base64", false));
    }

    /** Options that would change the result if ignored are refused rather than silently dropped. */
    private static void refuseUnsupported(Params p) {
        if (p.bool("repeated_id_process", false)) {
            throw p.bad("repeated_id_process", "is not supported: ids must be unique");
        }
        if (p.bool("allow_info_share", false)) {
            throw p.bad("allow_info_share", "is not supported");
        }
        if (p.object("intersect_cache_param").bool("use_cache", false)) {
            throw p.bad("intersect_cache_param", "use_cache is not supported");
        }
    }
}
