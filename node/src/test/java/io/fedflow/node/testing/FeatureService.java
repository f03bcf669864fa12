package io.fedflow.node.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.common.multipart.AggregatedBodyPart;
import com.linecorp.armeria.common.multipart.Multipart;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A third-party data service as seed 003 describes it, on a random loopback port: {@code upload} takes a
 * multipart id file and a {@code requestBody} query parameter and answers a jobId, {@code query} says running
 * and then success, {@code download} answers a CSV (header, ids first) of the features it holds for the ids
 * uploaded. Every call must carry the registered API key header. A {@link Mode} makes one step fail.
 */
public final class FeatureService implements AutoCloseable {
    public static final String API_KEY_HEADER = "X-Api-Key";
    public static final String API_KEY = "k-3f9a";
    public static final String JOB_ID = "feature-job-7";

    /** What the service does wrong, if anything. */
    public enum Mode {
        SERVE, UPLOAD_REFUSED, QUERY_FAILED, QUERY_RUNNING_FOREVER, DOWNLOAD_HUGE
    }

    private final Mode mode;
    private final String header;
    private final Map<String, String> rows = new LinkedHashMap<>();
    private final Server server;
    /** The ids each upload carried, in the order of its file. */
    public final List<String> uploadedIds = new CopyOnWriteArrayList<>();
    /** The requestBody query parameter of each upload. */
    public final List<String> requestBodies = new CopyOnWriteArrayList<>();
    /** The jobIds the query and download calls named, in order. */
    public final List<String> queried = new CopyOnWriteArrayList<>();
    public final List<String> downloaded = new CopyOnWriteArrayList<>();
    private final AtomicInteger queries = new AtomicInteger();

    private FeatureService(Mode mode, Path featuresCsv) {
        this.mode = mode;
        try {
            List<String> lines = Files.readAllLines(featuresCsv);
            this.header = lines.get(0);
            lines.subList(1, lines.size()).forEach(l -> rows.put(l.substring(0, l.indexOf(',')), l));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.server = Server.builder().localPort(0, SessionProtocol.HTTP)
                .service("/api/upload", keyed(this::upload))
                .service("/api/status", keyed(this::query))
                .service("/api/features", keyed(this::download))
                .build();
        server.start().join();
    }

    /** Starts the service over the rows of {@code featuresCsv} (its first line is the header). */
    public static FeatureService start(Mode mode, Path featuresCsv) {
        return new FeatureService(mode, featuresCsv);
    }

    public int port() {
        return server.activeLocalPort();
    }

    /** The line the service holds for an id (id first), as it serves it. */
    public String row(String id) {
        return rows.get(id);
    }

    public String header() {
        return header;
    }

    /**
     * Registers this service at a node as a FATE user would: the server, then upload (POST), query (POST) and
     * download (GET) with the API key as a registered header.
     */
    public void register(FlowHttp h, String serverName) {
        register(h, serverName, port());
    }

    /** The same registration pointing at {@code port} (a port nothing listens on, for a service that is down). */
    public static void register(FlowHttp h, String serverName, int port) {
        JsonNode s = h.post("/v1/server/" + serverName + "/register",
                "{\"host\": \"127.0.0.1\", \"port\": " + port + ", \"protocol\": \"http\"}");
        assertThat(s.get("retcode").asInt()).as(s.toString()).isZero();
        String[][] services = {{"upload", "/api/upload", "POST"}, {"query", "/api/status", "POST"},
            {"download", "/api/features", "GET"}};
        for (String[] svc : services) {
            JsonNode r = h.post("/v1/service/registry", "{\"server_name\": \"" + serverName + "\", \"service_name\": \""
                    + svc[0] + "\", \"uri\": \"" + svc[1] + "\", \"method\": \"" + svc[2] + "\", \"protocol\": \"http\", "
                    + "\"headers\": {\"" + API_KEY_HEADER + "\": \"" + API_KEY + "\"}}");
            assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        }
    }

    /** Refuses a call without the API key, as a real service would. */
    private static HttpService keyed(HttpService service) {
        return (ctx, req) -> API_KEY.equals(req.headers().get(API_KEY_HEADER)) ? service.serve(ctx, req)
                : HttpResponse.of(HttpStatus.UNAUTHORIZED, MediaType.JSON_UTF_8, "{\"code\": 401, \"msg\": \"no api key\"}");
    }

    private HttpResponse upload(ServiceRequestContext ctx,
                                HttpRequest req) {
        String requestBody = QueryParams.fromQueryString(ctx.query()).get("requestBody");
        return HttpResponse.of(Multipart.from(req).aggregate().thenApply(parts -> {
            requestBodies.add(String.valueOf(requestBody));
            AggregatedBodyPart file = parts.field("file");
            if (file == null) {
                return json(HttpStatus.BAD_REQUEST, "{\"code\": 400, \"msg\": \"no part file\"}");
            }
            file.contentUtf8().lines().filter(l -> !l.isEmpty()).forEach(uploadedIds::add);
            if (mode == Mode.UPLOAD_REFUSED) {
                return json(HttpStatus.OK, "{\"code\": 1001, \"msg\": \"quota exceeded for this month\"}");
            }
            return json(HttpStatus.OK, "{\"code\": 0, \"message\": \"success\", \"data\": {\"jobId\": \"" + JOB_ID
                    + "\"}}");
        }));
    }

    private HttpResponse query(ServiceRequestContext ctx,
                               HttpRequest req) {
        return HttpResponse.of(req.aggregate().thenApply((AggregatedHttpRequest whole) -> {
            try {
                queried.add(FlowHttp.JSON.readTree(whole.contentUtf8()).path("jobId").asText());
            } catch (IOException e) {
                return json(HttpStatus.BAD_REQUEST, "{\"code\": 400, \"msg\": \"not json\"}");
            }
            int n = queries.incrementAndGet();
            String status = switch (mode) {
                case QUERY_FAILED -> n == 1 ? "running" : "failed";
                case QUERY_RUNNING_FOREVER -> "running";
                default -> n == 1 ? "running" : "success";
            };
            ObjectNode answer = FlowHttp.JSON.createObjectNode().put("code", 0);
            answer.put("message", status.equals("failed") ? "source table feature_202201 is missing" : "ok");
            answer.putObject("data").put("status", status);
            return json(HttpStatus.OK, answer.toString());
        }));
    }

    private HttpResponse download(ServiceRequestContext ctx,
                                  HttpRequest req) {
        String requestBody = QueryParams.fromQueryString(ctx.query()).get("requestBody", "{}");
        try {
            downloaded.add(FlowHttp.JSON.readTree(requestBody).path("jobId").asText());
        } catch (IOException e) {
            return json(HttpStatus.BAD_REQUEST, "{\"code\": 400, \"msg\": \"requestBody is not json\"}");
        }
        StringBuilder csv = new StringBuilder(header).append('\n');
        List<String> ids = new ArrayList<>(uploadedIds);
        if (mode == Mode.DOWNLOAD_HUGE) {
            // several times what it holds (about 300 KB): past the cap a test sets
            for (int i = 0; i < 5; i++) {
                ids.addAll(rows.keySet());
            }
        }
        // ids it holds nothing for are left out, as a feature service would
        ids.stream().filter(rows::containsKey).forEach(id -> csv.append(rows.get(id)).append('\n'));
        return HttpResponse.of(HttpStatus.OK, MediaType.CSV_UTF_8, csv.toString());
    }

    private static HttpResponse json(HttpStatus status, String body) {
        return HttpResponse.of(status, MediaType.JSON_UTF_8, body);
    }

    @Override
    public void close() {
        server.stop().join();
    }
}
