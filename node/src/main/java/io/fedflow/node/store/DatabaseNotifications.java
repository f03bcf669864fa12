package io.fedflow.node.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's one connection LISTENing for the NOTIFYs the other processes of the site (several share one
 * PostgreSQL, DESIGN section 10) and its own commits send, each channel's notifications handed to the one
 * subscriber of that channel. A NOTIFY is delivered only once its transaction commits, so what it names is
 * visible by then.
 *
 * <p>Should the listening connection break, it is made again; notifications sent in between are lost, so every
 * subscriber is told when it stops hearing ({@link Subscriber#deaf}) and when it hears again ({@link
 * Subscriber#listening}), and makes up for what it may have missed. A connection silent for {@link #PROBE_AFTER}
 * is asked a {@code SELECT 1}, so a cut no reset reports counts as a break within {@link #PROBE_AFTER} +
 * {@link #PROBE_TIMEOUT}.
 */
public final class DatabaseNotifications implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(DatabaseNotifications.class);

    /** Shown in pg_stat_activity. */
    public static final String APPLICATION_NAME = "fedflow-listen";
    /** Between attempts to make the listening connection again: the first pause, doubled up to the longest. */
    static final Duration RECONNECT_PAUSE = Duration.ofMillis(500);
    static final Duration RECONNECT_PAUSE_MAX = Duration.ofSeconds(5);
    /** The longest one wait for notifications blocks, so that a close is noticed even if the abort is not. */
    private static final int BLOCK_MILLIS = 10_000;
    /**
     * A connection silent this long is asked whether it still answers: a cut that no reset reports (a peer
     * gone, a dropped route) would otherwise look like a quiet channel until TCP gave up, minutes later, while
     * subscribers trusted that they hear every commit.
     */
    static final Duration PROBE_AFTER = Duration.ofSeconds(1);
    /** The longest that question may take before the connection counts as broken. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    /** What one channel's notifications go to; called on the listening thread, so quick. */
    public interface Subscriber {
        /** A notification of the channel, with its payload. */
        void notified(String payload);

        /** The channel is listened to: at start, and again after an outage (which may have lost notifications). */
        void listening();

        /** The channel is no longer listened to (the connection broke): notifications are lost until {@link #listening}. */
        void deaf();
    }

    /** Opens the listening connection: one of its own, outside the pools, held for good. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    private final Connector connector;
    private final Duration probeAfter;
    private final Duration probeTimeout;
    private final Map<String, Subscriber> channels = new LinkedHashMap<>();
    private final Thread thread;
    private final CountDownLatch listening = new CountDownLatch(1);
    private volatile boolean started;
    private volatile boolean closed;
    private volatile Connection connection;

    public DatabaseNotifications(Connector connector) {
        this(connector, PROBE_AFTER, PROBE_TIMEOUT);
    }

    /** Probes a connection silent for {@code probeAfter}, counting it broken if it does not answer in {@code probeTimeout}. */
    DatabaseNotifications(Connector connector, Duration probeAfter, Duration probeTimeout) {
        this.connector = connector;
        this.probeAfter = probeAfter;
        this.probeTimeout = probeTimeout;
        this.thread = new Thread(this::run, "fedflow-listen");
        this.thread.setDaemon(true);
    }

    /**
     * Hands the notifications of {@code channel} (a plain lower-case identifier) to {@code subscriber}; before
     * {@link #start} only.
     */
    public synchronized void subscribe(String channel, Subscriber subscriber) {
        if (started) {
            throw new IllegalStateException("subscribe to " + channel + " before the notifications start");
        }
        if (!channel.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain channel name: " + channel);
        }
        if (channels.putIfAbsent(channel, subscriber) != null) {
            throw new IllegalStateException("channel " + channel + " already has a subscriber");
        }
    }

    /** Starts listening; returns once the first LISTEN is in place (or {@code timeout} passed). */
    public synchronized void start(Duration timeout) {
        if (started) {
            return;
        }
        started = true;
        thread.start();
        try {
            if (!listening.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.warn("database notifications: not listening after {} ms; their subscribers make do until "
                        + "they are ({})", timeout.toMillis(), channels.keySet());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Map.Entry<String, Subscriber>> subs = List.copyOf(channels.entrySet());
        long pause = RECONNECT_PAUSE.toMillis();
        boolean failing = false;
        while (!closed) {
            try (Connection c = connector.open()) {
                connection = c;
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("SET application_name = '" + APPLICATION_NAME + "'");
                    for (Map.Entry<String, Subscriber> e : subs) {
                        s.execute("LISTEN " + e.getKey());
                    }
                }
                if (failing) {
                    logger.info("database notifications: listening again");
                    failing = false;
                    pause = RECONNECT_PAUSE.toMillis();
                }
                // what was committed while nobody listened is for each subscriber to find again
                subs.forEach(e -> e.getValue().listening());
                listening.countDown();
                PGConnection pg = c.unwrap(PGConnection.class);
                // bounds the probe below: a read that gets no answer in time fails the connection
                c.setNetworkTimeout(Runnable::run, Math.toIntExact(probeTimeout.toMillis()));
                int wait = Math.toIntExact(Math.min(probeAfter.toMillis(), BLOCK_MILLIS));
                try (Statement probe = c.createStatement()) {
                    while (!closed) {
                        PGNotification[] ns = pg.getNotifications(wait);
                        if (ns == null || ns.length == 0) {
                            probe.execute("SELECT 1");
                            continue;
                        }
                        for (PGNotification n : ns) {
                            Subscriber s = channels.get(n.getName());
                            if (s != null) {
                                s.notified(n.getParameter());
                            }
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                subs.forEach(s -> s.getValue().deaf());
                if (closed) {
                    break;
                }
                // once per outage: a database that is down fails every attempt until it is back
                if (!failing) {
                    logger.warn("database notifications: the listening connection failed ({}); making it again, "
                            + "their subscribers making do meanwhile", e.toString());
                    failing = true;
                } else {
                    logger.debug("database notifications: still not listening", e);
                }
                pause(pause);
                pause = Math.min(pause * 2, RECONNECT_PAUSE_MAX.toMillis());
            } finally {
                connection = null;
            }
        }
        subs.forEach(s -> s.getValue().deaf());
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Stops listening: the connection is aborted (its blocked read ends) and closed. */
    @Override
    public void close() {
        closed = true;
        Connection c = connection;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                logger.debug("database notifications: abort of the listening connection failed", e);
            }
        }
        thread.interrupt();
        if (thread.isAlive()) {
            try {
                thread.join(BLOCK_MILLIS + 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
