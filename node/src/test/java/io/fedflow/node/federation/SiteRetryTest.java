package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.Node;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.proto.v1.PingReply;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retries of signed site calls between two real nodes, through a real TCP proxy that loses the peer's answer
 * on its first connection: the peer has taken the call (and its nonce) by then, so a retry that replayed the
 * first attempt's signed headers would be refused as a replay.
 */
class SiteRetryTest {
    static final String GUEST = "9999";
    static final String HOST = "10000";

    @RegisterExtension
    static final SitesExtension sites = SitesExtension.of(GUEST, HOST);

    @Test
    void aCallWhoseAnswerIsLostIsSignedAnewAndRetriedUntilItSucceeds() throws IOException {
        Node guest = sites.node(GUEST);
        Node host = sites.node(HOST);
        Peer direct = guest.peers().find(HOST).orElseThrow();
        try (AnswerLosingProxy proxy = new AnswerLosingProxy(host.sitePort())) {
            guest.peers().put(new Peer(HOST, "127.0.0.1", proxy.port(), host.siteKeys().publicKeyBase64(), false));
            PingReply reply = guest.partyClient().ping(HOST, new byte[] {4, 2});
            assertThat(reply.getPartyId()).isEqualTo(HOST);
            assertThat(reply.getPayload().toByteArray()).containsExactly(4, 2);
            assertThat(proxy.lostAnswers()).isEqualTo(1);
        } finally {
            guest.peers().put(direct);
        }
    }

    /**
     * Forwards loopback TCP to {@code target}. On its first connection it passes the client's bytes and the
     * server's connection-level HTTP/2 frames (settings, pings), and closes both sides at the server's first
     * frame of a stream: the answer to a call the server has taken.
     */
    static final class AnswerLosingProxy implements Closeable {
        private final ServerSocket server;
        private final int target;
        private final AtomicInteger connections = new AtomicInteger();
        private final AtomicInteger lost = new AtomicInteger();

        AnswerLosingProxy(int target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::accept, "answer-losing-proxy");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int lostAnswers() {
            return lost.get();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    boolean loseAnswer = connections.incrementAndGet() == 1;
                    pump(client.getInputStream(), upstream.getOutputStream(), client, upstream);
                    if (loseAnswer) {
                        pumpUntilStreamFrame(upstream.getInputStream(), client.getOutputStream(), client, upstream);
                    } else {
                        pump(upstream.getInputStream(), client.getOutputStream(), client, upstream);
                    }
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private static void pump(InputStream in, OutputStream out, Socket a, Socket b) {
            Thread t = new Thread(() -> {
                try {
                    in.transferTo(out);
                } catch (IOException ignored) {
                    // the other side went away
                } finally {
                    closeQuietly(a);
                    closeQuietly(b);
                }
            }, "proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        private void pumpUntilStreamFrame(InputStream in, OutputStream out, Socket a, Socket b) {
            Thread t = new Thread(() -> {
                try (DataInputStream frames = new DataInputStream(in)) {
                    byte[] header = new byte[9];
                    while (true) {
                        frames.readFully(header);
                        int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
                        int stream = ((header[5] & 0x7f) << 24 | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8
                                | header[8] & 0xff);
                        if (stream != 0) {
                            lost.incrementAndGet();
                            return;
                        }
                        byte[] payload = new byte[length];
                        frames.readFully(payload);
                        out.write(header);
                        out.write(payload);
                        out.flush();
                    }
                } catch (IOException ignored) {
                    // the other side went away
                } finally {
                    closeQuietly(a);
                    closeQuietly(b);
                }
            }, "proxy-pump-losing");
            t.setDaemon(true);
            t.start();
        }

        private static void closeQuietly(Closeable c) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }

        @Override
        public void close() {
            closeQuietly(server);
        }
    }
}
