package io.fedflow.node.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.wire.FateJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jooq.JSONB;

/**
 * The node's JSON helpers for stored documents: text to a tree and a tree to a jsonb column value. A
 * neutral package below every domain, so that {@code data}, {@code tracking} and {@code job} share them
 * without importing each other.
 */
public final class Json {
    private Json() {}

    /** A stored JSON document (a jsonb column or a file); malformed text is a bug, not user input. */
    public static JsonNode parse(String json) {
        try {
            return FateJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tree as a jsonb column value; a missing tree is JSON null. */
    public static JSONB jsonb(JsonNode node) {
        return JSONB.valueOf(node == null ? "null" : node.toString());
    }
}
