package io.fedflow.auth.permission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedflow.auth.AuthJson;
import java.io.IOException;

/**
 * A table named in a permission grant or check.
 *
 * @param namespace table namespace
 * @param name      table name
 */
public record DatasetRef(String namespace, String name) {
    private static final ObjectMapper JSON = AuthJson.MAPPER;

    public DatasetRef {
        if (namespace == null || namespace.isEmpty() || name == null || name.isEmpty()) {
            // FATE-Flow's own wording for a dataset without name or namespace.
            throw new IllegalArgumentException("name " + pythonNone(name) + " or namespace " + pythonNone(namespace)
                    + " is null");
        }
    }

    /**
     * The dataset as FATE-Flow prints it in "check dataset permission failed: ..." and as grants store
     * it: Python's {@code json.dumps({"name": ..., "namespace": ...}, sort_keys=True)}, e.g.
     * {@code {"name": "breast_hetero_guest", "namespace": "experiment"}}.
     */
    public String fateValue() {
        return "{\"name\": " + pythonJsonString(name) + ", \"namespace\": " + pythonJsonString(namespace) + "}";
    }

    /** Reads a {@link #fateValue()} back. */
    public static DatasetRef parseFateValue(String value) {
        try {
            JsonNode node = JSON.readTree(value);
            return new DatasetRef(node.path("namespace").asText(null), node.path("name").asText(null));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a dataset value: " + value, e);
        }
    }

    /** A JSON string as Python's json.dumps writes it (ensure_ascii: every non-ASCII char as \\uXXXX). */
    static String pythonJsonString(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String pythonNone(String value) {
        return value == null ? "None" : value;
    }
}
