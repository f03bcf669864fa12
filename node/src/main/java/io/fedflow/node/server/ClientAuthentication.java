package io.fedflow.node.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.multipart.AggregatedBodyPart;
import com.linecorp.armeria.common.multipart.AggregatedMultipart;
import com.linecorp.armeria.common.multipart.Multipart;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.auth.hook.ClientAuthenticationHook;
import io.fedflow.auth.hook.ClientAuthenticationParameters;
import io.fedflow.auth.hook.HookResult;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.FateJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * FATE's client authentication on the client port (when switched on): every /v1 call outside the
 * scheduling prefixes, and every call of Fedflow's own gRPC services, must pass the
 * {@code client_authentication} hook in force (built-in: HMAC with TIMESTAMP, NONCE, APP_KEY, SIGNATURE
 * headers). A refusal is FATE's envelope with the hook's code (109 built-in) over JSON, and
 * UNAUTHENTICATED with the same code in {@code fate-retcode} over gRPC.
 *
 * <p>What is signed follows FATE: path and raw query, the body when it is JSON, form fields when
 * form-encoded or sent as a bounded multipart form (model import: read whole here, up to its route's cap,
 * the parts without a filename being the fields). Multipart uploads are streamed, so their body is not read here (FATE's clients do not
 * sign it either), and neither are gRPC messages: a gRPC client signs path and headers only.
 */
public final class ClientAuthentication implements DecoratingHttpServiceFunction {
    /** FATE-Flow's scheduling routes, which site authentication guards instead. */
    static final List<String> SCHEDULING_PREFIXES = List.of("/v1/party", "/v1/initiator", "/v1/tracker",
            "/v1/operation");
    private static final String OWN_GRPC_PREFIX = "/fedflow.v1.";
    private static final ObjectMapper JSON = FateJson.MAPPER;

    private final Supplier<ClientAuthenticationHook> hook;

    /** @param hook the client_authentication hook in force, asked per call since a registration replaces it */
    public ClientAuthentication(Supplier<ClientAuthenticationHook> hook) {
        this.hook = hook;
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        String path = ctx.path();
        MediaType type = req.headers().contentType();
        boolean grpc = type != null && type.subtype().startsWith("grpc");
        if (grpc ? !path.startsWith(OWN_GRPC_PREFIX) : !path.startsWith("/v1/") || isScheduling(path)) {
            return delegate.serve(ctx, req);
        }
        boolean multipart = type != null && type.is(MediaType.MULTIPART_FORM_DATA);
        if (multipart && ctx.maxRequestLength() > 0) {
            // a bounded form (model import): its fields are signed, so it is read whole first
            CompletableFuture<HttpResponse> answer = req.aggregate()
                    .thenCompose(whole -> Multipart.from(whole.toHttpRequest()).aggregate()
                            .thenApplyAsync(parts -> new Checked(whole, check(whole.headers(), new byte[0],
                                    formFields(parts))), ctx.blockingTaskExecutor()))
                    .thenApplyAsync(checked -> forward(delegate, ctx, checked.request().toHttpRequest(),
                            checked.result()), ctx.eventLoop());
            return HttpResponse.of(answer);
        }
        if (grpc || multipart) {
            // streamed: decide on path and headers, leave the body to the service
            CompletableFuture<HttpResponse> answer = CompletableFuture.supplyAsync(
                    () -> check(req.headers(), new byte[0], Map.of()), ctx.blockingTaskExecutor())
                    .thenApplyAsync(result -> forward(delegate, ctx, req, result), ctx.eventLoop());
            return HttpResponse.of(answer);
        }
        CompletableFuture<HttpResponse> answer = req.aggregate()
                .thenApplyAsync(whole -> new Checked(whole, check(whole.headers(), whole.content().array(),
                        form(whole))), ctx.blockingTaskExecutor())
                .thenApplyAsync(checked -> forward(delegate, ctx, checked.request().toHttpRequest(),
                        checked.result()), ctx.eventLoop());
        return HttpResponse.of(answer);
    }

    private record Checked(AggregatedHttpRequest request, HookResult result) {}

    private static boolean isScheduling(String path) {
        // FATE compares prefixes as strings, so /v1/party_x is a scheduling path too
        return SCHEDULING_PREFIXES.stream().anyMatch(path::startsWith);
    }

    /**
     * The hook in force's verdict on a request with these headers, body and form fields, exactly as a call
     * to the API is judged (the board's login asks it about a request signed with the pair it was given).
     */
    public HookResult check(RequestHeaders headers, byte[] body, Map<String, String> form) {
        Map<String, String> plain = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (!name.toString().startsWith(":")) {
                plain.putIfAbsent(wsgiName(name.toString()), value);
            }
        });
        return hook.get().authenticate(new ClientAuthenticationParameters(headers.path(), plain, form, body,
                json(body)));
    }

    /**
     * A header name as FATE-Flow's WSGI server hands it to a hook ({@code app_key} and {@code APP-KEY} are
     * {@code App-Key}), so a hook written for FATE finds its headers.
     */
    static String wsgiName(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean start = true;
        for (char c : name.toCharArray()) {
            if (c == '-' || c == '_') {
                out.append('-');
                start = true;
            } else {
                out.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
                start = false;
            }
        }
        return out.toString();
    }

    /** The call, once authenticated; a refusal is thrown for the port's error handler to answer. */
    private static HttpResponse forward(HttpService delegate, ServiceRequestContext ctx, HttpRequest req,
                                        HookResult result) {
        if (!result.accepted()) {
            throw FlowException.withRetcode(result.code(), FailureKind.UNAUTHENTICATED, result.message());
        }
        try {
            return delegate.serve(ctx, req);
        } catch (Exception e) {
            return HttpResponse.ofFailure(e);
        }
    }

    private static Map<String, String> form(AggregatedHttpRequest whole) {
        MediaType type = whole.contentType();
        if (type == null || !type.is(MediaType.FORM_DATA)) {
            return Map.of();
        }
        Map<String, String> form = new LinkedHashMap<>();
        QueryParams.fromQueryString(whole.contentUtf8()).forEach(form::putIfAbsent);
        return form;
    }

    /** A multipart form's fields, as FATE's client signs them: every part without a filename. */
    private static Map<String, String> formFields(AggregatedMultipart parts) {
        Map<String, String> form = new LinkedHashMap<>();
        for (AggregatedBodyPart part : parts.bodyParts()) {
            if (part.filename() == null && part.name() != null) {
                form.putIfAbsent(part.name(), part.contentUtf8());
            }
        }
        return form;
    }

    private static JsonNode json(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        }
    }
}
