package io.fedflow.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server-sent events stream read by a real HTTP client (HTTP/1.1, as a browser's EventSource on a plain
 * port): its status, each event's name and data as they arrive, its end, and {@link #close()} to leave
 * it as a closed page would.
 */
public final class EventStream implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One event: its name and its data (the data lines joined). */
    public record Event(String name, String data) {
        public JsonNode json() {
            try {
                return FlowHttp.JSON.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final HttpResponse<InputStream> response;

    private EventStream(URI uri) {
        HttpRequest req = HttpRequest.newBuilder(uri).header("accept", "text/event-stream").build();
        // Answered at the headers; the body is read as it comes, on a thread of its own.
        this.response = CLIENT.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream()).join();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
                ended.complete(null);
            } catch (IOException e) {
                ended.completeExceptionally(e);
            }
        }, "event-stream-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code path} (e.g. /board/api/jobs/J/events) at the node answering {@code http}; returns at its headers. */
    public static EventStream open(FlowHttp http, String path) {
        return new EventStream(URI.create(http.base() + path));
    }

    public int status() {
        return response.statusCode();
    }

    /** The whole body read so far, as lines joined by newlines (a refusal's JSON envelope). */
    public String body() {
        return String.join("\n", lines);
    }

    /** The events complete so far (an event ends at a blank line). */
    public List<Event> events() {
        List<Event> out = new ArrayList<>();
        String name = "message";
        StringBuilder data = null;
        for (String line : lines) {
            if (line.isEmpty()) {
                if (data != null) {
                    out.add(new Event(name, data.toString()));
                }
                name = "message";
                data = null;
            } else if (line.startsWith("event:")) {
                name = line.substring("event:".length()).strip();
            } else if (line.startsWith("data:")) {
                String d = line.substring("data:".length());
                d = d.startsWith(" ") ? d.substring(1) : d;
                data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
            }
        }
        return out;
    }

    /** Whether the server ended the stream (not the client, nor a broken connection). */
    public boolean ended() {
        return ended.isDone() && !ended.isCompletedExceptionally();
    }

    /** Leaves the stream, as a page that is closed: the server sees the connection go. */
    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
