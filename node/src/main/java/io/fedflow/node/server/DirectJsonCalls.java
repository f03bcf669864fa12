package io.fedflow.node.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.v1.FlowResponse;
import io.grpc.Attributes;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The calls FATE's clients poll ({@code /v1/job/query}), served from the body the port already parsed
 * straight to their gRPC method, in process: no second and third parse of the body (Armeria's transcoder,
 * then the JSON marshaller), no gRPC framing. Everything else is what transcoding does: the same
 * interceptors (string checks, the job's log context), the same method on the request executor, the
 * answer printed by {@link FateJson#envelopeBytes} as the marshaller prints it, and failures answered by
 * the port's error handler through its gRPC hook then its transcoding hook, so a refusal reads the same
 * either way.
 */
final class DirectJsonCalls {
    private final Map<String, ServerMethodDefinition<?, ?>> byPath;
    private final FlowErrorHandler errors;

    private DirectJsonCalls(Map<String, ServerMethodDefinition<?, ?>> byPath, FlowErrorHandler errors) {
        this.byPath = byPath;
        this.errors = errors;
    }

    /**
     * {@code paths}: a transcoded path and the full name of the unary method it calls; a method none of
     * {@code services} serves is left to transcoding.
     */
    static DirectJsonCalls of(List<BindableService> services, Map<String, String> paths, FlowErrorHandler errors,
                              ServerInterceptor... interceptors) {
        Map<String, ServerMethodDefinition<?, ?>> byPath = new HashMap<>();
        for (BindableService s : services) {
            ServerServiceDefinition intercepted = ServerInterceptors.intercept(s.bindService(), interceptors);
            paths.forEach((path, method) -> {
                ServerMethodDefinition<?, ?> m = intercepted.getMethod(method);
                if (m != null && m.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY) {
                    byPath.put(path, m);
                }
            });
        }
        return new DirectJsonCalls(Map.copyOf(byPath), errors);
    }

    boolean serves(String path) {
        return byPath.containsKey(path);
    }

    /** Calls the method of {@code path} with {@code body} on the request executor. */
    HttpResponse serve(ServiceRequestContext ctx, String path, ObjectNode body) {
        ServerMethodDefinition<?, ?> method = byPath.get(path);
        MethodDescriptor<?, ?> descriptor = method.getMethodDescriptor();
        ctx.logBuilder().name(descriptor.getServiceName(), descriptor.getBareMethodName());
        CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
        ctx.blockingTaskExecutor().execute(() -> {
            try {
                answer.complete(call(ctx, method, body));
            } catch (Throwable t) {
                answer.complete(failure(ctx, Status.fromThrowable(t), t));
            }
        });
        return HttpResponse.of(answer);
    }

    private <Q, A> HttpResponse call(ServiceRequestContext ctx, ServerMethodDefinition<Q, A> method,
                                     ObjectNode body) {
        MethodDescriptor<Q, A> descriptor = method.getMethodDescriptor();
        if (!(descriptor.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> marshaller)) {
            throw new IllegalStateException("not a protobuf method: " + descriptor.getFullMethodName());
        }
        Message.Builder builder = ((Message) marshaller.getMessagePrototype()).newBuilderForType();
        FateJson.merge(body, builder);
        @SuppressWarnings("unchecked")
        Q request = (Q) builder.build();
        InProcessCall<Q, A> call = new InProcessCall<>(descriptor);
        ServerCall.Listener<Q> listener = method.getServerCallHandler().startCall(call, new Metadata());
        listener.onReady();
        listener.onMessage(request);
        if (!call.closed) {
            listener.onHalfClose();
        }
        if (call.status == null) {
            throw new IllegalStateException(descriptor.getFullMethodName() + " did not answer");
        }
        if (!call.status.isOk()) {
            return failure(ctx, call.status, call.status.getCause());
        }
        listener.onComplete();
        byte[] json = call.answer instanceof FlowResponse r ? FateJson.envelopeBytes(r)
                : FateJson.print((Message) call.answer).getBytes(StandardCharsets.UTF_8);
        return HttpResponse.of(ResponseHeaders.of(HttpStatus.OK, HttpHeaderNames.CONTENT_TYPE,
                MediaType.JSON_UTF_8), HttpData.wrap(json));
    }

    /** As a transcoded call fails: the gRPC hook keeps the failure on the call, the transcoding hook answers it. */
    private HttpResponse failure(ServiceRequestContext ctx, Status status, Throwable cause) {
        if (cause != null) {
            status = errors.grpc().apply(ctx, status, cause, new Metadata());
        }
        return errors.transcodingError(ctx, status, null);
    }

    /** The call as the method sees it: one request, one answer or a status, all on the calling thread. */
    private static final class InProcessCall<Q, A> extends ServerCall<Q, A> {
        private final MethodDescriptor<Q, A> descriptor;
        private A answer;
        private Status status;
        private boolean closed;

        InProcessCall(MethodDescriptor<Q, A> descriptor) {
            this.descriptor = descriptor;
        }

        @Override
        public void request(int numMessages) {
            // The one request is handed over by the caller.
        }

        @Override
        public void sendHeaders(Metadata headers) {
            // Headers of a JSON answer are the port's.
        }

        @Override
        public void sendMessage(A message) {
            answer = message;
        }

        @Override
        public void close(Status status, Metadata trailers) {
            this.status = status;
            closed = true;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public Attributes getAttributes() {
            return Attributes.EMPTY;
        }

        @Override
        public String getAuthority() {
            return null;
        }

        @Override
        public MethodDescriptor<Q, A> getMethodDescriptor() {
            return descriptor;
        }
    }
}
