package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.server.Server;
import io.fedflow.node.core.Limits;
import io.fedflow.node.server.SiteServer;
import io.fedflow.proto.v1.PartyServiceGrpc;
import io.fedflow.proto.v1.PingReply;
import io.fedflow.proto.v1.PingRequest;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 frames between sites, read on the wire: a relay between a site client and a site port parses the
 * frames each way, so the test sees the SETTINGS each end advertises and how many DATA frames a message took.
 */
class SiteHttp2FramesTest {
    static final int TYPE_DATA = 0x0;
    static final int TYPE_SETTINGS = 0x4;
    static final int SETTINGS_MAX_FRAME_SIZE = 0x5;
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    @Test
    void aMessageOfAFewHundredKilobytesCrossesInOneDataFrameEachWay() throws IOException {
        FrameRelay relay = pingOfThreeHundredKilobytes(Limits.DEFAULT_SITE_HTTP2_FRAME_BYTES);
        // each end told the other the frames it takes
        assertThat(relay.toServer.settings).containsEntry(SETTINGS_MAX_FRAME_SIZE,
                (long) Limits.DEFAULT_SITE_HTTP2_FRAME_BYTES);
        assertThat(relay.toClient.settings).containsEntry(SETTINGS_MAX_FRAME_SIZE,
                (long) Limits.DEFAULT_SITE_HTTP2_FRAME_BYTES);
        // the request and the answer each in one frame of its data
        assertThat(relay.toServer.dataFrameSizes.stream().filter(n -> n > 0).toList()).hasSize(1);
        assertThat(relay.toClient.dataFrameSizes.stream().filter(n -> n > 0).toList()).hasSize(1);
        assertThat(relay.toServer.dataFrameSizes.stream().mapToInt(Integer::intValue).max().orElse(0))
                .isGreaterThan(300 * 1024);
    }

    @Test
    void atHttp2sDefaultFrameSizeTheSameMessageTakesAFrameEach16KibEachWay() throws IOException {
        // what every site call did before the setting (Armeria's default is HTTP/2's 16 KiB)
        FrameRelay relay = pingOfThreeHundredKilobytes(Limits.MIN_HTTP2_FRAME_BYTES);
        // 300 KiB in frames of 16 KiB
        assertThat(relay.toServer.dataFrameSizes.stream().filter(n -> n > 0).count()).isGreaterThanOrEqualTo(19);
        assertThat(relay.toClient.dataFrameSizes.stream().filter(n -> n > 0).count()).isGreaterThanOrEqualTo(19);
    }

    /**
     * A site port and a site client both set to {@code frameBytes}, a relay between them, and a ping of 300 KB
     * (about a HeteroLR batch's ciphertexts) answered with the same payload: the relay, counting only that ping.
     */
    private FrameRelay pingOfThreeHundredKilobytes(int frameBytes) throws IOException {
        Server server = SiteServer.build("127.0.0.1", 0,
                List.of(new PartyGrpcService("10000", null, Clock.systemUTC()).bindService()), null, null, null,
                frameBytes);
        server.start().join();
        opened.add(() -> server.stop().join());
        FrameRelay relay = new FrameRelay(server.activeLocalPort());
        opened.add(0, relay);
        byte[] payload = new byte[300 * 1024];
        new Random(7).nextBytes(payload);
        try (ClientFactory factory = PartyClient.defaultFactory(frameBytes)) {
            PartyServiceGrpc.PartyServiceBlockingStub stub = GrpcClients.builder("http://127.0.0.1:" + relay.port())
                    .factory(factory).maxRequestMessageLength(1 << 20).maxResponseMessageLength(1 << 20)
                    .build(PartyServiceGrpc.PartyServiceBlockingStub.class);
            // A new connection's window is HTTP/2's 64 KiB until the peer's first WINDOW_UPDATE: the calls
            // between sites run on connections kept open, so the frames counted are those of a later call.
            stub.withDeadlineAfter(10, TimeUnit.SECONDS).ping(PingRequest.getDefaultInstance());
            relay.toServer.dataFrameSizes.clear();
            relay.toClient.dataFrameSizes.clear();
            PingReply reply = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .ping(PingRequest.newBuilder().setPayload(ByteString.copyFrom(payload)).build());
            assertThat(reply.getPayload().toByteArray()).isEqualTo(payload);
        }
        return relay;
    }

    @Test
    void aFrameSizeOutsideHttp2sBoundsIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> Limits.builder().siteHttp2FrameBytes(8192).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("site HTTP/2 frame bytes");
        assertThatThrownBy(() -> Limits.builder().siteHttp2FrameBytes(1L << 24).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16777215");
        assertThat(Limits.defaults().siteHttp2FrameBytes()).isEqualTo(1 << 20);
    }

    /** One TCP connection relayed to the site port, each direction's HTTP/2 frames parsed as they pass. */
    static final class FrameRelay implements AutoCloseable {
        final ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        final Direction toServer = new Direction(true);
        final Direction toClient = new Direction(false);
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        final Thread acceptor;

        FrameRelay(int target) throws IOException {
            acceptor = new Thread(() -> {
                try {
                    Socket client = listening.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client.getInputStream(), upstream.getOutputStream(), toServer);
                    pump(upstream.getInputStream(), client.getOutputStream(), toClient);
                } catch (IOException ignored) {
                    // closed by the test
                }
            }, "frame-relay");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listening.getLocalPort();
        }

        private static void pump(InputStream from, OutputStream to, Direction d) {
            Thread t = new Thread(() -> {
                try {
                    DataInputStream in = new DataInputStream(from);
                    if (d.fromClient) {
                        byte[] preface = new byte[PREFACE.length];
                        in.readFully(preface);
                        to.write(preface);
                    }
                    byte[] head = new byte[9];
                    while (true) {
                        in.readFully(head);
                        int length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | (head[2] & 0xff);
                        int type = head[3] & 0xff;
                        byte[] body = new byte[length];
                        in.readFully(body);
                        if (type == TYPE_DATA) {
                            d.dataFrameSizes.add(length);
                        } else if (type == TYPE_SETTINGS && (head[4] & 0x1) == 0) { // not an ACK
                            for (int i = 0; i + 6 <= length; i += 6) {
                                int id = (body[i] & 0xff) << 8 | (body[i + 1] & 0xff);
                                long value = ((long) (body[i + 2] & 0xff) << 24) | (body[i + 3] & 0xff) << 16
                                        | (body[i + 4] & 0xff) << 8 | (body[i + 5] & 0xff);
                                d.settings.put(id, value);
                            }
                        }
                        to.write(head);
                        to.write(body);
                        to.flush();
                    }
                } catch (IOException ignored) {
                    // the connection ended
                }
            }, "frame-relay-" + (d.fromClient ? "up" : "down"));
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listening.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** What one direction carried. */
    static final class Direction {
        final boolean fromClient;
        final Map<Integer, Long> settings = new ConcurrentHashMap<>();
        final List<Integer> dataFrameSizes = new CopyOnWriteArrayList<>();

        Direction(boolean fromClient) {
            this.fromClient = fromClient;
        }
    }
}
