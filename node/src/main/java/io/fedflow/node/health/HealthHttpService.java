package io.fedflow.node.health;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;

/**
 * /health (and /health/ready): 200 {"status":"up","database":"up","scheduler":"up"} when the node can
 * work, 503 with the same object naming what is down otherwise, e.g.
 * {"status":"down","database":"up","scheduler":"stalled 12 s"}. /health/live: 200 while the process
 * answers HTTP at all, for supervisors that should restart it only when it is dead, not when its
 * database is.
 */
public final class HealthHttpService {
    private HealthHttpService() {}

    public static HttpService readiness(NodeHealth health) {
        return (ctx, req) -> HttpResponse.of(health.check().thenApply(r -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode()
                    .put("status", r.up() ? NodeHealth.UP : "down")
                    .put("database", r.database())
                    .put("scheduler", r.scheduler());
            return answer(req, r.up() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE, body);
        }));
    }

    public static HttpService liveness() {
        return (ServiceRequestContext ctx, HttpRequest req) -> answer(req, HttpStatus.OK,
                JsonNodeFactory.instance.objectNode().put("status", NodeHealth.UP));
    }

    private static HttpResponse answer(HttpRequest req, HttpStatus status, ObjectNode body) {
        if (req.method() == HttpMethod.HEAD) {
            return HttpResponse.of(status);
        }
        return HttpResponse.of(status, MediaType.JSON_UTF_8, body.toString());
    }
}
