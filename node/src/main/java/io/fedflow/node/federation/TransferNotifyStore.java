package io.fedflow.node.federation;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes this process's receivers when another process of the site (several share one PostgreSQL, DESIGN
 * section 10) commits a component message: every commit sends a NOTIFY on {@link #CHANNEL} in its own
 * transaction, so it is delivered only once the message is visible, and one connection of this process
 * LISTENs and wakes the waiters of the notified routes. Its own commits wake its waiters directly, so it skips
 * the notifications carrying its own process id.
 *
 * <p>Should the listening connection break, it is made again; notifications sent in between are lost, so every
 * waiter looks at the table once the connection is back, and the receivers' slow safety poll covers the rest.
 */
public final class TransferNotifyStore implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(TransferNotifyStore.class);

    /** The notification channel: its payload is the committing process's id and the message's route. */
    static final String CHANNEL = "fedflow_transfer";
    /** Shown in pg_stat_activity. */
    static final String APPLICATION_NAME = "fedflow-transfer-listen";
    /** Between attempts to make the listening connection again: the first pause, doubled up to the longest. */
    static final Duration RECONNECT_PAUSE = Duration.ofMillis(500);
    static final Duration RECONNECT_PAUSE_MAX = Duration.ofSeconds(5);
    /** The longest one wait for notifications blocks, so that a close is noticed even if the abort is not. */
    private static final int BLOCK_MILLIS = 10_000;

    private final Connector connector;
    private final TransferWaiters waiters;
    private final String process;
    private final Thread thread;
    private final CountDownLatch listening = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Connection connection;

    /** Opens the listening connection: one of its own, outside the pools, held for good. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    /**
     * Listens on a connection {@code connector} opens for {@code waiters}, skipping the notifications of process
     * {@code process} (this one).
     */
    public TransferNotifyStore(Connector connector, TransferWaiters waiters, String process) {
        this.connector = connector;
        this.waiters = waiters;
        this.process = process;
        this.thread = new Thread(this::run, "fedflow-transfer-listen");
        this.thread.setDaemon(true);
    }

    /** The payload of a commit's NOTIFY: which process committed which route. */
    static String payload(String process, TransferKey key) {
        return process + " " + Long.toHexString(TransferWaiters.route(key));
    }

    /** Starts listening; returns once the first LISTEN is in place (or {@code timeout} passed). */
    public void start(Duration timeout) {
        thread.start();
        try {
            if (!listening.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.warn("transfer notifications: not listening after {} ms; receivers look at the table every "
                        + "safety poll until they are", timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long pause = RECONNECT_PAUSE.toMillis();
        boolean failing = false;
        while (!closed) {
            try (Connection c = connector.open()) {
                connection = c;
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("SET application_name = '" + APPLICATION_NAME + "'");
                    s.execute("LISTEN " + CHANNEL);
                }
                listening.countDown();
                if (failing) {
                    logger.info("transfer notifications: listening again");
                    failing = false;
                    pause = RECONNECT_PAUSE.toMillis();
                }
                // what was committed while nobody listened is found by one more look
                waiters.wakeAll();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] ns = pg.getNotifications(BLOCK_MILLIS);
                    if (ns != null) {
                        for (PGNotification n : ns) {
                            deliver(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                // once per outage: a database that is down fails every attempt until it is back
                if (!failing) {
                    logger.warn("transfer notifications: the listening connection failed ({}); making it again, "
                            + "receivers looking at the table every safety poll meanwhile", e.toString());
                    failing = true;
                } else {
                    logger.debug("transfer notifications: still not listening", e);
                }
                waiters.wakeAll();
                pause(pause);
                pause = Math.min(pause * 2, RECONNECT_PAUSE_MAX.toMillis());
            } finally {
                connection = null;
            }
        }
    }

    private void deliver(String payload) {
        int space = payload.indexOf(' ');
        if (space < 0 || payload.regionMatches(0, process, 0, space) && space == process.length()) {
            return;
        }
        try {
            waiters.wake(Long.parseUnsignedLong(payload.substring(space + 1), 16));
        } catch (NumberFormatException e) {
            logger.warn("transfer notifications: ignored a payload not of this node's form: {}", payload);
        }
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
                logger.debug("transfer notifications: abort of the listening connection failed", e);
            }
        }
        thread.interrupt();
        try {
            thread.join(BLOCK_MILLIS + 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
