package io.fedflow.node.server;

import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;

/**
 * GET /metrics: the node's meters in Prometheus' text format. Outside FATE's client authentication (a
 * scraper cannot sign FATE's HMAC headers); when the node has a metrics token, a scrape must carry it as
 * {@code Authorization: Bearer <token>} (Prometheus' {@code authorization.credentials_file}).
 */
public final class MetricsHttpService implements HttpService {
    static final MediaType TEXT_FORMAT = MediaType.parse("text/plain; version=0.0.4; charset=utf-8");

    private final PrometheusMeterRegistry registry;
    private final byte[] expectedAuthorization;

    /** {@code token}: the bearer token a scrape must carry; null for none. */
    public MetricsHttpService(PrometheusMeterRegistry registry, String token) {
        this.registry = registry;
        this.expectedAuthorization = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        if (expectedAuthorization != null) {
            String sent = req.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (sent == null || !MessageDigest.isEqual(expectedAuthorization, sent.getBytes(StandardCharsets.UTF_8))) {
                return ErrorMapper.statusResponse(HttpStatus.UNAUTHORIZED, FlowException.withRetcode(
                        RetCode.AUTHENTICATION_ERROR.code(), FailureKind.UNAUTHENTICATED, sent == null
                                ? "/metrics needs the node's metrics token (Authorization: Bearer ...)"
                                : "/metrics: wrong metrics token"));
            }
        }
        // Off the event loop, and off the request threads: a node shedding calls is still scraped.
        return HttpResponse.of(CompletableFuture.supplyAsync(
                () -> HttpResponse.of(HttpStatus.OK, TEXT_FORMAT, registry.scrape()),
                CommonPools.blockingTaskExecutor()));
    }
}
