package io.fedflow.node.server;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An interceptor put only on the methods of a service whose request type it can do something for, decided once
 * when the service is bound: a call of any other method skips it, rather than passing through it to find
 * nothing in each message (the site port's calls go through several such layers).
 */
final class MethodInterceptors {
    private MethodInterceptors() {
    }

    /**
     * {@code service} with {@code interceptor} on each method whose request message type {@code applies} accepts,
     * and on every method whose request is not a protobuf message (its type unknown here).
     */
    static ServerServiceDefinition interceptWhere(ServerServiceDefinition service, Predicate<Descriptor> applies,
                                                  ServerInterceptor interceptor) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.getServiceDescriptor());
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            b.addMethod(maybeIntercepted(m, applies, interceptor));
        }
        return b.build();
    }

    /** Whether a message of {@code type}, at any depth of its message fields, can hold a field {@code wanted} takes. */
    static boolean anyField(Descriptor type, Predicate<FieldDescriptor> wanted) {
        return anyField(type, wanted, new HashSet<>());
    }

    private static boolean anyField(Descriptor type, Predicate<FieldDescriptor> wanted, Set<String> seen) {
        if (!seen.add(type.getFullName())) {
            return false;
        }
        for (FieldDescriptor f : type.getFields()) {
            if (wanted.test(f) || (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    && anyField(f.getMessageType(), wanted, seen))) {
                return true;
            }
        }
        return false;
    }

    private static Descriptor requestType(MethodDescriptor<?, ?> method) {
        return method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p
                && p.getMessagePrototype() instanceof Message m ? m.getDescriptorForType() : null;
    }

    private static <Q, A> ServerMethodDefinition<Q, A> maybeIntercepted(ServerMethodDefinition<Q, A> method,
                                                                       Predicate<Descriptor> applies,
                                                                       ServerInterceptor interceptor) {
        Descriptor type = requestType(method.getMethodDescriptor());
        return type == null || applies.test(type) ? intercepted(method, interceptor) : method;
    }

    private static <Q, A> ServerMethodDefinition<Q, A> intercepted(ServerMethodDefinition<Q, A> method,
                                                                  ServerInterceptor interceptor) {
        ServerCallHandler<Q, A> next = method.getServerCallHandler();
        return method.withServerCallHandler((call, headers) -> interceptor.interceptCall(call, headers, next));
    }
}
