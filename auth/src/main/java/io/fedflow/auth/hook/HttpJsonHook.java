package io.fedflow.auth.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.auth.AuthJson;
import io.fedflow.proto.RetCode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls a FATE-style remote hook service: sends the registered {@code data} merged with the hook's
 * parameters as a JSON body, and reads a JSON reply {@code {"code": 0, ...}}.
 *
 * <p>It never throws: a service that is down, times out, answers other than HTTP 200, or answers
 * something without an integer {@code code} gives a reply with code 100 (FATE's EXCEPTION_ERROR) and a
 * message naming the hook, method and URL. {@code HttpSignatureHook} and its siblings turn replies
 * into hook results.
 */
public final class HttpJsonHook {
    /** FATE-Flow's remote_request_timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = AuthJson.MAPPER;

    private final RemoteHookService service;
    private final HttpClient http;
    private final Duration timeout;

    public HttpJsonHook(RemoteHookService service, HttpClient http, Duration timeout) {
        this.service = service;
        this.http = http;
        this.timeout = timeout;
    }

    public HttpJsonHook(RemoteHookService service, HttpClient http) {
        this(service, http, DEFAULT_TIMEOUT);
    }

    public RemoteHookService service() {
        return service;
    }

    /** Calls the service with {@code parameters} (overriding registered data of the same keys). */
    public Reply call(ObjectNode parameters) {
        ObjectNode body = service.data();
        body.setAll(parameters);
        HttpResponse<byte[]> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(service.url())
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .method(service.method(), HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                    .build();
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure("was interrupted");
        } catch (IOException | RuntimeException e) {
            return failure("is unreachable: " + describe(e));
        }
        if (response.statusCode() != 200) {
            return failure("answered HTTP status " + response.statusCode());
        }
        JsonNode reply;
        try {
            reply = JSON.readTree(response.body());
        } catch (IOException e) {
            return failure("answered something that is not JSON");
        }
        if (reply == null || !reply.isObject() || !reply.path("code").canConvertToInt()
                || !reply.path("code").isIntegralNumber()) {
            return failure("answered JSON without an integer code");
        }
        ObjectNode object = (ObjectNode) reply;
        int code = object.path("code").intValue();
        return new Reply(code, messageOf(object, code), object);
    }

    private Reply failure(String what) {
        return new Reply(RetCode.EXCEPTION_ERROR.code(),
                service.hook().serviceName() + " hook " + service.method() + " " + service.url() + " " + what,
                JsonNodeFactory.instance.objectNode());
    }

    private static String messageOf(ObjectNode reply, int code) {
        // FATE-Flow reads "msg"; its own return objects say "message".
        for (String key : new String[] {"msg", "message", "retmsg"}) {
            JsonNode value = reply.get(key);
            if (value != null && !value.isNull()) {
                return value.isTextual() ? value.textValue() : value.toString();
            }
        }
        return code == 0 ? "success" : "refused by the remote hook (code " + code + ")";
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /**
     * A remote hook's answer.
     *
     * @param code    the reply's {@code code}, or 100 when the call failed
     * @param message the reply's {@code msg} (or {@code message}), or what went wrong
     * @param body    the whole reply object (empty when the call failed)
     */
    public record Reply(int code, String message, ObjectNode body) {
        public boolean accepted() {
            return code == 0;
        }
    }
}
