package io.fedflow.auth.hook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Input of the {@code signature} hook (FATE's SignatureParameters).
 *
 * @param partyId this (signing) party's id
 * @param body    what to sign: the {@link io.fedflow.auth.site.SiteRequest#canonicalString()} of the call
 */
public record SignatureParameters(String partyId, String body) {
    /** FATE's parameter dict: {@code {"party_id", "body"}}. */
    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("party_id", partyId).put("body", body);
    }
}
