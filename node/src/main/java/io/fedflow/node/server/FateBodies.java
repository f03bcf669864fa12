package io.fedflow.node.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * FATE bodies whose shape a proto message cannot take as they come, reshaped before transcoding. Only
 * {@code /v1/service/registry}'s batch form for now: its top-level keys are server names, so a body without
 * {@code server_name} travels whole under {@code batch}.
 */
final class FateBodies {
    private FateBodies() {}

    /** The body to transcode: {@code body} itself, or its reshaped form. */
    static ObjectNode reshape(String path, ObjectNode body) {
        if ("/v1/service/registry".equals(path) && !body.isEmpty() && !body.has("server_name")) {
            ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
            wrapped.set("batch", body);
            return wrapped;
        }
        return body;
    }
}
