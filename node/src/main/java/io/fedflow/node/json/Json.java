package io.fedflow.node.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.wire.FateJson;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The node's JSON helper for stored documents: text to a tree (the jsonb side is {@code store.Jsonb}). A
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

}
