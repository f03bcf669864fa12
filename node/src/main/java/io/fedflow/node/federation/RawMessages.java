package io.fedflow.node.federation;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A marshaller of serialized messages as they are: the signing client sends the very bytes it signed, and the
 * verifying server checks the very bytes that came over the wire, each serializing or parsing a message once.
 */
final class RawMessages {
    static final MethodDescriptor.Marshaller<byte[]> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                // The transport's streams know their length: one array of the exact size, no 8 KiB buffer
                // and copy as readAllBytes makes; anything past the announced length is still read.
                int announced = stream.available();
                if (announced <= 0) {
                    return stream.readAllBytes();
                }
                byte[] bytes = new byte[announced];
                int read = stream.readNBytes(bytes, 0, announced);
                byte[] rest = stream.readAllBytes();
                if (read == announced && rest.length == 0) {
                    return bytes;
                }
                byte[] all = new byte[read + rest.length];
                System.arraycopy(bytes, 0, all, 0, read);
                System.arraycopy(rest, 0, all, read, rest.length);
                return all;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private RawMessages() {
    }

    /**
     * {@code service} with its requests handed over as the bytes that came over the wire (for an interceptor to
     * check), each parsed into the method's request type after that; replies keep the method's own marshaller,
     * so the transport serializes them directly. (grpc's {@code ServerInterceptors.useMarshalledMessages} takes
     * one marshaller for both: each reply would be serialized into a stream, copied into an array, then copied
     * again into the transport's buffer.)
     */
    static ServerServiceDefinition rawRequests(ServerServiceDefinition service) {
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(service.getServiceDescriptor().getName())
                .setSchemaDescriptor(service.getServiceDescriptor().getSchemaDescriptor());
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            ServerMethodDefinition<byte[], ?> raw = rawRequests(m);
            methods.add(raw);
            descriptor.addMethod(raw.getMethodDescriptor());
        }
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(b::addMethod);
        return b.build();
    }

    private static <Q, R> ServerMethodDefinition<byte[], R> rawRequests(ServerMethodDefinition<Q, R> definition) {
        MethodDescriptor<Q, R> typed = definition.getMethodDescriptor();
        MethodDescriptor<byte[], R> raw = typed.toBuilder(MARSHALLER, typed.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
        ServerCallHandler<byte[], R> rawHandler = (call, headers) -> {
            ServerCall<Q, R> typedCall = new ForwardingServerCall.SimpleForwardingServerCall<Q, R>(
                    uncheckedCast(call)) {
                @Override
                public MethodDescriptor<Q, R> getMethodDescriptor() {
                    return typed;
                }
            };
            ServerCall.Listener<Q> listener = handler.startCall(typedCall, headers);
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<byte[]>(
                    uncheckedCast(listener)) {
                @Override
                public void onMessage(byte[] message) {
                    listener.onMessage(parse(typed, message));
                }
            };
        };
        return ServerMethodDefinition.create(raw, rawHandler);
    }

    /**
     * The request the bytes hold: a protobuf message parsed straight from the array (what the method's own
     * marshaller would make of a stream over it), any other type through that marshaller.
     */
    static <Q> Q parse(MethodDescriptor<Q, ?> method, byte[] bytes) {
        if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> p
                && p.getMessagePrototype() instanceof MessageLite prototype) {
            try {
                @SuppressWarnings("unchecked")
                Q message = (Q) prototype.getParserForType().parseFrom(bytes);
                return message;
            } catch (InvalidProtocolBufferException e) {
                // as grpc's protobuf marshaller refuses it
                throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e)
                        .asRuntimeException();
            }
        }
        return method.parseRequest(new ByteArrayInputStream(bytes));
    }

    /** The call and listener types differ only by the request type, which the wrapping converts. */
    @SuppressWarnings("unchecked")
    private static <T> T uncheckedCast(Object o) {
        return (T) o;
    }
}
