package io.fedflow.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** A real HTTP/1.1 client sending what FATE's Python client sends. */
public final class FlowHttp {
    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;

    public FlowHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** POST with a JSON body; returns the raw answer. */
    public HttpResponse<String> postRaw(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public JsonNode post(String path, String body) {
        HttpResponse<String> r = postRaw(path, body);
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (HTTP " + r.statusCode() + "): " + r.body(), e);
        }
    }

    public JsonNode post(String path, Object body) {
        try {
            return post(path, JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * FATE's upload as python requests + MultipartEncoder send it: one part "file", boundary of 32 hex
     * characters, the conf JSON (json.dumps spacing) percent-encoded as the whole query string, with
     * requests' safe characters left raw.
     */
    public HttpResponse<String> pythonUpload(Path file, String confJson) {
        String boundary = HexFormat.of().formatHex(randomBytes(16));
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        byte[] body = concat(head.getBytes(StandardCharsets.UTF_8), content, tail.getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(base + "/v1/data/upload?" + requestsQuote(confJson)))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("User-Agent", "python-urllib3/1.26.12")
                .header("Accept-Encoding", "identity")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /**
     * FATE's model import as python requests sends it: every conf key a form field (strings; {@code file} the
     * client's path), then the archive as a second part named file with a filename and no Content-Type.
     */
    public HttpResponse<String> pythonModelImport(Map<String, String> fields, String fileName, byte[] archive) {
        String boundary = HexFormat.of().formatHex(randomBytes(16));
        StringBuilder head = new StringBuilder();
        fields.forEach((k, v) -> head.append("--").append(boundary)
                .append("\r\nContent-Disposition: form-data; name=\"").append(k).append("\"\r\n\r\n").append(v).append("\r\n"));
        head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
                .append(fileName).append("\"\r\n\r\n");
        String tail = "\r\n--" + boundary + "--\r\n";
        byte[] body = concat(head.toString().getBytes(StandardCharsets.UTF_8), archive,
                tail.getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(base + "/v1/model/import"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("User-Agent", "python-urllib3/1.26.12")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** A GET with a JSON body, as FATE's client sends the model export and the output data download. */
    public HttpResponse<byte[]> getWithBody(String path, Object body) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json")
                    .method("GET", HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** requests' requote_uri: percent-encodes everything outside its safe set, UTF-8 bytes included. */
    public static String requestsQuote(String s) {
        String safe = "!#$%&'()*+,/:;=?@[]~";
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._".indexOf(c) >= 0 || safe.indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    public HttpResponse<String> send(HttpRequest req) {
        try {
            return client.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient client() {
        return client;
    }

    public String base() {
        return base;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }
}
