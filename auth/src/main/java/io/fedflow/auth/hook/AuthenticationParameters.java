package io.fedflow.auth.hook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Input of the {@code site_authentication} hook (FATE's AuthenticationParameters).
 *
 * @param srcPartyId    the calling party
 * @param siteSignature the signature it sent
 * @param body          what it must have signed: the canonical string rebuilt from the headers and the actual bytes
 */
public record AuthenticationParameters(String srcPartyId, String siteSignature, String body) {
    /** FATE's parameter dict: {@code {"src_party_id", "site_signature", "body"}}. */
    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode()
                .put("src_party_id", srcPartyId)
                .put("site_signature", siteSignature)
                .put("body", body);
    }
}
