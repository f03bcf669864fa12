package io.fedflow.node.federation;

import com.google.protobuf.MessageLite;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteHeaders;
import io.fedflow.auth.site.SiteSigningException;
import io.fedflow.proto.RetCode;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs every outbound site call. The signature covers the serialized request message, which a
 * client call only has once {@code sendMessage} runs, while the headers go out at {@code start}; so
 * the call is started late, at its first message, with the signed headers added. Streams are signed
 * over their first message (the transfer channel puts the payload's size and SHA-256 there). The
 * transport is handed the bytes that were signed, so a message is serialized once, here.
 */
public final class SiteSigningInterceptor implements ClientInterceptor {
    private final SiteCallSigner signer;
    private final String destinationParty;
    /** The raw-bytes twin of each method called, made once (a descriptor's identity is its method's). */
    private final Map<MethodDescriptor<?, ?>, MethodDescriptor<byte[], ?>> rawMethods = new ConcurrentHashMap<>();

    public SiteSigningInterceptor(SiteCallSigner signer, String destinationParty) {
        this.signer = signer;
        this.destinationParty = destinationParty;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
                                                               CallOptions options, Channel next) {
        @SuppressWarnings("unchecked")
        MethodDescriptor<byte[], RespT> raw = (MethodDescriptor<byte[], RespT>) rawMethods.computeIfAbsent(method,
                m -> m.toBuilder(RawMessages.MARSHALLER, m.getResponseMarshaller()).build());
        return new SigningCall<>(next.newCall(raw, options), method);
    }

    private final class SigningCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {
        private final ClientCall<byte[], RespT> delegate;
        private final MethodDescriptor<ReqT, RespT> method;
        private Listener<RespT> listener;
        private Metadata headers;
        private int pendingRequests;
        private boolean started;
        private boolean failed;

        SigningCall(ClientCall<byte[], RespT> delegate, MethodDescriptor<ReqT, RespT> method) {
            this.delegate = delegate;
            this.method = method;
        }

        @Override
        public void start(Listener<RespT> listener, Metadata headers) {
            this.listener = listener;
            this.headers = headers;
        }

        @Override
        public void request(int n) {
            if (started) {
                delegate.request(n);
            } else {
                pendingRequests += n;
            }
        }

        @Override
        public void sendMessage(ReqT message) {
            if (failed) {
                return;
            }
            byte[] bytes = serialize(message);
            if (!started && !startSigned(bytes)) {
                return;
            }
            delegate.sendMessage(bytes);
        }

        @Override
        public void halfClose() {
            if (failed) {
                return;
            }
            if (!started && !startSigned(new byte[0])) {
                return;
            }
            delegate.halfClose();
        }

        @Override
        public void cancel(String message, Throwable cause) {
            if (!started) {
                started = true;
                delegate.start(listener, headers);
            }
            delegate.cancel(message, cause);
        }

        @Override
        public boolean isReady() {
            return started && delegate.isReady();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            delegate.setMessageCompression(enabled);
        }

        private boolean startSigned(byte[] body) {
            SiteHeaders signed;
            try {
                signed = signer.headersFor(method.getFullMethodName(), destinationParty, body);
            } catch (SiteSigningException | IllegalArgumentException e) {
                // Nothing goes out unsigned: the call fails here, as the peer would have refused it.
                failed = true;
                Metadata trailers = new Metadata();
                trailers.put(RetCode.TRAILER, Integer.toString(e instanceof SiteSigningException s
                        ? s.code() : RetCode.EXCEPTION_ERROR.code()));
                listener.onClose(Status.UNAUTHENTICATED.withDescription(e.getMessage()), trailers);
                return false;
            }
            SiteMetadata.write(signed, headers);
            started = true;
            delegate.start(listener, headers);
            if (pendingRequests > 0) {
                delegate.request(pendingRequests);
            }
            return true;
        }

        private byte[] serialize(ReqT message) {
            if (message instanceof MessageLite m) {
                return m.toByteArray(); // what the protobuf marshaller would write, in one array of the exact size
            }
            try (InputStream in = method.getRequestMarshaller().stream(message)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
