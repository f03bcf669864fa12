package io.fedflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedflow.node.wire.FateJson;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A site's public {@code /v1} JSON API as an operator's script reaches it: plain HTTP/1.1, FATE's envelope
 * back. The demo uses nothing else, so what it shows works against any node, in-process or not.
 */
public final class FlowApiClient {
    static final ObjectMapper JSON = FateJson.MAPPER;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;

    public FlowApiClient(String host, int httpPort) {
        this.base = "http://" + host + ":" + httpPort;
    }

    /** POSTs {@code body} (a JSON string, or anything Jackson writes) and returns the envelope. */
    public JsonNode post(String path, Object body) {
        try {
            String json = body instanceof String s ? s : JSON.writeValueAsString(body);
            return JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Uploads a CSV as FATE's client does: one multipart part {@code file}, the conf as the percent-encoded
     * JSON query string. The file is streamed from disk.
     */
    public JsonNode upload(Path csv, String confJson) {
        String boundary = UUID.randomUUID().toString().replace("-", "");
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + csv.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        // URLEncoder writes spaces as '+', which the node (like FATE) does not read as a space.
        String query = URLEncoder.encode(confJson, StandardCharsets.UTF_8).replace("+", "%20");
        try {
            return JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/v1/data/upload?" + query))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
                            HttpRequest.BodyPublishers.ofFile(csv),
                            HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"))).build()));
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException("no file " + csv, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String send(HttpRequest request) throws IOException {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return base;
    }
}
