package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.fedflow.proto.v1.PartyServiceGrpc;
import io.fedflow.proto.v1.PingRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The raw-bytes marshaller reads what a stream holds whatever length it announces, and a verified request's
 * bytes parse into the message the method's own marshaller would make (or are refused as it would refuse them).
 */
class RawMessagesTest {
    private static final byte[] BYTES = PingRequest.newBuilder().setPayload(ByteString.copyFromUtf8("ping me"))
            .build().toByteArray();

    /** A stream that announces {@code announced} bytes available whatever it holds. */
    private static InputStream announcing(byte[] bytes, int announced) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int available() {
                return Math.min(announced, count - pos);
            }
        };
    }

    @Test
    void readsEveryByteWhetherTheStreamAnnouncesAllOfThemSomeOrNone() {
        assertThat(RawMessages.MARSHALLER.parse(new ByteArrayInputStream(BYTES))).isEqualTo(BYTES);
        assertThat(RawMessages.MARSHALLER.parse(announcing(BYTES, 3))).isEqualTo(BYTES);
        assertThat(RawMessages.MARSHALLER.parse(announcing(BYTES, 0))).isEqualTo(BYTES);
        assertThat(RawMessages.MARSHALLER.parse(new ByteArrayInputStream(new byte[0]))).isEmpty();
    }

    @Test
    void requestBytesParseIntoTheMethodsRequestAsItsMarshallerWouldParseThem() {
        var method = PartyServiceGrpc.getPingMethod();
        assertThat(RawMessages.parse(method, BYTES)).isEqualTo(method.parseRequest(new ByteArrayInputStream(BYTES)));
        assertThat(RawMessages.parse(method, new byte[0])).isEqualTo(PingRequest.getDefaultInstance());
    }

    @Test
    void bytesThatAreNoRequestAreRefusedAsTheMarshallerRefusesThem() {
        byte[] truncated = Arrays.copyOf(BYTES, BYTES.length - 2);
        assertThatThrownBy(() -> RawMessages.parse(PartyServiceGrpc.getPingMethod(), truncated))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));
        assertThatThrownBy(() -> PartyServiceGrpc.getPingMethod().parseRequest(new ByteArrayInputStream(truncated)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));
    }
}
