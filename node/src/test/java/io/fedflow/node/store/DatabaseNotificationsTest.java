package io.fedflow.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedflow.node.testing.TestNodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's one listening connection: notifications reach their channel's subscriber, and a connection that
 * goes silent without any reset (its packets no longer forwarded) counts as broken once a probe goes
 * unanswered, so subscribers stop trusting that they hear every commit, and it is made again.
 */
class DatabaseNotificationsTest {
    private final String url = TestNodes.newDatabase();
    private final Relay relay = new Relay(URI.create(url.substring("jdbc:".length())));
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private DatabaseNotifications notifications;

    @AfterEach
    void close() throws IOException {
        if (notifications != null) {
            notifications.close();
        }
        relay.close();
    }

    private Connection direct() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return DriverManager.getConnection(url, p);
    }

    private void notifyOn(String payload) throws Exception {
        try (Connection c = direct(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_notify('fedflow_test', '" + payload + "')");
        }
    }

    @Test
    void aConnectionCutSilentlyIsFoundOutByItsProbeAndMadeAgain() throws Exception {
        notifications = new DatabaseNotifications(() -> {
            Properties p = new Properties();
            p.setProperty("user", "postgres");
            return DriverManager.getConnection(relay.url(url), p);
        }, Duration.ofMillis(200), Duration.ofMillis(1000));
        notifications.subscribe("fedflow_test", new DatabaseNotifications.Subscriber() {
            @Override
            public void notified(String payload) {
                heard.add(payload);
            }

            @Override
            public void listening() {
                heard.add("listening");
            }

            @Override
            public void deaf() {
                heard.add("deaf");
            }
        });
        notifications.start(Duration.ofSeconds(30));
        notifyOn("one");
        await().atMost(Duration.ofSeconds(30)).until(() -> heard.contains("one"));
        assertThat(heard).containsExactly("listening", "one");

        // no FIN, no RST: the relay just stops passing the connection's bytes, as a lost route would
        relay.cutSilently();
        await().atMost(Duration.ofSeconds(30)).until(() -> heard.contains("deaf"));
        await().atMost(Duration.ofSeconds(30)).until(() -> heard.lastIndexOf("listening") > heard.indexOf("deaf"));
        notifyOn("two");
        await().atMost(Duration.ofSeconds(30)).until(() -> heard.contains("two"));
    }

    /**
     * A TCP relay to PostgreSQL whose connections can be cut silently: a cut connection's bytes are read and
     * dropped, in both directions, and nothing is closed, as when a route is lost; new connections pass.
     */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket server;
        private final String host;
        private final int port;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final List<AtomicBoolean> cuts = new CopyOnWriteArrayList<>();

        Relay(URI target) {
            this.host = target.getHost();
            this.port = target.getPort();
            try {
                this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Thread accept = new Thread(this::accept, "relay-accept");
            accept.setDaemon(true);
            accept.start();
        }

        String url(String direct) {
            return direct.replace(host + ":" + port, "127.0.0.1:" + server.getLocalPort());
        }

        /** Cuts every connection open now, silently. */
        void cutSilently() {
            cuts.forEach(c -> c.set(true));
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket in = server.accept();
                    Socket out = new Socket(host, port);
                    sockets.add(in);
                    sockets.add(out);
                    AtomicBoolean cut = new AtomicBoolean();
                    cuts.add(cut);
                    pump(in, out, cut);
                    pump(out, in, cut);
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void pump(Socket from, Socket to, AtomicBoolean cut) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
                    int n;
                    while ((n = i.read(buf)) >= 0) {
                        if (!cut.get()) {
                            o.write(buf, 0, n);
                            o.flush();
                        }
                    }
                } catch (IOException ignored) {
                    // one side closed
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
