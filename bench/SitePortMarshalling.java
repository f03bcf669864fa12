import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.common.grpc.protocol.DeframedMessage;
import com.linecorp.armeria.internal.common.grpc.GrpcMessageMarshaller;
import io.fedflow.proto.v1.PartyServiceGrpc;
import io.fedflow.proto.v1.PingReply;
import io.fedflow.proto.v1.PingRequest;
import io.grpc.MethodDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.*;
import java.lang.management.ManagementFactory;

/**
 * The site port's request and reply marshalling per call, one thread's CPU: before (grpc's useMarshalledMessages with
 * one raw marshaller both ways: readAllBytes, a parse from a stream, the reply streamed, copied into an array, then
 * copied into a composite buffer) against after (the request raw and read at its exact size, parsed from the array,
 * the reply through its protobuf marshaller). Run: java -cp "$(cat node/target/classpath.txt)" bench/SitePortMarshalling.java
 */
public class SitePortMarshalling {
    static final MethodDescriptor.Marshaller<byte[]> OLD_RAW = new MethodDescriptor.Marshaller<>() {
        public InputStream stream(byte[] v) { return new ByteArrayInputStream(v); }
        public byte[] parse(InputStream s) { try { return s.readAllBytes(); } catch (IOException e) { throw new UncheckedIOException(e); } }
    };
    static final MethodDescriptor.Marshaller<byte[]> NEW_RAW = new MethodDescriptor.Marshaller<>() {
        public InputStream stream(byte[] v) { return new ByteArrayInputStream(v); }
        public byte[] parse(InputStream s) {
            try {
                int n = s.available();
                if (n <= 0) return s.readAllBytes();
                byte[] b = new byte[n];
                int r = s.readNBytes(b, 0, n);
                byte[] rest = s.readAllBytes();
                if (r == n && rest.length == 0) return b;
                throw new IllegalStateException();
            } catch (IOException e) { throw new UncheckedIOException(e); }
        }
    };
    static volatile Object sink;
    public static void main(String[] a) throws Exception {
        var tm = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().getId();
        var typed = PartyServiceGrpc.getPingMethod();
        var oldM = typed.toBuilder(OLD_RAW, OLD_RAW).build();
        var newM = typed.toBuilder(NEW_RAW, typed.getResponseMarshaller()).build();
        var alloc = ByteBufAllocator.DEFAULT;
        var oldG = new GrpcMessageMarshaller<>(alloc, GrpcSerializationFormats.PROTO, oldM, null, false, false);
        var newG = new GrpcMessageMarshaller<>(alloc, GrpcSerializationFormats.PROTO, newM, null, false, false);
        byte[] payload = new byte[256]; new java.util.Random(1).nextBytes(payload);
        byte[] wire = PingRequest.newBuilder().setPayload(ByteString.copyFrom(payload)).build().toByteArray();
        PingReply reply = PingReply.newBuilder().setPartyId("10000").setPayload(ByteString.copyFrom(payload)).build();
        MessageLite proto = (MessageLite) ((MethodDescriptor.PrototypeMarshaller<?>) typed.getRequestMarshaller()).getMessagePrototype();
        for (int r = 0; r < 8; r++) {
            int n = 200_000;
            long a0 = tm.getThreadAllocatedBytes(me);
            long c0 = tm.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                ByteBuf in = alloc.buffer(wire.length).writeBytes(wire);
                byte[] raw = oldG.deserializeRequest(new DeframedMessage(in, 0), false);
                sink = typed.parseRequest(new ByteArrayInputStream(raw));
                byte[] out = OLD_RAW.parse(typed.streamResponse(reply));
                ByteBuf o = oldG.serializeResponse(out); o.release();
            }
            long c1 = tm.getCurrentThreadCpuTime();
            long a1 = tm.getThreadAllocatedBytes(me);
            for (int i = 0; i < n; i++) {
                ByteBuf in = alloc.buffer(wire.length).writeBytes(wire);
                byte[] raw = newG.deserializeRequest(new DeframedMessage(in, 0), false);
                sink = proto.getParserForType().parseFrom(raw);
                ByteBuf o = newG.serializeResponse(reply); o.release();
            }
            long c2 = tm.getCurrentThreadCpuTime();
            long a2 = tm.getThreadAllocatedBytes(me);
            System.out.printf("server marshalling per call, CPU: old %.2f us, new %.2f us; heap allocated: old %d B, new %d B%n",
                    (c1 - c0) / 1e3 / n, (c2 - c1) / 1e3 / n, (a1 - a0) / n, (a2 - a1) / n);
        }
    }
}
