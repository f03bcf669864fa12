package io.fedflow.node.component.builtin;

import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FATE's {@code raw} intersection: the parties that are not the {@code join_role} send their ids (as they
 * are, or hashed with {@code encode_params}) to the joining parties, which intersect; with {@code sync} a
 * joiner sends the intersection back. Not private: the joiner sees every id of the others.
 */
final class RawIntersection {
    static final String IDS = "raw_ids";
    static final String INTERSECT_IDS = "raw_intersect_ids";

    /**
     * How ids travel: as they are, or FATE's encode_params (a salted hash, hex or base64).
     *
     * @param digest the hash, or null for plain ids
     * @param base64 base64 of the hash rather than hex
     */
    record Encoding(IdDigest digest, boolean base64) {
        static final Encoding PLAIN = new Encoding(null, false);

        String encode(String id) {
            if (digest == null) {
                return id;
            }
            return base64 ? Base64.getEncoder().encodeToString(digest.digest(id)) : digest.hex(id);
        }
    }

    /** A party of the job. */
    record Party(String role, String partyId) {}

    private RawIntersection() {}

    /** The joiner's ids shared with every sender; with {@code sync} each sender is told the intersection. */
    static Set<String> join(PeerMessages peers, List<Party> senders, List<String> ids, Encoding enc, boolean sync) {
        Map<String, String> idByCode = codes(ids, enc);
        Set<String> shared = new LinkedHashSet<>(idByCode.keySet());
        for (Party s : senders) {
            shared.retainAll(new LinkedHashSet<>(peers.receiveStrings(IDS, s.role(), s.partyId())));
        }
        if (sync) {
            for (Party s : senders) {
                peers.sendStrings(INTERSECT_IDS, s.role(), s.partyId(), shared);
            }
        }
        return decode(shared, idByCode);
    }

    /** The sender's ids shared with every joiner, or null without {@code sync} (it is then told nothing). */
    static Set<String> send(PeerMessages peers, List<Party> joiners, List<String> ids, Encoding enc, boolean sync) {
        Map<String, String> idByCode = codes(ids, enc);
        for (Party j : joiners) {
            peers.sendStrings(IDS, j.role(), j.partyId(), idByCode.keySet());
        }
        if (!sync) {
            return null;
        }
        Set<String> shared = new LinkedHashSet<>(idByCode.keySet());
        for (Party j : joiners) {
            // only what this party sent can come back: anything else is dropped by the intersection
            shared.retainAll(new LinkedHashSet<>(peers.receiveStrings(INTERSECT_IDS, j.role(), j.partyId())));
        }
        return decode(shared, idByCode);
    }

    private static Map<String, String> codes(Collection<String> ids, Encoding enc) {
        Map<String, String> idByCode = new HashMap<>();
        for (String id : ids) {
            idByCode.put(enc.encode(id), id);
        }
        return idByCode;
    }

    private static Set<String> decode(Set<String> codes, Map<String, String> idByCode) {
        Set<String> out = new LinkedHashSet<>();
        codes.forEach(c -> out.add(idByCode.get(c)));
        return out;
    }
}
