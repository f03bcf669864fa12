package io.fedflow.cli;

import io.fedflow.proto.RetCode;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;

/** Plaintext gRPC channels to a node's client port (gRPC shares the port with the JSON API, over h2c). */
final class Channels {
    /** The node's own cap; envelopes such as a long job query can exceed gRPC's default 4 MiB. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private Channels() {}

    static ManagedChannel open(String server) {
        int colon = server.lastIndexOf(':');
        if (colon <= 0 || colon == server.length() - 1) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(),
                    "--server must be HOST:PORT, got \"" + server + "\"");
        }
        String host = server.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1); // [::1]:9380
        }
        int port;
        try {
            port = Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(),
                    "--server must be HOST:PORT, got \"" + server + "\"");
        }
        return Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create())
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .userAgent("fedflow-cli")
                .build();
    }

    /** Cancels whatever is still running (an abandoned download stream) and waits briefly for the sockets. */
    static void close(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
