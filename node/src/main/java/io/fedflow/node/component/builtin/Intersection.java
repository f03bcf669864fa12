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
import io.fedflow.node.component.builtin.RawIntersection.Encoding;
import io.fedflow.node.component.builtin.RawIntersection.Party;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FATE's Intersection: restricts the input table at the guest and at every host to the ids all of them
 * share, keeping the values (or only the keys) and the input's schema. Methods: {@code raw} (plain or hashed
 * ids go to the {@code join_role}) and {@code rsa} (RSA blind signatures: no party learns an id it does not
 * hold). The count goes to tracking as FATE's metric train/intersection.
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
        List<String> ids = new ArrayList<>();
        ctx.scan(in, (key, value) -> ids.add(key));

        Map<String, List<String>> roles = ctx.federation().roles();
        String guest = roles.getOrDefault("guest", List.of()).stream().findFirst()
                .orElseThrow(() -> p.refuse("needs a guest in the job"));
        List<String> hosts = roles.getOrDefault("host", List.of());
        if (hosts.isEmpty()) {
            throw p.refuse("needs at least one host in the job");
        }
        PeerMessages peers = new PeerMessages(ctx.federation(), ctx::checkCancelled);
        boolean isGuest = "guest".equals(ctx.role());
        Set<String> shared;
        if ("rsa".equals(method)) {
            RsaIntersection.Settings s = rsaSettings(p.object("rsa_params"));
            ctx.log("rsa intersection of " + ids.size() + " ids, " + s.keyLength() + "-bit keys held by the hosts");
            shared = isGuest ? RsaIntersection.guest(peers, hosts, ids, s, sync)
                    : RsaIntersection.host(peers, guest, ids, s, sync);
        } else {
            String joinRole = p.choice("join_role", "guest", "guest", "host");
            Encoding enc = p.bool("with_encode", false) ? encoding(p.object("encode_params")) : Encoding.PLAIN;
            ctx.log("raw intersection of " + ids.size() + " ids joined at the " + joinRole);
            List<Party> others = isGuest ? hosts.stream().map(h -> new Party("host", h)).toList()
                    : List.of(new Party("guest", guest));
            shared = joinRole.equals(ctx.role()) ? RawIntersection.join(peers, others, ids, enc, sync)
                    : RawIntersection.send(peers, others, ids, enc, sync);
        }

        if (shared == null) {
            // FATE's behaviour: without sync_intersect_ids this party is never told the intersection
            ctx.log("sync_intersect_ids is false: this party does not learn the intersection and outputs nothing");
            return;
        }
        JsonNode schema = in.schema();
        if (onlyKey && schema != null && schema.isObject()) {
            schema = ((ObjectNode) schema.deepCopy()).put("header", "");
        }
        ctx.writeTable("data", schema, in.delimiter(), out -> ctx.scan(in, (key, value) -> {
            if (shared.contains(key)) {
                out.row(key, onlyKey ? "" : value);
            }
        }));

        double rate = ids.isEmpty() ? 0 : (double) shared.size() / ids.size();
        ctx.logMetricData("train", "intersection", List.of(
                new MetricPoint("intersect_count", shared.size()), new MetricPoint("intersect_rate", rate)));
        ctx.setMetricMeta("train", "intersection", "INTERSECTION", Params.JSON.createObjectNode());
        ObjectNode summary = Params.JSON.createObjectNode();
        summary.put("intersect_num", shared.size());
        summary.put("intersect_rate", rate);
        ctx.setSummary(summary);
        ctx.log("intersection: " + shared.size() + " of " + ids.size() + " ids");
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
