package io.fedflow.node.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.wire.FateJson;
import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * A JSON route whose answer is not FATE-Flow's envelope (FATE-Serving's inference routes): the body parsed as a
 * JSON object, the handler's answer written as it is. A body that is not a JSON object is refused with the
 * envelope, as every route refuses one.
 */
public final class JsonHttpService implements HttpService {
    private final Function<JsonNode, JsonNode> handler;

    public JsonHttpService(Function<JsonNode, JsonNode> handler) {
        this.handler = handler;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        return HttpResponse.of(req.aggregate().thenApplyAsync(body -> {
            JsonNode answer = handler.apply(FateJson.parseObjectBody(body.content().array()));
            try {
                return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, FateJson.MAPPER.writeValueAsBytes(answer));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }, ctx.blockingTaskExecutor()));
    }
}
