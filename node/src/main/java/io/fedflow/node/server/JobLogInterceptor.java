package io.fedflow.node.server;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.fedflow.node.logging.LogContext;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;

/**
 * The request path's part of the log context: a call whose message names a job ({@code job_id}) is handled
 * with that job in SLF4J's MDC, so that its log lines, and the site calls it makes, say whose they are.
 * Needs the parsed messages: it goes inside the site port's verification, which works on raw bytes.
 */
public final class JobLogInterceptor implements ServerInterceptor {
    /** {@code service} with the methods whose requests can name a job handled in its log context. */
    public static ServerServiceDefinition protect(ServerServiceDefinition service) {
        return MethodInterceptors.interceptWhere(service, JobLogInterceptor::canNameAJob, new JobLogInterceptor());
    }

    /** Whether {@link #jobIdOf} can find a job in a message of {@code type}. */
    static boolean canNameAJob(Descriptors.Descriptor type) {
        if (isJobId(type.findFieldByName("job_id"))) {
            return true;
        }
        Descriptors.FieldDescriptor header = type.findFieldByName("header");
        return header != null && !header.isRepeated()
                && header.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE
                && isJobId(header.getMessageType().findFieldByName("job_id"));
    }

    private static boolean isJobId(Descriptors.FieldDescriptor f) {
        return f != null && !f.isRepeated() && f.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                      ServerCallHandler<Q, A> next) {
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private String jobId;
            // Looked up on the first message only: a stream's later messages (transfer chunks) are not searched.
            private boolean looked;

            @Override
            public void onMessage(Q message) {
                if (!looked) {
                    jobId = jobIdOf(message);
                    looked = true;
                }
                try (LogContext.Scope ids = scope()) {
                    super.onMessage(message);
                }
            }

            @Override
            public void onHalfClose() {
                // A unary method runs here.
                try (LogContext.Scope ids = scope()) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onCancel() {
                try (LogContext.Scope ids = scope()) {
                    super.onCancel();
                }
            }

            @Override
            public void onComplete() {
                try (LogContext.Scope ids = scope()) {
                    super.onComplete();
                }
            }

            private LogContext.Scope scope() {
                return jobId == null ? null : LogContext.job(jobId);
            }
        };
    }

    /**
     * The job a message names: its own {@code job_id}, or its {@code header}'s (a transfer stream's first
     * chunk carries the job in its signed header).
     */
    static String jobIdOf(Object message) {
        if (!(message instanceof Message m)) {
            return null;
        }
        String id = stringField(m, "job_id");
        if (id == null) {
            Descriptors.FieldDescriptor header = m.getDescriptorForType().findFieldByName("header");
            if (header != null && !header.isRepeated()
                    && header.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE && m.hasField(header)) {
                id = stringField((Message) m.getField(header), "job_id");
            }
        }
        return id;
    }

    private static String stringField(Message m, String name) {
        Descriptors.FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
        if (f == null || f.isRepeated() || f.getJavaType() != Descriptors.FieldDescriptor.JavaType.STRING) {
            return null;
        }
        String id = (String) m.getField(f);
        return id.isEmpty() ? null : id;
    }
}
