package io.fedflow.node.board;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Get;
import io.fedflow.auth.permission.Grant;
import io.fedflow.auth.permission.GrantStore;
import io.fedflow.node.federation.Peer;
import io.fedflow.node.federation.PeerDirectory;
import io.fedflow.node.wire.FateJson;
import java.util.Locale;

/**
 * The board's sites: {@code {party_id, peers: [...], grants: [...]}}, this site's party, the peers it signs
 * calls to and accepts calls from, and what it grants each party (FATE's permission grants).
 */
@Blocking
public final class SitesApi {
    private final String partyId;
    private final PeerDirectory peers;
    private final GrantStore grants;

    public SitesApi(String partyId, PeerDirectory peers, GrantStore grants) {
        this.partyId = partyId;
        this.peers = peers;
        this.grants = grants;
    }

    @Get("/sites")
    public HttpResponse sites() {
        ObjectNode data = FateJson.MAPPER.createObjectNode().put("party_id", partyId);
        ArrayNode peerRows = data.putArray("peers");
        for (Peer p : peers.all()) {
            peerRows.addObject().put("party_id", p.partyId()).put("host", p.host()).put("port", p.port())
                    .put("tls", p.tls()).put("public_key", p.publicKey());
        }
        ArrayNode grantRows = data.putArray("grants");
        for (Grant g : grants.all()) {
            grantRows.addObject().put("party_id", g.partyId()).put("src_role", g.srcRole())
                    .put("type", g.type().name().toLowerCase(Locale.ROOT)).put("value", g.value());
        }
        return BoardJson.ok(data);
    }
}
