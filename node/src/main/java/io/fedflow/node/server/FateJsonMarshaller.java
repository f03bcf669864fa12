package io.fedflow.node.server;

import com.google.protobuf.Message;
import com.linecorp.armeria.common.grpc.GrpcJsonMarshaller;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.v1.FlowResponse;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Armeria's JSON marshaller for transcoding and gRPC-JSON, speaking FATE's JSON (see {@link FateJson}). */
final class FateJsonMarshaller implements GrpcJsonMarshaller {
    @Override
    public <T> void serializeMessage(MethodDescriptor.Marshaller<T> marshaller, T message, OutputStream os)
            throws IOException {
        if (message instanceof FlowResponse response) {
            os.write(FateJson.envelopeBytes(response));
        } else {
            os.write(FateJson.print((Message) message).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T deserializeMessage(MethodDescriptor.Marshaller<T> marshaller, InputStream is) throws IOException {
        if (!(marshaller instanceof MethodDescriptor.PrototypeMarshaller<T> prototypeMarshaller)) {
            throw new IllegalStateException("not a protobuf marshaller: " + marshaller);
        }
        Message prototype = (Message) prototypeMarshaller.getMessagePrototype();
        Message.Builder builder = prototype.newBuilderForType();
        FateJson.merge(is.readAllBytes(), builder);
        return (T) builder.build();
    }
}
