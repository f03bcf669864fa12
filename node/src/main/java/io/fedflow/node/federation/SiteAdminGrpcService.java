package io.fedflow.node.federation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.Responses;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.KeyRequest;
import io.fedflow.proto.v1.PeerRequest;
import io.fedflow.proto.v1.SiteKeyRequest;
import io.fedflow.proto.v1.SiteServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * gRPC adapter of the site administration: this site's public key, the peer table, and FATE's
 * {@code /v1/key/...} calls read as operations on that same table.
 *
 * <p>FATE keeps partners' keys in a table of their own; here a peer's key is part of its route entry, so
 * {@code key/public/save} for a party that is not a peer yet is refused (it would be a key with nowhere to
 * call), with a message pointing at {@code /v1/site/peer/add}; {@code key/public/delete} removes the peer,
 * since a peer without a key cannot be authenticated. FATE's {@code key/query} serves the private key on
 * {@code key_name=private}; this one never does.
 */
public final class SiteAdminGrpcService extends SiteServiceGrpc.SiteServiceImplBase {
    private static final String PARTY_ID = "\\d{1,10}";

    private final String partyId;
    private final SiteKeys keys;
    private final Path keysDir;
    private final PeerDirectory peers;

    public SiteAdminGrpcService(String partyId, SiteKeys keys, Path keysDir, PeerDirectory peers) {
        this.partyId = partyId;
        this.keys = keys;
        this.keysDir = keysDir;
        this.peers = peers;
    }

