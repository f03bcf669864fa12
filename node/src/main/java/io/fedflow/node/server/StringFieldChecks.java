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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
     * Walks the set fields that can hold a string (string fields, and message fields whose type holds one at any
     * depth), by a plan made once per message type; {@code name} is the field as a JSON client would name it (the
     * insides of Struct, Value and map entries are named by the field that holds them, as in the JSON path). It
     * runs on every message of the site port's transfers, so it reads only those fields (not getAllFields, which
     * reads every set field by reflection into a new map) and names a field only when it refuses it.
     */
    static void check(Message message, String name) {
        Plan plan = PLANS.computeIfAbsent(message.getDescriptorForType(), Plan::of);
        for (Planned p : plan.fields()) {
            FieldDescriptor field = p.field();
            if (field.isRepeated()) {
                int n = message.getRepeatedFieldCount(field);
                for (int i = 0; i < n; i++) {
                    checkValue(message.getRepeatedField(field, i), p, plan.transparent(), name);
                }
            } else if (message.hasField(field)) {
                checkValue(message.getField(field), p, plan.transparent(), name);
            }
        }
    }

    private static void checkValue(Object v, Planned p, boolean transparent, String name) {
        if (v instanceof String s) {
            if (!clean(s, p.nameLike())) {
                String fieldName = fieldName(transparent, name, p.field());
                FateJson.rejectNul(fieldName, s);
                FateJson.rejectControlCharacters(fieldName, s);
            }
        } else if (v instanceof Message m) {
            check(m, fieldName(transparent, name, p.field()));
        }
    }

    /** No NUL, and for a name-like field no control character either: what FateJson's refusals test. */
    private static boolean clean(String s, boolean nameLike) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || nameLike && (c < 0x20 || c == 0x7f)) {
                return false;
            }
        }
        return true;
    }

    private static String fieldName(boolean transparent, String name, FieldDescriptor field) {
        return transparent ? name : name.isEmpty() ? field.getName() : name + "." + field.getName();
    }

    /** One plan per message type of the compiled protos (a fixed set, so no cap), built on first sight. */
    private static final Map<Descriptor, Plan> PLANS = new ConcurrentHashMap<>();

    /** A field to read and whether it is name-like (control characters refused). */
    private record Planned(FieldDescriptor field, boolean nameLike) {}

    /**
     * The fields of a type that can hold a string; a transparent type (google.protobuf.*, a map entry) names its
     * insides by the field that holds it and has no name-like fields.
     */
    private record Plan(boolean transparent, List<Planned> fields) {
        static Plan of(Descriptor type) {
            boolean transparent = type.getFullName().startsWith("google.protobuf.") || type.getOptions().getMapEntry();
            List<Planned> fields = new ArrayList<>();
            for (FieldDescriptor f : type.getFields()) {
                if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
                    fields.add(new Planned(f, !transparent && FateJson.isName(f)));
                } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && MethodInterceptors.anyField(
                        f.getMessageType(), g -> g.getJavaType() == FieldDescriptor.JavaType.STRING)) {
                    fields.add(new Planned(f, false));
                }
            }
            // by number, as getAllFields orders them: of two bad fields, the same one is named
            fields.sort(Comparator.comparingInt(p -> p.field().getNumber()));
            return new Plan(transparent, List.copyOf(fields));
        }
    }
}
