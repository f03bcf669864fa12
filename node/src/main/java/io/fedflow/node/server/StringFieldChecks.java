package io.fedflow.node.server;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.FateJson;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import java.util.Map;

/**
 * The string checks JSON requests get in {@link FateJson}, for every message a gRPC client sends: no NUL
 * anywhere (PostgreSQL cannot store it in text or jsonb) and no control character in a name-like field
 * (names, ids, roles). A message that fails is refused with INVALID_ARGUMENT and {@code fate-retcode: 101}
 * naming the field, before the service sees it, so it never reaches a query. The client port applies it to
 * every service; the site port's services take it with {@link #protect}, inside the signature check.
 */
public final class StringFieldChecks implements ServerInterceptor {
    /**
     * {@code service} with its messages checked before it sees them; a method whose request type holds no string
     * at any depth has nothing to check and is left as it is.
     */
    public static ServerServiceDefinition protect(ServerServiceDefinition service) {
        return MethodInterceptors.interceptWhere(service,
                type -> MethodInterceptors.anyField(type, f -> f.getJavaType() == FieldDescriptor.JavaType.STRING),
                new StringFieldChecks());
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                     ServerCallHandler<Q, A> next) {
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                if (message instanceof Message m) {
                    try {
                        check(m, "");
                    } catch (FlowException e) {
                        refused = true;
                        // A streaming service holding something for the call (a spool file) lets it go;
                        // the call then ends with the port's gRPC error handler answering the refusal.
                        super.onCancel();
                        throw e;
                    }
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onCancel() {
                if (!refused) {
                    super.onCancel();
                }
            }

            @Override
            public void onComplete() {
                if (!refused) {
                    super.onComplete();
                }
            }

            @Override
            public void onReady() {
                if (!refused) {
                    super.onReady();
                }
            }
        };
    }

    /**
     * Walks the set fields by descriptor; {@code name} is the field as a JSON client would name it (the
     * insides of Struct, Value and map entries are named by the field that holds them, as in the JSON path).
     */
    static void check(Message message, String name) {
        Descriptor type = message.getDescriptorForType();
        boolean transparent = type.getFullName().startsWith("google.protobuf.") || type.getOptions().getMapEntry();
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            FieldDescriptor field = e.getKey();
            String fieldName = transparent ? name : name.isEmpty() ? field.getName() : name + "." + field.getName();
            boolean nameLike = !transparent && FateJson.isName(field);
            Object value = e.getValue();
            for (Object v : value instanceof List<?> list ? list : List.of(value)) {
                if (v instanceof String s) {
                    FateJson.rejectNul(fieldName, s);
                    if (nameLike) {
                        FateJson.rejectControlCharacters(fieldName, s);
                    }
                } else if (v instanceof Message m) {
                    check(m, fieldName);
                }
            }
        }
    }
}
