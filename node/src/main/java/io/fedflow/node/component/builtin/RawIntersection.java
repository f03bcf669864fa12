package io.fedflow.node.component.builtin;

import io.fedflow.node.component.builtin.Intersection.Ids;
import io.fedflow.node.component.builtin.PeerMessages.Party;
import io.fedflow.node.component.builtin.PeerMessages.StringRun;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;

/**
 * FATE's {@code raw} intersection: the parties that are not the {@code join_role} send their ids (as they
 * are, or hashed with {@code encode_params}) to the joining parties, which intersect; with {@code sync} a
 * joiner sends the intersection back. Not private: the joiner sees every id of the others.
 *
 * <p>Codes travel in chunks of the node's {@code --intersect-chunk-ids}; a party keeps its own codes only as
 * a {@link FingerprintIndex} (24 bytes an id) and the intersection as one bit per row of its table.
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

    private RawIntersection() {}

    /**
     * The joiner's rows (by position in {@code ids}) whose id every sender has; with {@code sync} each sender
     * is told their codes.
     */
    static BitSet join(PeerMessages peers, List<Party> senders, Ids ids, Encoding enc, boolean sync, int chunk) {
        FingerprintIndex own = new FingerprintIndex();
        ids.forEach(id -> own.add(enc.encode(id)));
        own.seal();
        BitSet shared = new BitSet(own.size());
        shared.set(0, own.size());
        for (Party s : senders) {
            BitSet theirs = new BitSet(own.size());
            peers.receiveStringRun(IDS, s, codes -> codes.forEach(c -> own.forEachMatch(c, theirs::set)));
            shared.and(theirs);
        }
        if (sync) {
            StringRun run = peers.stringRun(INTERSECT_IDS, senders, chunk, false);
            int[] row = {0};
            ids.forEach(id -> {
                if (shared.get(row[0]++)) {
                    run.add(enc.encode(id));
                }
            });
            run.finish();
        }
        return shared;
    }

    /**
     * The sender's rows whose id every joiner has, or null without {@code sync} (it is then told nothing and
     * keeps nothing of its ids).
     */
    static BitSet send(PeerMessages peers, List<Party> joiners, Ids ids, Encoding enc, boolean sync, int chunk) {
        FingerprintIndex own = sync ? new FingerprintIndex() : null;
        StringRun run = peers.stringRun(IDS, joiners, chunk, false);
        ids.forEach(id -> {
            String code = enc.encode(id);
            run.add(code);
            if (own != null) {
                own.add(code);
            }
        });
        run.finish();
        if (own == null) {
            return null;
        }
        own.seal();
        BitSet shared = new BitSet(own.size());
        shared.set(0, own.size());
        for (Party j : joiners) {
            // only what this party sent can come back: anything else matches no row and is dropped
            BitSet back = new BitSet(own.size());
            peers.receiveStringRun(INTERSECT_IDS, j, codes -> codes.forEach(c -> own.forEachMatch(c, back::set)));
            shared.and(back);
        }
        return shared;
    }
}
