package io.fedflow.node.federation;

import brave.Tracing;
import brave.grpc.GrpcTracing;
import brave.propagation.CurrentTraceContext;
import brave.propagation.TraceContext;
import brave.rpc.RpcTracing;
import brave.sampler.Sampler;
import io.fedflow.node.logging.LogContext;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import zipkin2.reporter.brave.AsyncZipkinSpanHandler;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/**
 * Trace context on every site call (Brave's gRPC interceptors: B3 headers out, a server span in): a call
 * made inside a span is its child. A call made for a job outside any span (the scheduler's rounds, a task's
 * messages) gets that job's trace, whose id every site derives alike from the job id, so one job's spans at
 * every site join one trace however many rounds and threads made them.
 *
 * <p>Spans are exported to a Zipkin v2 endpoint when one is given; otherwise nothing is sampled or
 * reported (the context still travels, marked unsampled, at next to no cost).
 */
public final class SiteTracing implements AutoCloseable {
    private final Tracing tracing;
    private final GrpcTracing grpc;
    private final AsyncZipkinSpanHandler exporter;
    private final boolean sampled;

    /** {@code zipkinUrl}: e.g. {@code http://zipkin:9411/api/v2/spans}; null to export nothing. */
    public SiteTracing(String partyId, String zipkinUrl) {
        Tracing.Builder b = Tracing.newBuilder().localServiceName("fedflow-" + partyId);
        this.sampled = zipkinUrl != null;
        if (sampled) {
            this.exporter = AsyncZipkinSpanHandler.create(URLConnectionSender.create(zipkinUrl));
            b.addSpanHandler(exporter).sampler(Sampler.ALWAYS_SAMPLE);
        } else {
            this.exporter = null;
            b.sampler(Sampler.NEVER_SAMPLE);
        }
        this.tracing = b.build();
        this.grpc = GrpcTracing.create(RpcTracing.create(tracing));
    }

    /** For the site clients: the job's trace when the call has no parent, then Brave's client span. */
    public ClientInterceptor client() {
        ClientInterceptor spans = grpc.newClientInterceptor();
        CurrentTraceContext current = tracing.currentTraceContext();
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                                                         Channel next) {
                String jobId = LogContext.currentJob();
                if (current.get() != null || jobId == null) {
                    return spans.interceptCall(method, options, next);
                }
                // Brave takes the parent when the call is made: the job's context is current just for that.
                try (CurrentTraceContext.Scope scope = current.newScope(jobContext(jobId))) {
                    return spans.interceptCall(method, options, next);
                }
            }
        };
    }

    /** Whether spans are exported (a Zipkin endpoint was given). */
    public boolean exporting() {
        return sampled;
    }

    /**
     * Reports the job's root span, the parent every call made for the job outside a span names: the
     * initiator reports it once the job ended (the other sites share its ids but never report it, so that
     * the trace has one root).
     */
    public void reportJob(String jobId, String status, long startMillis, long endMillis) {
        if (!sampled) {
            return;
        }
        tracing.tracer().toSpan(jobContext(jobId)).name("job " + jobId).kind(brave.Span.Kind.SERVER)
                .tag("fedflow.job_id", jobId).tag("fedflow.status", status)
                .start(startMillis * 1000).finish(Math.max(startMillis, endMillis) * 1000);
    }

    /** For the site port: the caller's context continued in a server span. */
    public ServerInterceptor server() {
        return grpc.newServerInterceptor();
    }

    /** The job's root context: ids from a hash of the job id, so that each site finds the same. */
    TraceContext jobContext(String jobId) {
        ByteBuffer h = ByteBuffer.wrap(sha256(jobId));
        long high = h.getLong();
        long low = h.getLong();
        long span = h.getLong();
        return TraceContext.newBuilder().traceIdHigh(high).traceId(low == 0 ? 1 : low)
                .spanId(span == 0 ? 1 : span).sampled(sampled).build();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        tracing.close();
        if (exporter != null) {
            exporter.close(); // flushes what is queued
        }
    }
}
