package io.fedflow.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;

/** The board's JSON under /board/api of one node, read and posted as its pages do. */
public final class BoardHttp {
    private final FlowHttp http;

    public BoardHttp(FlowHttp http) {
        this.http = http;
    }

    /** GET /board/api/{path}: the envelope, whatever its retcode (HTTP 200 expected). */
    public JsonNode get(String path) {
        return envelope(http.send(HttpRequest.newBuilder(URI.create(http.base() + "/board/api/" + path)).build())
                .body());
    }

    /** The data of GET /board/api/{path}; fails unless the retcode is 0. */
    public JsonNode data(String path) {
        JsonNode e = get(path);
        if (e.path("retcode").asInt(-1) != 0) {
            throw new AssertionError("GET /board/api/" + path + " answered " + e);
        }
        return e.get("data");
    }

    /** POST /board/api/{path} with a JSON body: the envelope. */
    public JsonNode post(String path, String json) {
        return envelope(http.send(HttpRequest.newBuilder(URI.create(http.base() + "/board/api/" + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build()).body());
    }

    private static JsonNode envelope(String body) {
        try {
            return FlowHttp.JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
