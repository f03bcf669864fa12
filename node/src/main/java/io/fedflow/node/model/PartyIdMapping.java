package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The party ids a model migration replaces, role by role (the i-th party of a role in {@code role} becomes the
 * i-th of the same role in {@code migrate_role}, as FATE pairs them), and the parts of a model it rewrites with
 * them: role dicts, the initiator, runtime confs, and the party-keyed entries inside component models.
 */
public final class PartyIdMapping {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern PARTY_ID = Pattern.compile("\\d{1,10}");
    /** FATE's anonymous feature names carry the owner: {@code host_10000_x3}. */
    private static final Pattern ANONYMOUS = Pattern.compile("(guest|host|arbiter)_(\\d{1,10})_(.*)", Pattern.DOTALL);
    private static final List<String> PARTY_FIELDS = List.of("party_id", "partyId");

    private final Map<String, Map<String, String>> byRole;

    private PartyIdMapping(Map<String, Map<String, String>> byRole) {
        this.byRole = byRole;
    }

    /** Pairs two role dicts; refused (101) unless they have the same roles with the same party counts. */
    public static PartyIdMapping of(Map<String, List<String>> roles, Map<String, List<String>> migrateRoles) {
        if (!roles.keySet().equals(migrateRoles.keySet())) {
            throw FlowException.argument("migrate_role must have the same roles as role: role has " + roles.keySet()
                    + ", migrate_role has " + migrateRoles.keySet());
        }
        Map<String, Map<String, String>> byRole = new TreeMap<>();
        roles.forEach((role, ids) -> {
            List<String> next = migrateRoles.get(role);
            if (next.size() != ids.size()) {
                throw FlowException.argument("migrate_role must have as many parties per role as role: " + role
                        + " has " + ids + " in role, " + next + " in migrate_role");
            }
            Map<String, String> pairs = new LinkedHashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                pairs.put(ids.get(i), next.get(i));
            }
            byRole.put(role, pairs);
        });
        return new PartyIdMapping(byRole);
    }

    /**
     * A role dict ({@code {"guest": [9999], "host": ["10000"]}}) as role to party ids; {@code field} names it
     * in the refusal (101) of anything else.
     */
    public static Map<String, List<String>> roles(JsonNode dict, String field) {
        if (dict == null || !dict.isObject() || dict.isEmpty()) {
            throw FlowException.argument(field + " must be an object of role to party ids, got " + dict);
        }
        Map<String, List<String>> roles = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = dict.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw FlowException.argument(field + "." + e.getKey() + " must be a non-empty list of party ids");
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode id : e.getValue()) {
                String s = id.isIntegralNumber() || id.isTextual() ? id.asText() : "";
                if (!PARTY_ID.matcher(s).matches()) {
                    throw FlowException.argument(field + "." + e.getKey() + " has " + id
                            + ", not a party id (1 to 10 digits)");
                }
                ids.add(s);
            }
            roles.put(e.getKey(), Collections.unmodifiableList(ids));
        }
        return Collections.unmodifiableMap(roles);
    }

    /** FATE's model id of a role dict: sorted {@code role-party_party} joined by '#', then {@code #model}. */
    public static String modelId(Map<String, List<String>> roles) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(roles).forEach((role, ids) -> {
            List<String> sorted = new ArrayList<>(ids);
            Collections.sort(sorted);
            parts.add(role + "-" + String.join("_", sorted));
        });
        return String.join("#", parts) + "#model";
    }

    /** Whether nothing changes: every party keeps its id. */
    public boolean identity() {
        return byRole.values().stream().allMatch(m -> m.entrySet().stream()
                .allMatch(e -> e.getKey().equals(e.getValue())));
    }

    /** The new id of a party of a role; null when it is not a party of that role. */
    public String map(String role, String partyId) {
        Map<String, String> pairs = byRole.get(role);
        return pairs == null ? null : pairs.get(partyId);
    }

    /** A role dict with each party id replaced, numbers staying numbers and strings strings. */
    public JsonNode roleDict(JsonNode dict) {
        if (dict == null || !dict.isObject()) {
            return dict;
        }
        ObjectNode out = NODES.objectNode();
        dict.fields().forEachRemaining(e -> {
            if (!e.getValue().isArray()) {
                out.set(e.getKey(), e.getValue());
                return;
            }
            ArrayNode ids = out.putArray(e.getKey());
            e.getValue().forEach(id -> ids.add(partyId(e.getKey(), id)));
        });
        return out;
    }

    /**
     * A runtime conf under the new parties: its role dict, initiator and {@code local} party replaced, the
     * model id and version of its job parameters (FATE's v2 {@code common} and v1 flat forms) set to the new
     * ones, everything else kept.
     */
    public JsonNode runtimeConf(JsonNode conf, String initiatorRole, String initiatorPartyId, String modelId,
                                String modelVersion) {
        if (conf == null || !conf.isObject()) {
            return conf;
        }
        ObjectNode out = conf.deepCopy();
        if (out.has("role")) {
            out.set("role", roleDict(out.get("role")));
        }
        if (out.path("initiator").isObject()) {
            ObjectNode initiator = (ObjectNode) out.get("initiator");
            initiator.put("role", initiatorRole);
            initiator.set("party_id", sameKind(initiator.get("party_id"), initiatorPartyId));
        }
        if (out.path("local").isObject()) {
            ObjectNode local = (ObjectNode) out.get("local");
            local.set("party_id", partyId(local.path("role").asText(), local.get("party_id")));
        }
        if (out.path("job_parameters").isObject()) {
            ObjectNode params = (ObjectNode) out.get("job_parameters");
            ObjectNode target = params.path("common").isObject() ? (ObjectNode) params.get("common") : params;
            target.put("model_id", modelId);
            target.put("model_version", modelVersion);
        }
        return out;
    }

    /**
     * A component model's param or meta at a party of {@code role}, with the party ids it keys things by
     * replaced: FATE's anonymous names ({@code host_10000_x3}, as values or keys) by their role, and
     * {@code party_id} fields by the role their object names ({@code role}), else the role of the list or
     * object holding them ({@code host_results}, {@code hostColNames}), else {@code role} (the party's own).
     */
    public JsonNode component(JsonNode node, String role) {
        return rewrite(node, role);
    }

    private JsonNode rewrite(JsonNode node, String role) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return NODES.textNode(anonymous(node.textValue()));
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(n -> out.add(rewrite(n, role)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        String own = node.path("role").isTextual() && byRole.containsKey(node.get("role").asText())
                ? node.get("role").asText() : role;
        ObjectNode out = NODES.objectNode();
        node.fields().forEachRemaining(e -> {
            String key = anonymous(e.getKey());
            if (PARTY_FIELDS.contains(e.getKey())) {
                out.set(key, partyId(own, e.getValue()));
            } else {
                out.set(key, rewrite(e.getValue(), roleOf(e.getKey(), own)));
            }
        });
        return out;
    }

    /** The role a field's name says its contents belong to ({@code host_results}: host), else {@code role}. */
    private String roleOf(String field, String role) {
        for (String r : byRole.keySet()) {
            if (field.startsWith(r)) {
                return r;
            }
        }
        return role;
    }

    private String anonymous(String s) {
        Matcher m = ANONYMOUS.matcher(s);
        if (!m.matches()) {
            return s;
        }
        String next = map(m.group(1), m.group(2));
        return next == null ? s : m.group(1) + "_" + next + "_" + m.group(3);
    }

    private JsonNode partyId(String role, JsonNode id) {
        if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
            return id;
        }
        String next = map(role, id.asText());
        return next == null ? id : sameKind(id, next);
    }

    /** As Jackson reads a number: an int when it fits, so that a rewritten tree equals one read back. */
    private static JsonNode sameKind(JsonNode like, String partyId) {
        if (like == null || !like.isNumber()) {
            return NODES.textNode(partyId);
        }
        long id = Long.parseLong(partyId);
        return id <= Integer.MAX_VALUE ? NODES.numberNode((int) id) : NODES.numberNode(id);
    }
}
