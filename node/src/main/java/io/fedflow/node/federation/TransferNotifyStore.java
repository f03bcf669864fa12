package io.fedflow.node.federation;

import io.fedflow.node.store.DatabaseNotifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes this process's receivers when another process of the site (several share one PostgreSQL, DESIGN
 * section 10) commits a component message: every commit sends a NOTIFY on {@link #CHANNEL} in its own
 * transaction, so it is delivered only once the message is visible, and this process's one listening
 * connection ({@link DatabaseNotifications}) hands it here to wake the waiters of the notified route. Its own
 * commits wake its waiters directly, so it skips the notifications carrying its own process id.
 *
 * <p>Should the listening connection break, notifications sent until it is made again are lost, so every
 * waiter looks at the table when it breaks and once it is back, and the receivers' slow safety poll covers
 * the rest.
 */
public final class TransferNotifyStore implements DatabaseNotifications.Subscriber {
    private static final Logger logger = LoggerFactory.getLogger(TransferNotifyStore.class);

    /** The notification channel: its payload is the committing process's id and the message's route. */
    public static final String CHANNEL = "fedflow_transfer";

    private final TransferWaiters waiters;
    private final String process;

    /** Wakes {@code waiters}, skipping the notifications of process {@code process} (this one). */
    public TransferNotifyStore(TransferWaiters waiters, String process) {
        this.waiters = waiters;
        this.process = process;
    }

    /** The payload of a commit's NOTIFY: which process committed which route. */
    static String payload(String process, TransferKey key) {
        return process + " " + Long.toHexString(TransferWaiters.route(key));
    }

    @Override
    public void notified(String payload) {
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

    @Override
    public void listening() {
        // what was committed while nobody listened is found by one more look
        waiters.wakeAll();
    }

    @Override
    public void deaf() {
        // until the connection is back, receivers look at the table every safety poll
        waiters.wakeAll();
    }
}
