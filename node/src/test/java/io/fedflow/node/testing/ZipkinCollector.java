package io.fedflow.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.encoding.DecodingService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Zipkin-compatible collector on loopback: takes what nodes export to {@code POST /api/v2/spans} (Zipkin's
 * v2 JSON) and keeps the spans in memory for the test to read. Start it before the nodes that export to it.
 */
public final class ZipkinCollector implements AutoCloseable {
    private final List<JsonNode> spans = new CopyOnWriteArrayList<>();
    private final Server server;

    private ZipkinCollector() {
        this.server = Server.builder().http(0)
                .service("/api/v2/spans", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(body -> {
                    try {
                        FlowHttp.JSON.readTree(body.contentUtf8()).forEach(spans::add);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return HttpResponse.of(HttpStatus.ACCEPTED);
                })))
                // Zipkin's senders gzip their batches
                .decorator(DecodingService.newDecorator())
                .build();
        server.start().join();
    }

    public static ZipkinCollector start() {
        return new ZipkinCollector();
    }

    /** What a node's {@code --zipkin-url} is set to. */
    public String url() {
        return "http://127.0.0.1:" + server.activeLocalPort() + "/api/v2/spans";
    }

    /** The spans received so far. */
    public List<JsonNode> spans() {
        return new ArrayList<>(spans);
    }

    /** The spans received so far that {@code service} (e.g. "fedflow-9999") reported, named {@code name}. */
    public List<JsonNode> spans(String service, String name) {
        return spans.stream().filter(s -> service.equals(s.at("/localEndpoint/serviceName").asText())
                && name.equals(s.path("name").asText())).toList();
    }

    @Override
    public void close() {
        server.stop().join();
    }
}