    @Override
    public void key(SiteKeyRequest request, StreamObserver<FlowResponse> out) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("party_id", partyId);
        d.put("public_key", keys.publicKeyPem());
        d.put("public_key_base64", keys.publicKeyBase64());
        d.put("public_key_file", keysDir.resolve(SiteKeys.PUBLIC_KEY_FILE).toString());
        // The path, so an operator knows what to back up; the key itself never leaves the file.
        d.put("private_key_file", keysDir.resolve(SiteKeys.PRIVATE_KEY_FILE).toString());
        reply(out, Responses.ok(d));
    }

    @Override
    public void addPeer(PeerRequest r, StreamObserver<FlowResponse> out) {
        requireParty(r.getPartyId());
        requireNotSelf(r.getPartyId(), "added as a peer");
        Peer peer;
        try {
            peer = new Peer(r.getPartyId(), r.getHost(), r.getPort(), r.getPublicKey(), r.getTls());
        } catch (IllegalArgumentException e) {
            throw FlowException.argument(explainKey(e.getMessage()));
        }
        peers.put(peer);
        reply(out, Responses.ok(view(peer)));
    }

    @Override
    public void deletePeer(PeerRequest r, StreamObserver<FlowResponse> out) {
        requireParty(r.getPartyId());
        Peer gone = existing(r.getPartyId());
        removeOrNotFound(gone);
        reply(out, Responses.ok(view(gone)));
    }

    @Override
    public void queryPeers(PeerRequest r, StreamObserver<FlowResponse> out) {
        List<Peer> found;
        if (r.getPartyId().isEmpty()) {
            found = peers.all();
        } else {
            requireParty(r.getPartyId());
            found = List.of(existing(r.getPartyId()));
        }
        reply(out, Responses.ok(views(found)));
    }

    @Override
    public void reloadPeers(SiteKeyRequest request, StreamObserver<FlowResponse> out) {
        try {
            peers.reload();
        } catch (IllegalArgumentException e) {
            throw FlowException.data("reload refused, the peer table in force is unchanged: " + e.getMessage());
        }
        List<Peer> now = peers.all();
        reply(out, Responses.ok("reloaded " + now.size() + " peer(s) from " + peers.file(), views(now), null));
    }

    @Override
    public void savePublicKey(KeyRequest r, StreamObserver<FlowResponse> out) {
        requireParty(r.getPartyId());
        requireNotSelf(r.getPartyId(), "given a key over the API: its key pair is in " + keysDir);
        if (r.getKey().isBlank()) {
            throw FlowException.argument("required argument are missing: key");
        }
        if (isRsa(r.getKey())) {
            // FATE-Flow's site keys are RSA: saying only "bad key" would hide that the peer is not a Fedflow site
            throw new FlowException(RetCode.INCOMPATIBLE_FATE_VER, FailureKind.BAD_REQUEST, "the key of party "
                    + r.getPartyId() + " is an RSA key, as a FATE-Flow site's: Fedflow sites sign with Ed25519 keys "
                    + "(PEM 'BEGIN PUBLIC KEY' or base64 of its 32 bytes, see `flow site key` at that site); "
                    + "a FATE-Flow site cannot federate with a Fedflow site", null);
        }
        Peer peer;
        try {
            peer = peers.replaceKey(r.getPartyId(), r.getKey()).orElseThrow(() -> FlowException.notFound(
                    "party " + r.getPartyId() + " is not a peer of this site; add it with its address first: "
                            + "POST /v1/site/peer/add {party_id, host, port, public_key} "
                            + "(flow site peer add)"));
        } catch (IllegalArgumentException e) {
            throw FlowException.argument(explainKey(e.getMessage()));
        }
        reply(out, Responses.ok(view(peer)));
    }

    @Override
    public void queryKey(KeyRequest r, StreamObserver<FlowResponse> out) {
        requireParty(r.getPartyId());
        String name = r.getKeyName().isBlank() ? "public" : r.getKeyName().strip().toLowerCase(Locale.ROOT);
        if (name.equals("private")) {
            throw new FlowException(RetCode.PERMISSION_ERROR,
                    "a private key is never served: it stays in this site's key file");
        }
        if (!name.equals("public")) {
            throw FlowException.argument("key_name must be public or private, got " + r.getKeyName());
        }
        // FATE answers the PEM itself as data; a peer's key given as base64 is shown as PEM too.
        String pem = r.getPartyId().equals(partyId)
                ? keys.publicKeyPem()
                : SiteKeys.publicKeyPem(existing(r.getPartyId()).key());
        reply(out, Responses.ok(JsonNodeFactory.instance.textNode(pem)));
    }

    @Override
    public void deletePublicKey(KeyRequest r, StreamObserver<FlowResponse> out) {
        requireParty(r.getPartyId());
        requireNotSelf(r.getPartyId(), "deleted: its key pair is in " + keysDir);
        Peer gone = existing(r.getPartyId());
        removeOrNotFound(gone);
        reply(out, Responses.ok("the key of party " + gone.partyId() + " was deleted with its peer entry "
                + "(a peer without a key cannot be authenticated)", view(gone), null));
    }

    /** A concurrent delete may win between the look-up and the removal; the loser is told, not answered ok. */
    private void removeOrNotFound(Peer peer) {
        if (!peers.remove(peer.partyId())) {
            throw FlowException.notFound("party " + peer.partyId() + " is not a peer of this site");
        }
    }

    private Peer existing(String party) {
        return peers.find(party).orElseThrow(() ->
                FlowException.notFound("party " + party + " is not a peer of this site"));
    }

    private static void requireParty(String party) {
        if (party.isEmpty()) {
            throw FlowException.argument("required argument are missing: party_id");
        }
        if (!party.matches(PARTY_ID)) {
            throw FlowException.argument("party_id must be 1 to 10 digits, got " + party);
        }
    }

    private void requireNotSelf(String party, String what) {
        if (party.equals(partyId)) {
            throw FlowException.argument("party " + party + " is this site and cannot be " + what);
        }
    }

    /** Key parse errors say what was wrong but not what is expected; add it. */
    /** A PKCS#1 RSA key, or an X.509 one whose algorithm is RSA (FATE-Flow's site keys are either). */
    private static boolean isRsa(String key) {
        if (key.contains("BEGIN RSA PUBLIC KEY")) {
            return true;
        }
        try {
            SiteKeys.parsePublicKey(key);
            return false;
        } catch (IllegalArgumentException e) {
            return String.valueOf(e.getMessage()).contains("RSAKeyParameters");
        }
    }

    private static String explainKey(String message) {
        boolean aboutKey = message.contains("key") || message.contains("PEM") || message.contains("base64");
        return aboutKey && !message.startsWith("public_key of party")
                ? "public_key must be an Ed25519 public key (PEM 'BEGIN PUBLIC KEY' or base64 of its 32 bytes): "
                        + message
                : message;
    }

    private static ArrayNode views(List<Peer> list) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        list.forEach(p -> a.add(view(p)));
        return a;
    }

    private static ObjectNode view(Peer p) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("party_id", p.partyId());
        o.put("host", p.host());
        o.put("port", p.port());
        o.put("public_key", p.publicKey());
        o.put("tls", p.tls());
        return o;
    }

    private static void reply(StreamObserver<FlowResponse> out, FlowResponse r) {
        out.onNext(r);
        out.onCompleted();
    }
}
