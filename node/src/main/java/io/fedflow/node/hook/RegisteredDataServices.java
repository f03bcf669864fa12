package io.fedflow.node.hook;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.DataServiceClient;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.wire.FateJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * ApiReader's data services as registered at this node: a server's {@code upload}, {@code query} and {@code
 * download} services (the latest registration of each), called with their registered method, URL, query
 * parameters and headers over the JDK's HTTP client. A failing call throws a {@link FlowException} with the
 * service's own answer: its HTTP status and body, or its {@code code} and {@code msg}.
 */
public final class RegisteredDataServices implements DataServiceClient {
    static final List<String> SERVICES = List.of("upload", "query", "download");
    /** The most of an answer (upload, query, an error) read into memory; a download streams instead. */
    private static final int MAX_ANSWER = 1 << 20;
    /** The most of an answer quoted in a failure. */
    private static final int QUOTED = 500;
    /** Watches the downloads in progress for a service that went silent; one daemon thread for the node. */
    private static final ScheduledExecutorService IDLE_WATCH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "api-reader-idle-watch");
        t.setDaemon(true);
        return t;
    });

    private final RegistryStore store;
    private final Limits limits;
    private final Path tmpDir;
    private final Duration callTimeout;
    private final HttpClient http;

    public RegisteredDataServices(RegistryStore store, Limits limits, Path tmpDir, Duration callTimeout) {
        this.store = store;
        this.limits = limits;
        this.tmpDir = tmpDir;
        this.callTimeout = callTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(callTimeout).build();
    }

    @Override
    public String unavailable(String serverName) {
        String server = key(serverName);
        if (store.server(server).isEmpty()) {
            return "names server " + server + ", which is not registered at this party: register it with /v1/server/"
                    + server + "/register and its upload, query and download services with /v1/service/registry";
        }
        List<String> missing = new ArrayList<>();
        for (String s : SERVICES) {
            if (store.services(s, server).isEmpty()) {
                missing.add(s);
            }
        }
        return missing.isEmpty() ? null : "names server " + server + ", which has no " + String.join(", ", missing)
                + " service registered at this party (register with /v1/service/registry)";
    }

    @Override
    public String upload(String serverName, String requestBody, IdSource ids) {
        ServiceRegistration s = service(serverName, "upload");
        Path file = null;
        try {
            Files.createDirectories(tmpDir);
            file = Files.createTempFile(tmpDir, "api-reader-ids-", ".txt");
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                ids.writeTo(id -> {
                    out.write(id);
                    out.write('\n');
                });
            }
            String boundary = "fedflow-" + UUID.randomUUID();
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(
                    HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; "
                            + "name=\"file\"; filename=\"id\"\r\nContent-Type: application/octet-stream\r\n\r\n"),
                    HttpRequest.BodyPublishers.ofFile(file),
                    HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
            HttpRequest request = request(s, Map.of("requestBody", requestBody), body)
                    .setHeader("Content-Type", "multipart/form-data; boundary=" + boundary).build();
            JsonNode answer = json(s, send(s, request));
            JsonNode jobId = answer.path("data").path("jobId");
            if (!jobId.isValueNode() || jobId.isNull() || jobId.asText().isBlank()) {
                throw fail(s, "answered code 0 without data.jobId: " + quote(answer.toString()));
            }
            return jobId.asText();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the ids for server " + s.serverName() + " to " + tmpDir
                    + " failed", e);
        } catch (RuntimeException e) {
            // the service's answer, or the task stopped while its ids were read: passed on as they are
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("reading the ids to send to server " + s.serverName() + " failed: " + e,
                    e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover id file in the node's tmp dir is harmless; the task's outcome matters more
                }
            }
        }
    }

    @Override
    public JobState query(String serverName, String jobId) {
        ServiceRegistration s = service(serverName, "query");
        var body = s.data();
        body.put("jobId", jobId);
        HttpRequest request = request(s, Map.of(), HttpRequest.BodyPublishers.ofString(body.toString()))
                .setHeader("Content-Type", "application/json").build();
        JsonNode answer = json(s, send(s, request));
        // FATE reads data.status; seed 003's table puts status at the top: either will do
        JsonNode status = answer.path("data").path("status");
        if (!status.isValueNode()) {
            status = answer.path("status");
        }
        if (!status.isValueNode() || status.asText().isBlank()) {
            throw fail(s, "answered without data.status for job " + jobId + ": " + quote(answer.toString()));
        }
        return new JobState(status.asText(), message(answer));
    }

    @Override
    public Lines download(String serverName, String jobId) {
        ServiceRegistration s = service(serverName, "download");
        String requestBody = FateJson.MAPPER.createObjectNode().put("jobId", jobId).toString();
        HttpRequest request = request(s, Map.of("requestBody", requestBody), HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<InputStream> response = open(s, request);
        if (response.statusCode() != 200) {
            throw fail(s, "answered HTTP " + response.statusCode() + ": " + quote(read(s, response.body())));
        }
        return new DownloadLines(response.body(), limits.apiReaderMaxDownload(), limits.maxLineLength(),
                limits.streamIdleTimeout(), IDLE_WATCH, s.serverName(), s.method() + " " + s.url());
    }

    private ServiceRegistration service(String serverName, String serviceName) {
        String server = key(serverName);
        List<ServiceRegistration> found = store.services(serviceName, server);
        if (found.isEmpty()) {
            throw FlowException.argument("ApiReader: server " + server + " has no " + serviceName
                    + " service registered at this party");
        }
        return found.get(found.size() - 1);
    }

    /** The registered method, URL (with the registered query parameters, then ours) and headers. */
    private HttpRequest.Builder request(ServiceRegistration s, Map<String, String> query,
                                        HttpRequest.BodyPublisher body) {
        Map<String, String> params = new LinkedHashMap<>();
        s.params().properties().forEach(e -> params.put(e.getKey(), e.getValue().isValueNode()
                ? e.getValue().asText() : e.getValue().toString()));
        params.putAll(query);
        StringBuilder url = new StringBuilder(s.url());
        char sep = s.url().contains("?") ? '&' : '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            url.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.toString())).timeout(callTimeout)
                .method(s.method(), body);
        for (Map.Entry<String, JsonNode> h : s.headers().properties()) {
            try {
                b.setHeader(h.getKey(), h.getValue().asText());
            } catch (IllegalArgumentException e) {
                throw fail(s, "cannot be called with its registered header " + h.getKey() + ": " + e.getMessage());
            }
        }
        return b;
    }

    private String send(ServiceRegistration s, HttpRequest request) {
        HttpResponse<InputStream> response = open(s, request);
        String body = read(s, response.body());
        if (response.statusCode() != 200) {
            throw fail(s, "answered HTTP " + response.statusCode() + ": " + quote(body));
        }
        return body;
    }

    private HttpResponse<InputStream> open(ServiceRegistration s, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw fail(s, "could not be called: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(s, "was not answered: the task was interrupted");
        }
    }

    private String read(ServiceRegistration s, InputStream in) {
        try (in) {
            byte[] bytes = in.readNBytes(MAX_ANSWER + 1);
            if (bytes.length > MAX_ANSWER) {
                throw fail(s, "answered more than " + MAX_ANSWER + " bytes where a short JSON answer was expected");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw fail(s, "broke off its answer: " + e);
        }
    }

    /** The answer as JSON with code 0, else the service's code and message. */
    private JsonNode json(ServiceRegistration s, String body) {
        JsonNode answer;
        try {
            answer = FateJson.MAPPER.readTree(body);
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.isObject()) {
            throw fail(s, "answered HTTP 200 with a body that is not a JSON object: " + quote(body));
        }
        JsonNode code = answer.path("code");
        if (!code.isMissingNode() && !(code.isNumber() && code.asInt() == 0 || code.asText().equals("0"))) {
            String msg = message(answer);
            throw fail(s, "answered code " + code.asText() + (msg.isEmpty() ? "" : ": " + msg));
        }
        return answer;
    }

    private static String message(JsonNode answer) {
        for (String field : List.of("msg", "message", "retmsg")) {
            JsonNode m = answer.path(field);
            if (m.isValueNode() && !m.isNull() && !m.asText().isEmpty()) {
                return m.asText();
            }
        }
        return "";
    }

    private static FlowException fail(ServiceRegistration s, String what) {
        return FlowException.data("the " + s.serviceName() + " service of server " + s.serverName() + " ("
                + s.method() + " " + s.url() + ") " + what);
    }

    private static String quote(String body) {
        String oneLine = body.strip();
        return oneLine.length() <= QUOTED ? oneLine : oneLine.substring(0, QUOTED) + "...";
    }

    /** Servers are registered upper-cased, as FATE-Flow keys them. */
    private static String key(String serverName) {
        return serverName.strip().toUpperCase(Locale.ROOT);
    }
}
