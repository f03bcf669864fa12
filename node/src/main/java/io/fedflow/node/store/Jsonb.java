package io.fedflow.node.store;

import com.fasterxml.jackson.databind.JsonNode;
import org.jooq.JSONB;

/** A JSON tree as a jsonb column value, for the store classes that write documents. */
public final class Jsonb {
    private Jsonb() {}

    /** A missing tree is JSON null. */
    public static JSONB of(JsonNode node) {
        return JSONB.valueOf(node == null ? "null" : node.toString());
    }
}
